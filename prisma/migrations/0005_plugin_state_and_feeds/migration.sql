-- AlterTable
ALTER TABLE "contract" ADD COLUMN     "feed_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "feed_etag" TEXT,
ADD COLUMN     "feed_token_hash" TEXT,
ADD COLUMN     "feed_token_key_id" TEXT,
ADD COLUMN     "feed_token_sealed" TEXT;

-- AlterTable
ALTER TABLE "job" ADD COLUMN     "on_website" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "recruiter_id" UUID;

-- CreateTable
CREATE TABLE "plugin_state" (
    "organization_id" UUID NOT NULL,
    "plugin_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plugin_state_pkey" PRIMARY KEY ("organization_id","plugin_id","key")
);

-- CreateIndex
CREATE UNIQUE INDEX "contract_feed_token_hash_key" ON "contract"("feed_token_hash");

-- CreateIndex
CREATE INDEX "job_organization_id_on_website_status_idx" ON "job"("organization_id", "on_website", "status");

-- CreateIndex
CREATE INDEX "job_recruiter_id_idx" ON "job"("recruiter_id");

-- CreateIndex
CREATE INDEX "posting_contract_id_status_id_idx" ON "posting"("contract_id", "status", "id");

-- AddForeignKey
ALTER TABLE "job" ADD CONSTRAINT "job_recruiter_id_fkey" FOREIGN KEY ("recruiter_id") REFERENCES "user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plugin_state" ADD CONSTRAINT "plugin_state_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
