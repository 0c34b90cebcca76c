CREATE TABLE "opt_outs" (
	"address" text PRIMARY KEY NOT NULL,
	"added_by_platform" text,
	"added_by_user_id" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "drafts" DROP CONSTRAINT "drafts_status_check";--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "send_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "time_zone" text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "held_for_quiet_hours" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "drafts" ADD CONSTRAINT "drafts_status_check" CHECK ("drafts"."status" in ('pending', 'confirmed', 'scheduled', 'sending', 'sent', 'failed', 'cancelled', 'expired'));