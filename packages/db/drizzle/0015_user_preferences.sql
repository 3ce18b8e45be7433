ALTER TABLE "users" ALTER COLUMN "time_zone" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "users" ALTER COLUMN "time_zone" DROP NOT NULL;--> statement-breakpoint
-- Nothing ever set a user's time zone, so every stored 'UTC' is the old default: unknown.
UPDATE "users" SET "time_zone" = NULL WHERE "time_zone" = 'UTC';--> statement-breakpoint
-- An advisor already chose a zone for their profile: it is the user's zone too.
UPDATE "users" u SET "time_zone" = a."time_zone" FROM "advisors" a
  WHERE a."user_id" = u."id" AND a."time_zone" <> '';
