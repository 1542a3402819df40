-- AlterTable
ALTER TABLE "posting" ADD COLUMN     "board_warnings" JSONB NOT NULL DEFAULT '[]';
