DROP INDEX "drafts_recipient_decided_idx";--> statement-breakpoint
DROP INDEX "drafts_decided_idx";--> statement-breakpoint
CREATE INDEX "conversations_updated_idx" ON "conversations" USING btree ("updated_at");--> statement-breakpoint
CREATE INDEX "drafts_sender_counted_idx" ON "drafts" USING btree ("requester_platform","requester_user_id","decided_at") WHERE status in ('confirmed', 'sending', 'sent');--> statement-breakpoint
CREATE INDEX "drafts_recipient_counted_idx" ON "drafts" USING btree ("channel","recipient","decided_at") WHERE status in ('confirmed', 'sending', 'sent');--> statement-breakpoint
CREATE INDEX "drafts_counted_idx" ON "drafts" USING btree ("decided_at") WHERE status in ('confirmed', 'sending', 'sent');--> statement-breakpoint
CREATE INDEX "drafts_final_updated_idx" ON "drafts" USING btree ("updated_at") WHERE status in ('sent', 'failed', 'cancelled', 'expired');--> statement-breakpoint
-- Finished deliveries are now deleted as they finish (the draft row keeps attempts and outcome): drop those already closed.
DELETE FROM "deliveries" d USING "drafts" r WHERE d."draft_id" = r."id" AND d."done" AND r."status" IN ('sent', 'failed');
