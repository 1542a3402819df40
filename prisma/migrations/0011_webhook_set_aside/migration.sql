-- AlterTable
ALTER TABLE "webhook_delivery" ADD COLUMN     "set_aside" JSONB NOT NULL DEFAULT '[]';
