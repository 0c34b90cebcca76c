CREATE TABLE "draft_cards" (
	"draft_id" text NOT NULL,
	"ref" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "draft_cards_pkey" PRIMARY KEY("draft_id","ref")
);
--> statement-breakpoint
ALTER TABLE "drafts" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "draft_cards" ADD CONSTRAINT "draft_cards_draft_id_drafts_id_fk" FOREIGN KEY ("draft_id") REFERENCES "public"."drafts"("id") ON DELETE cascade ON UPDATE no action;