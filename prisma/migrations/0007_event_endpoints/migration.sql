-- CreateTable
CREATE TABLE "event_endpoint" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "description" TEXT,
    "event_types" TEXT[],
    "secret_sealed" TEXT NOT NULL,
    "secret_key_id" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "disabled_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_delivery" (
    "id" UUID NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "endpoint_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "ordering_key" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "available_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "lease_token" UUID,
    "last_status_code" INTEGER,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),

    CONSTRAINT "event_delivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "event_delivery_attempt" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,

    CONSTRAINT "event_delivery_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "event_endpoint_organization_id_idx" ON "event_endpoint"("organization_id");

-- CreateIndex
CREATE INDEX "event_delivery_status_available_at_idx" ON "event_delivery"("status", "available_at");

-- CreateIndex
CREATE INDEX "event_delivery_endpoint_id_ordering_key_sequence_idx" ON "event_delivery"("endpoint_id", "ordering_key", "sequence");

-- CreateIndex
CREATE INDEX "event_delivery_endpoint_id_created_at_idx" ON "event_delivery"("endpoint_id", "created_at");

-- CreateIndex
CREATE INDEX "event_delivery_attempt_delivery_id_at_idx" ON "event_delivery_attempt"("delivery_id", "at");

-- AddForeignKey
ALTER TABLE "event_endpoint" ADD CONSTRAINT "event_endpoint_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_delivery" ADD CONSTRAINT "event_delivery_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "event_endpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "event_delivery_attempt" ADD CONSTRAINT "event_delivery_attempt_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "event_delivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;
