ALTER TABLE "audit_events" ADD COLUMN "mac" text;--> statement-breakpoint
ALTER TABLE "audit_pending" ADD COLUMN "mac" text;--> statement-breakpoint
-- The audit log becomes keyed: each event carries the HMAC its writer computed
-- with AUDIT_KEY, and new links are keyed hashes (audit-hash.ts). Entries chained
-- before this migration keep mac null and verify as "legacy, unkeyed".
COMMENT ON COLUMN "audit_events"."mac" IS 'HMAC-SHA256 of the event under AUDIT_KEY; null = legacy, unkeyed entry';
