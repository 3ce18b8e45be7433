-- Discovery: full-text search over advisors with typo tolerance, and indexes for its
-- filters and sorts. Columns here are derived (generated), so drizzle need not know them.

-- unaccent() is only STABLE (its dictionary could change), so it can't feed a generated
-- column or an index directly. Pinning the dictionary by schema makes this wrapper safe to
-- declare IMMUTABLE. ASCII punctuation becomes a space, so "node.js" and "node js" match.
CREATE FUNCTION discovery_normalize(value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  RETURN lower(regexp_replace(public.unaccent('public.unaccent'::regdictionary, value), '[!-/:-@\[-`{-~]+', ' ', 'g'));
--> statement-breakpoint
-- Name weighs most, then headline; search_text (name, headline, bio, skills and synonyms).
ALTER TABLE "advisors" ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('simple'::regconfig, discovery_normalize("display_name")), 'A')
  || setweight(to_tsvector('simple'::regconfig, discovery_normalize("headline")), 'B')
  || setweight(to_tsvector('simple'::regconfig, discovery_normalize("search_text")), 'C')
) STORED;
--> statement-breakpoint
-- The name as searched, for trigram matching (typos in names) without normalizing per row.
ALTER TABLE "advisors" ADD COLUMN "search_name" text GENERATED ALWAYS AS (discovery_normalize("display_name")) STORED;
--> statement-breakpoint
-- Average rating, 0 when unrated, so the rating sort can walk an index.
ALTER TABLE "advisors" ADD COLUMN "rating_avg" double precision GENERATED ALWAYS AS (
  CASE WHEN "rating_count" > 0 THEN "rating_sum"::double precision / "rating_count" ELSE 0 END
) STORED;
--> statement-breakpoint
-- Only discoverable advisors (active and accepting bookings) are ever searched, so every
-- discovery index is partial on that predicate.
CREATE INDEX "advisors_discovery_search_idx" ON "advisors" USING gin ("search_vector")
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
CREATE INDEX "advisors_discovery_name_trgm_idx" ON "advisors" USING gin ("search_name" gin_trgm_ops)
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
CREATE INDEX "advisors_discovery_rating_idx" ON "advisors" USING btree ("rating_avg", "rating_count", "user_id")
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
CREATE INDEX "advisors_discovery_price_idx" ON "advisors" USING btree ("hourly_rate", "user_id")
  WHERE "status" = 'active' AND "accepting_bookings";
