-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "PostingStatus" AS ENUM ('DRAFT', 'QUEUED', 'SUBMITTED', 'PENDING_REVIEW', 'PUBLISHED', 'REJECTED', 'UPDATE_QUEUED', 'WITHDRAWN', 'EXPIRED', 'FAILED');

-- CreateEnum
CREATE TYPE "DeliveryOperation" AS ENUM ('PUBLISH', 'UPDATE', 'WITHDRAW');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'PROCESSING', 'DONE', 'FAILED');

-- CreateTable
CREATE TABLE "job" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "city" TEXT,
    "region" TEXT,
    "country_code" CHAR(2),
    "postal_code" TEXT,
    "employment_type" TEXT,
    "hours_per_week" DECIMAL(5,2),
    "salary_min" DECIMAL(14,2),
    "salary_max" DECIMAL(14,2),
    "salary_currency" CHAR(3),
    "salary_period" TEXT,
    "category" TEXT,
    "apply_url" TEXT,
    "status" "JobStatus" NOT NULL DEFAULT 'OPEN',
    "stages" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "job_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posting" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "board_id" TEXT NOT NULL,
    "status" "PostingStatus" NOT NULL,
    "board_fields" JSONB NOT NULL DEFAULT '{}',
    "external_id" TEXT,
    "external_url" TEXT,
    "rejection_reason" TEXT,
    "last_error" TEXT,
    "credit_reference" TEXT,
    "next_poll_at" TIMESTAMPTZ(3),
    "poll_attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "posting_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posting_event" (
    "id" UUID NOT NULL,
    "posting_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "from_status" "PostingStatus",
    "to_status" "PostingStatus",
    "message" TEXT,
    "attempt" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "posting_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "delivery" (
    "id" UUID NOT NULL,
    "posting_id" UUID NOT NULL,
    "operation" "DeliveryOperation" NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "idempotency_key" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "lease_token" UUID,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "delivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "job_organization_id_created_at_idx" ON "job"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "posting_organization_id_created_at_idx" ON "posting"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "posting_contract_id_created_at_idx" ON "posting"("contract_id", "created_at");

-- CreateIndex
CREATE INDEX "posting_job_id_idx" ON "posting"("job_id");

-- CreateIndex
CREATE INDEX "posting_next_poll_at_idx" ON "posting"("next_poll_at");

-- CreateIndex
CREATE INDEX "posting_event_posting_id_created_at_idx" ON "posting_event"("posting_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "delivery_idempotency_key_key" ON "delivery"("idempotency_key");

-- CreateIndex
CREATE INDEX "delivery_status_available_at_idx" ON "delivery"("status", "available_at");

-- CreateIndex
CREATE INDEX "delivery_posting_id_created_at_idx" ON "delivery"("posting_id", "created_at");

-- AddForeignKey
ALTER TABLE "job" ADD CONSTRAINT "job_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "posting" ADD CONSTRAINT "posting_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "posting" ADD CONSTRAINT "posting_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "job"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "posting" ADD CONSTRAINT "posting_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "posting_event" ADD CONSTRAINT "posting_event_posting_id_fkey" FOREIGN KEY ("posting_id") REFERENCES "posting"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "delivery" ADD CONSTRAINT "delivery_posting_id_fkey" FOREIGN KEY ("posting_id") REFERENCES "posting"("id") ON DELETE CASCADE ON UPDATE CASCADE;
