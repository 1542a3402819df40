-- AlterTable
ALTER TABLE "posting" ADD COLUMN     "field_errors" JSONB NOT NULL DEFAULT '[]';
