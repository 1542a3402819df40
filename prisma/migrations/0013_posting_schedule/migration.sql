-- AlterTable
ALTER TABLE "posting" ADD COLUMN     "close_at" TIMESTAMPTZ(3),
ADD COLUMN     "publish_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "posting_close_at_idx" ON "posting"("close_at");
