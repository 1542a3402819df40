-- One name per queue: the board outbox, the webhook inbox (event deliveries keep theirs). Renamed in place, rows kept.
ALTER TYPE "DeliveryOperation" RENAME TO "BoardOperation";
ALTER TYPE "DeliveryStatus" RENAME TO "QueueStatus";

ALTER TABLE "delivery" RENAME TO "board_outbox";
ALTER TABLE "board_outbox" RENAME CONSTRAINT "delivery_pkey" TO "board_outbox_pkey";
ALTER TABLE "board_outbox" RENAME CONSTRAINT "delivery_posting_id_fkey" TO "board_outbox_posting_id_fkey";
ALTER INDEX "delivery_idempotency_key_key" RENAME TO "board_outbox_idempotency_key_key";
ALTER INDEX "delivery_status_available_at_idx" RENAME TO "board_outbox_status_available_at_idx";
ALTER INDEX "delivery_posting_id_created_at_idx" RENAME TO "board_outbox_posting_id_created_at_idx";

ALTER TABLE "webhook_delivery" RENAME TO "webhook_inbox";
ALTER TABLE "webhook_inbox" RENAME CONSTRAINT "webhook_delivery_pkey" TO "webhook_inbox_pkey";
ALTER TABLE "webhook_inbox" RENAME CONSTRAINT "webhook_delivery_contract_id_fkey" TO "webhook_inbox_contract_id_fkey";
ALTER INDEX "webhook_delivery_status_available_at_idx" RENAME TO "webhook_inbox_status_available_at_idx";
ALTER INDEX "webhook_delivery_contract_id_delivery_id_key" RENAME TO "webhook_inbox_contract_id_delivery_id_key";
