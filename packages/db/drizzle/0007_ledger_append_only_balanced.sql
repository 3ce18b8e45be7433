-- The ledger is append-only: a posted entry is never edited or removed; corrections are
-- new entries. The same goes for the consultation timeline.
CREATE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER journal_entries_append_only
  BEFORE UPDATE OR DELETE ON journal_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
--> statement-breakpoint
CREATE TRIGGER journal_entries_no_truncate
  BEFORE TRUNCATE ON journal_entries
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
--> statement-breakpoint
CREATE TRIGGER journal_postings_append_only
  BEFORE UPDATE OR DELETE ON journal_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
--> statement-breakpoint
CREATE TRIGGER journal_postings_no_truncate
  BEFORE TRUNCATE ON journal_postings
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
--> statement-breakpoint
CREATE TRIGGER consultation_events_append_only
  BEFORE UPDATE OR DELETE ON consultation_events
  FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
--> statement-breakpoint
-- Checked at commit (deferred), once all of an entry's postings are in: every entry has at
-- least two postings and they sum to zero in each currency. An unbalanced transaction
-- fails as a whole, whatever the application code did.
CREATE FUNCTION journal_entry_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  entry uuid;
  lines integer;
  unbalanced text;
BEGIN
  -- Two IFs, not a CASE: PL/pgSQL resolves every NEW field it sees, and entries have no entry_id.
  IF TG_TABLE_NAME = 'journal_entries' THEN
    entry := NEW.id;
  ELSE
    entry := NEW.entry_id;
  END IF;
  SELECT count(*) INTO lines FROM journal_postings WHERE entry_id = entry;
  IF lines < 2 THEN
    RAISE EXCEPTION 'journal entry % has % posting(s); an entry needs at least two', entry, lines
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT string_agg(currency || ' ' || total, ', ') INTO unbalanced FROM (
    SELECT currency, sum(amount) AS total FROM journal_postings
    WHERE entry_id = entry GROUP BY currency HAVING sum(amount) <> 0
  ) t;
  IF unbalanced IS NOT NULL THEN
    RAISE EXCEPTION 'journal entry % does not balance: %', entry, unbalanced
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_entries_balanced
  AFTER INSERT ON journal_entries
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_entry_check_balanced();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER journal_postings_balanced
  AFTER INSERT ON journal_postings
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION journal_entry_check_balanced();
