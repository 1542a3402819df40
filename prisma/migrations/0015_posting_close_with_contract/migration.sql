-- AlterTable
ALTER TABLE "posting" ADD COLUMN     "close_with_contract" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "posting_contract_id_close_with_contract_idx" ON "posting"("contract_id", "close_with_contract");
