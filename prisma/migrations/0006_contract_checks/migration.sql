-- AlterTable
ALTER TABLE "contract" ADD COLUMN     "checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "next_check_at" TIMESTAMPTZ(3),
ADD COLUMN     "quality_rate" DECIMAL(5,2),
ADD COLUMN     "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "contract_next_check_at_idx" ON "contract"("next_check_at");
