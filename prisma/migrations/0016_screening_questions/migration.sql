-- AlterTable
ALTER TABLE "application" ADD COLUMN     "answers" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "knocked_out" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "job" ADD COLUMN     "questions" JSONB NOT NULL DEFAULT '[]';
