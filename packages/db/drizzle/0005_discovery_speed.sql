CREATE TABLE "discovery_terms" (
	"term" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE INDEX "discovery_terms_trgm_idx" ON "discovery_terms" USING gin ("term" gin_trgm_ops);--> statement-breakpoint
-- Backfill: the words of every skill and synonym and of every advisor's name.
INSERT INTO "discovery_terms" ("term")
SELECT DISTINCT w.term
  FROM (SELECT s."name" || ' ' || s."slug" AS t FROM "skills" s WHERE s."merged_into_id" IS NULL
        UNION ALL SELECT ss."term" FROM "skill_synonyms" ss
        UNION ALL SELECT a."display_name" FROM "advisors" a) src
  CROSS JOIN LATERAL regexp_split_to_table(discovery_normalize(src.t), '\s+') AS w(term)
 WHERE length(w.term) >= 2
ON CONFLICT DO NOTHING;
--> statement-breakpoint
-- Each advisor's skill ids and languages, copied onto the advisor row so discovery filters
-- are array containment on one row (and GIN-indexed) instead of a probe into the link
-- tables per candidate. Derived and kept by the triggers below on every write path
-- (profile edits, application approval, skill merges), so drizzle need not know them.
ALTER TABLE "advisors" ADD COLUMN "skill_ids" uuid[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "languages" text[] DEFAULT '{}' NOT NULL;
--> statement-breakpoint
CREATE FUNCTION discovery_sync_advisor_skills() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ids := ARRAY(SELECT DISTINCT advisor_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT advisor_id FROM old_rows);
  ELSE
    ids := ARRAY(SELECT advisor_id FROM new_rows UNION SELECT advisor_id FROM old_rows);
  END IF;
  UPDATE "advisors" a SET "skill_ids" = c.skill_ids
    FROM (SELECT u.id, ARRAY(SELECT ak."skill_id" FROM "advisor_skills" ak
                               WHERE ak."advisor_id" = u.id ORDER BY 1) AS skill_ids
            FROM unnest(ids) AS u(id)) c
   WHERE a."user_id" = c.id AND a."skill_ids" IS DISTINCT FROM c.skill_ids;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "advisor_skills_sync_insert" AFTER INSERT ON "advisor_skills"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_skills();
--> statement-breakpoint
CREATE TRIGGER "advisor_skills_sync_update" AFTER UPDATE ON "advisor_skills"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_skills();
--> statement-breakpoint
CREATE TRIGGER "advisor_skills_sync_delete" AFTER DELETE ON "advisor_skills"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_skills();
--> statement-breakpoint
CREATE FUNCTION discovery_sync_advisor_languages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    ids := ARRAY(SELECT DISTINCT advisor_id FROM new_rows);
  ELSIF TG_OP = 'DELETE' THEN
    ids := ARRAY(SELECT DISTINCT advisor_id FROM old_rows);
  ELSE
    ids := ARRAY(SELECT advisor_id FROM new_rows UNION SELECT advisor_id FROM old_rows);
  END IF;
  UPDATE "advisors" a SET "languages" = c.languages
    FROM (SELECT u.id, ARRAY(SELECT al."language" FROM "advisor_languages" al
                               WHERE al."advisor_id" = u.id ORDER BY 1) AS languages
            FROM unnest(ids) AS u(id)) c
   WHERE a."user_id" = c.id AND a."languages" IS DISTINCT FROM c.languages;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "advisor_languages_sync_insert" AFTER INSERT ON "advisor_languages"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_languages();
--> statement-breakpoint
CREATE TRIGGER "advisor_languages_sync_update" AFTER UPDATE ON "advisor_languages"
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_languages();
--> statement-breakpoint
CREATE TRIGGER "advisor_languages_sync_delete" AFTER DELETE ON "advisor_languages"
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION discovery_sync_advisor_languages();
--> statement-breakpoint
UPDATE "advisors" a SET
  "skill_ids" = ARRAY(SELECT ak."skill_id" FROM "advisor_skills" ak WHERE ak."advisor_id" = a."user_id" ORDER BY 1),
  "languages" = ARRAY(SELECT al."language" FROM "advisor_languages" al WHERE al."advisor_id" = a."user_id" ORDER BY 1);
--> statement-breakpoint
-- One GIN index over text, skills and languages: a query combining them intersects inside
-- the index instead of fetching every row that has the (often common) word. It serves each
-- column alone as well, so it replaces the text-only index.
CREATE INDEX "advisors_discovery_match_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
DROP INDEX "advisors_discovery_search_idx";
