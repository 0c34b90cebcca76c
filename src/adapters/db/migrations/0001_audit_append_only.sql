-- The audit log is append-only: the database itself refuses UPDATE, DELETE and
-- TRUNCATE on audit_events, whoever asks. Statement-level triggers, so even a
-- change that would touch no rows is refused. (An owner can still disable the
-- trigger; that is what the hash chain and `relaybot audit verify` are for.)
CREATE OR REPLACE FUNCTION "audit_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed; audit entries can only be added, never changed or removed', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'The audit log is tamper-evident; run "relaybot audit verify" to check it.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_append_only"
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate"
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
