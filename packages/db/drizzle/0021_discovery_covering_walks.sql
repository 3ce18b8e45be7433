-- The rating and price indexes again, now carrying every column a search filters on besides
-- text (skills, languages, currency, rate, rating), so a filtered search sorted by rating or
-- price walks the index alone (an index-only scan) and reads the table only for the page it
-- returns. Walking the old index cost a visit to the table per advisor passed over: at 100k
-- advisors, "Machine Learning, speaks French, cheapest first" checked 3,344 advisors in
-- 12-15 ms, 10 µs each in rows of ~1.3 kB; from this index in 0.8 ms. The text isn't
-- carried: a tsvector can outgrow a B-tree entry, and text searches have their own paths.
-- The new indexes are built before the old ones go, so searches keep an index while they
-- build (a build only holds up writes to advisors); the names stay as they were, since
-- queries/discovery.ts reads the rating index's size by name.
CREATE INDEX "advisors_discovery_rating_covering_idx" ON "advisors" USING btree ("rating_avg", "rating_count", "user_id")
  INCLUDE ("hourly_rate", "currency", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
CREATE INDEX "advisors_discovery_price_covering_idx" ON "advisors" USING btree ("hourly_rate", "user_id")
  INCLUDE ("rating_avg", "rating_count", "currency", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings";
--> statement-breakpoint
DROP INDEX "advisors_discovery_rating_idx";
--> statement-breakpoint
DROP INDEX "advisors_discovery_price_idx";
--> statement-breakpoint
ALTER INDEX "advisors_discovery_rating_covering_idx" RENAME TO "advisors_discovery_rating_idx";
--> statement-breakpoint
ALTER INDEX "advisors_discovery_price_covering_idx" RENAME TO "advisors_discovery_price_idx";
