-- CreateTable
CREATE TABLE "posting_view" (
    "posting_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "views" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "posting_view_pkey" PRIMARY KEY ("posting_id","day")
);

-- AddForeignKey
ALTER TABLE "posting_view" ADD CONSTRAINT "posting_view_posting_id_fkey" FOREIGN KEY ("posting_id") REFERENCES "posting"("id") ON DELETE CASCADE ON UPDATE CASCADE;
