-- Discovery's text index again, split into bands of average rating (the best-rated first),
-- one partial index per band. A relevance search needs only the best-rated 200 matches, so it
-- reads the bands in order and stops once they hold 200: a word in 1% of 1M advisors costs
-- the first band's matches (~600) instead of all 10,000, or a 20,000-row walk. The bands
-- partition the discoverable advisors (unrated ones, average 0, are in the last); their
-- bounds are fixed here and in RATING_BANDS (queries/discovery.ts), which must match.
-- The bounds are on `rating_avg + 0`, which the rating index can't serve: given the bare
-- column, the planner may read a band through the rating index and check every advisor
-- in it for the words (seen on a small table), which at 1M advisors is 58,000 checks.
CREATE INDEX "advisors_discovery_band0_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) >= 4.95;
--> statement-breakpoint
CREATE INDEX "advisors_discovery_band1_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) >= 4.85 AND ("rating_avg" + 0) < 4.95;
--> statement-breakpoint
CREATE INDEX "advisors_discovery_band2_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) >= 4.7 AND ("rating_avg" + 0) < 4.85;
--> statement-breakpoint
CREATE INDEX "advisors_discovery_band3_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) >= 4.5 AND ("rating_avg" + 0) < 4.7;
--> statement-breakpoint
CREATE INDEX "advisors_discovery_band4_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) >= 4.0 AND ("rating_avg" + 0) < 4.5;
--> statement-breakpoint
CREATE INDEX "advisors_discovery_band5_idx" ON "advisors" USING gin ("search_vector", "skill_ids", "languages")
  WHERE "status" = 'active' AND "accepting_bookings" AND ("rating_avg" + 0) < 4.0;
