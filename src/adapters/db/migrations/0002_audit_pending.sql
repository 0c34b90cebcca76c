CREATE TABLE "audit_pending" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_pending_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone NOT NULL,
	"actor_platform" text,
	"actor_user_id" text,
	"actor_name" text,
	"action" text NOT NULL,
	"draft_id" text,
	"details" jsonb NOT NULL
);
--> statement-breakpoint
-- Pending audit events may only be added, and removed by the sealer as it
-- chains them into audit_events; never rewritten.
CREATE OR REPLACE FUNCTION "audit_pending_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_pending is append-only: % is not allowed; pending audit entries are only added, then chained into audit_events', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_pending_no_update"
  BEFORE UPDATE OR TRUNCATE ON "audit_pending"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_pending_refuse_change"();
