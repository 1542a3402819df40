-- AlterTable
ALTER TABLE "posting" ADD COLUMN     "repost_of_id" UUID;

-- AddForeignKey
ALTER TABLE "posting" ADD CONSTRAINT "posting_repost_of_id_fkey" FOREIGN KEY ("repost_of_id") REFERENCES "posting"("id") ON DELETE SET NULL ON UPDATE CASCADE;
