-- CreateEnum
CREATE TYPE "ContractStatus" AS ENUM ('NOT_CONFIGURED', 'PENDING_VERIFICATION', 'ACTIVE', 'INVALID_CREDENTIALS', 'SUSPENDED', 'EXPIRED', 'DISCONNECTED');

-- CreateEnum
CREATE TYPE "CreditEntryKind" AS ENUM ('RESERVE', 'CONSUME', 'RELEASE');

-- CreateTable
CREATE TABLE "contract" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "board_id" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "status" "ContractStatus" NOT NULL,
    "status_reason" TEXT,
    "alias" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "purchase_price_amount" DECIMAL(14,2),
    "purchase_price_currency" CHAR(3),
    "credits_total" INTEGER,
    "confirmations" JSONB NOT NULL DEFAULT '{}',
    "verified_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contract_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contract_credential" (
    "contract_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "sealed" TEXT NOT NULL,
    "hint" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contract_credential_pkey" PRIMARY KEY ("contract_id","key")
);

-- CreateTable
CREATE TABLE "contract_event" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "actor_user_id" UUID,
    "type" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contract_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_entry" (
    "id" UUID NOT NULL,
    "contract_id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "kind" "CreditEntryKind" NOT NULL,
    "reference" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_entry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "contract_organization_id_board_id_idx" ON "contract"("organization_id", "board_id");

-- CreateIndex
CREATE INDEX "contract_credential_key_id_idx" ON "contract_credential"("key_id");

-- CreateIndex
CREATE INDEX "contract_event_contract_id_created_at_idx" ON "contract_event"("contract_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "credit_entry_contract_id_kind_reference_key" ON "credit_entry"("contract_id", "kind", "reference");

-- AddForeignKey
ALTER TABLE "contract" ADD CONSTRAINT "contract_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_credential" ADD CONSTRAINT "contract_credential_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_event" ADD CONSTRAINT "contract_event_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contract_event" ADD CONSTRAINT "contract_event_actor_user_id_fkey" FOREIGN KEY ("actor_user_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_entry" ADD CONSTRAINT "credit_entry_contract_id_fkey" FOREIGN KEY ("contract_id") REFERENCES "contract"("id") ON DELETE CASCADE ON UPDATE CASCADE;
