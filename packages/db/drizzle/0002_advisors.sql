CREATE TYPE "public"."advisor_status" AS ENUM('active', 'suspended');--> statement-breakpoint
CREATE TYPE "public"."application_status" AS ENUM('draft', 'submitted', 'changes_requested', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."payout_cadence" AS ENUM('weekly', 'biweekly', 'monthly');--> statement-breakpoint
CREATE TYPE "public"."consultation_status" AS ENUM('awaiting_payment', 'payment_expired', 'confirmed', 'reschedule_requested', 'completed', 'released', 'paid_out', 'cancelled', 'no_show_client', 'no_show_advisor', 'disputed', 'refunded');--> statement-breakpoint
CREATE TABLE "advisor_application_rounds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"profile" jsonb NOT NULL,
	"submitted_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decision" "application_status",
	"notes" text,
	"decided_by" text,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "advisor_applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" text NOT NULL,
	"status" "application_status" DEFAULT 'draft' NOT NULL,
	"profile" jsonb NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"submitted_at" timestamp (3) with time zone,
	"decided_at" timestamp (3) with time zone,
	"decided_by" text,
	"decision_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "advisor_applications_round_non_negative" CHECK ("advisor_applications"."round" >= 0)
);
--> statement-breakpoint
CREATE TABLE "advisor_languages" (
	"advisor_id" text NOT NULL,
	"language" text NOT NULL,
	CONSTRAINT "advisor_languages_advisor_id_language_pk" PRIMARY KEY("advisor_id","language")
);
--> statement-breakpoint
CREATE TABLE "advisor_skills" (
	"advisor_id" text NOT NULL,
	"skill_id" uuid NOT NULL,
	CONSTRAINT "advisor_skills_advisor_id_skill_id_pk" PRIMARY KEY("advisor_id","skill_id")
);
--> statement-breakpoint
CREATE TABLE "advisors" (
	"user_id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"headline" text NOT NULL,
	"bio" text NOT NULL,
	"avatar_path" text,
	"time_zone" text NOT NULL,
	"years_experience" integer NOT NULL,
	"portfolio_url" text,
	"linkedin_url" text,
	"github_url" text,
	"hourly_rate" integer NOT NULL,
	"currency" text NOT NULL,
	"calcom_event_type" text,
	"status" "advisor_status" DEFAULT 'active' NOT NULL,
	"accepting_bookings" boolean DEFAULT true NOT NULL,
	"suspended_reason" text,
	"suspended_at" timestamp (3) with time zone,
	"payout_cadence" "payout_cadence" DEFAULT 'monthly' NOT NULL,
	"flagged_for_review_at" timestamp (3) with time zone,
	"rating_count" integer DEFAULT 0 NOT NULL,
	"rating_sum" integer DEFAULT 0 NOT NULL,
	"search_text" text DEFAULT '' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "advisors_rate_non_negative" CHECK ("advisors"."hourly_rate" >= 0),
	CONSTRAINT "advisors_years_non_negative" CHECK ("advisors"."years_experience" >= 0),
	CONSTRAINT "advisors_rating_consistent" CHECK ("advisors"."rating_count" >= 0 and "advisors"."rating_sum" between "advisors"."rating_count" and 5 * "advisors"."rating_count"),
	CONSTRAINT "advisors_suspension_has_reason" CHECK ("advisors"."status" <> 'suspended' or "advisors"."suspended_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "skill_synonyms" (
	"term" text PRIMARY KEY NOT NULL,
	"skill_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "skills" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"merged_into_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "skills_not_merged_into_self" CHECK ("skills"."merged_into_id" is null or "skills"."merged_into_id" <> "skills"."id")
);
--> statement-breakpoint
CREATE TABLE "consultations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" text NOT NULL,
	"advisor_id" text NOT NULL,
	"status" "consultation_status" DEFAULT 'awaiting_payment' NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL,
	"duration_minutes" integer NOT NULL,
	"currency" text NOT NULL,
	"price" integer NOT NULL,
	"platform_fee" integer NOT NULL,
	"advisor_share" integer NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "consultations_amounts_add_up" CHECK ("consultations"."price" >= 0 and "consultations"."platform_fee" >= 0 and "consultations"."advisor_share" >= 0 and "consultations"."platform_fee" + "consultations"."advisor_share" = "consultations"."price"),
	CONSTRAINT "consultations_ends_after_start" CHECK ("consultations"."ends_at" > "consultations"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consultation_id" uuid NOT NULL,
	"advisor_id" text NOT NULL,
	"client_id" text NOT NULL,
	"rating" integer NOT NULL,
	"body" text NOT NULL,
	"reply" text,
	"replied_at" timestamp (3) with time zone,
	"hidden_at" timestamp (3) with time zone,
	"hidden_by" text,
	"hidden_reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "reviews_rating_range" CHECK ("reviews"."rating" between 1 and 5),
	CONSTRAINT "reviews_hidden_has_reason" CHECK ("reviews"."hidden_at" is null or "reviews"."hidden_reason" is not null)
);
--> statement-breakpoint
ALTER TABLE "advisor_application_rounds" ADD CONSTRAINT "advisor_application_rounds_application_id_advisor_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."advisor_applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_application_rounds" ADD CONSTRAINT "advisor_application_rounds_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_applications" ADD CONSTRAINT "advisor_applications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_applications" ADD CONSTRAINT "advisor_applications_decided_by_users_id_fk" FOREIGN KEY ("decided_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_languages" ADD CONSTRAINT "advisor_languages_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_skills" ADD CONSTRAINT "advisor_skills_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_skills" ADD CONSTRAINT "advisor_skills_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisors" ADD CONSTRAINT "advisors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skill_synonyms" ADD CONSTRAINT "skill_synonyms_skill_id_skills_id_fk" FOREIGN KEY ("skill_id") REFERENCES "public"."skills"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "skills" ADD CONSTRAINT "skills_merged_into_id_skills_id_fk" FOREIGN KEY ("merged_into_id") REFERENCES "public"."skills"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_hidden_by_users_id_fk" FOREIGN KEY ("hidden_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "advisor_application_rounds_key" ON "advisor_application_rounds" USING btree ("application_id","round");--> statement-breakpoint
CREATE UNIQUE INDEX "advisor_applications_one_open" ON "advisor_applications" USING btree ("user_id") WHERE "advisor_applications"."status" in ('draft', 'submitted', 'changes_requested');--> statement-breakpoint
CREATE INDEX "advisor_applications_queue_idx" ON "advisor_applications" USING btree ("status","submitted_at");--> statement-breakpoint
CREATE INDEX "advisor_languages_language_idx" ON "advisor_languages" USING btree ("language");--> statement-breakpoint
CREATE INDEX "advisor_skills_skill_idx" ON "advisor_skills" USING btree ("skill_id");--> statement-breakpoint
CREATE UNIQUE INDEX "skills_slug_key" ON "skills" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "consultations_client_idx" ON "consultations" USING btree ("client_id","starts_at");--> statement-breakpoint
CREATE INDEX "consultations_advisor_idx" ON "consultations" USING btree ("advisor_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "reviews_one_per_consultation" ON "reviews" USING btree ("consultation_id");--> statement-breakpoint
CREATE INDEX "reviews_advisor_idx" ON "reviews" USING btree ("advisor_id","created_at");