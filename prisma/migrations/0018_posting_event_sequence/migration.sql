-- Entries written in one transaction can share a millisecond; their order of insertion breaks the tie.
ALTER TABLE "posting_event" ADD COLUMN "sequence" BIGSERIAL NOT NULL;
