CREATE TYPE "public"."payout_batch_kind" AS ENUM('scheduled', 'off_cycle');--> statement-breakpoint
CREATE TYPE "public"."payout_item_status" AS ENUM('pending', 'sending', 'retrying', 'failed', 'sent', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."reconciliation_status" AS ENUM('running', 'completed', 'failed');--> statement-breakpoint
CREATE TYPE "public"."transfer_reversal_status" AS ENUM('pending', 'retrying', 'succeeded', 'failed');--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'payout_failed';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'reversal_failed';--> statement-breakpoint
ALTER TYPE "public"."incident_kind" ADD VALUE 'reconciliation_difference';--> statement-breakpoint
ALTER TYPE "public"."webhook_provider" ADD VALUE 'stripe_connect';--> statement-breakpoint
CREATE TABLE "payout_accounts" (
	"advisor_id" text PRIMARY KEY NOT NULL,
	"provider_account_id" text NOT NULL,
	"transfers_capability" text,
	"payouts_enabled" boolean DEFAULT false NOT NULL,
	"details_submitted" boolean DEFAULT false NOT NULL,
	"currently_due" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"past_due" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"eventually_due" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"disabled_reason" text,
	"synced_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payout_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisor_id" text NOT NULL,
	"kind" "payout_batch_kind" NOT NULL,
	"scheduled_for" timestamp (3) with time zone NOT NULL,
	"currency" text NOT NULL,
	"gross_amount" bigint NOT NULL,
	"netted_amount" bigint DEFAULT 0 NOT NULL,
	"total_amount" bigint NOT NULL,
	"item_count" integer NOT NULL,
	"requested_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp (3) with time zone,
	CONSTRAINT "payout_batches_amounts" CHECK ("payout_batches"."total_amount" = "payout_batches"."gross_amount" - "payout_batches"."netted_amount" and "payout_batches"."total_amount" >= 0 and "payout_batches"."netted_amount" >= 0)
);
--> statement-breakpoint
CREATE TABLE "payout_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"batch_id" uuid NOT NULL,
	"advisor_id" text NOT NULL,
	"consultation_id" uuid NOT NULL,
	"source_charge_id" text NOT NULL,
	"destination_account_id" text NOT NULL,
	"currency" text NOT NULL,
	"gross_amount" bigint NOT NULL,
	"netted_amount" bigint DEFAULT 0 NOT NULL,
	"amount" bigint NOT NULL,
	"status" "payout_item_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone,
	"claimed_at" timestamp (3) with time zone,
	"last_error_code" text,
	"last_error" text,
	"provider_transfer_id" text,
	"sent_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payout_items_amounts" CHECK ("payout_items"."amount" = "payout_items"."gross_amount" - "payout_items"."netted_amount" and "payout_items"."amount" >= 0 and "payout_items"."netted_amount" >= 0),
	CONSTRAINT "payout_items_sent_has_transfer" CHECK ("payout_items"."status" <> 'sent' or "payout_items"."provider_transfer_id" is not null or "payout_items"."amount" = 0)
);
--> statement-breakpoint
CREATE TABLE "provider_throttles" (
	"key" text PRIMARY KEY NOT NULL,
	"next_slot_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_differences" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"report_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"object_type" text NOT NULL,
	"provider_object_id" text,
	"our_id" text,
	"consultation_id" uuid,
	"currency" text,
	"our_amount" bigint,
	"provider_amount" bigint,
	"message" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reconciliation_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"period_from" timestamp (3) with time zone NOT NULL,
	"period_to" timestamp (3) with time zone NOT NULL,
	"status" "reconciliation_status" DEFAULT 'running' NOT NULL,
	"requested_by" text,
	"summary" jsonb,
	"difference_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"started_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp (3) with time zone,
	CONSTRAINT "reconciliation_reports_period" CHECK ("reconciliation_reports"."period_from" < "reconciliation_reports"."period_to")
);
--> statement-breakpoint
CREATE TABLE "transfer_reversals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consultation_id" uuid NOT NULL,
	"payout_item_id" uuid NOT NULL,
	"advisor_id" text NOT NULL,
	"provider_transfer_id" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"reason" text NOT NULL,
	"status" "transfer_reversal_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error_code" text,
	"last_error" text,
	"provider_reversal_id" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "transfer_reversals_amount_positive" CHECK ("transfer_reversals"."amount" > 0)
);
--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payout_weekday" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payout_day_of_month" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payout_anchor_date" text;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payout_run_at" text DEFAULT '09:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "next_payout_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payouts_held_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payouts_held_reason" text;--> statement-breakpoint
ALTER TABLE "advisors" ADD COLUMN "payouts_held_by" text;--> statement-breakpoint
ALTER TABLE "payout_accounts" ADD CONSTRAINT "payout_accounts_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_batches" ADD CONSTRAINT "payout_batches_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_batches" ADD CONSTRAINT "payout_batches_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_items" ADD CONSTRAINT "payout_items_batch_id_payout_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."payout_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_items" ADD CONSTRAINT "payout_items_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payout_items" ADD CONSTRAINT "payout_items_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_differences" ADD CONSTRAINT "reconciliation_differences_report_id_reconciliation_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reconciliation_reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reconciliation_reports" ADD CONSTRAINT "reconciliation_reports_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_reversals" ADD CONSTRAINT "transfer_reversals_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_reversals" ADD CONSTRAINT "transfer_reversals_payout_item_id_payout_items_id_fk" FOREIGN KEY ("payout_item_id") REFERENCES "public"."payout_items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "transfer_reversals" ADD CONSTRAINT "transfer_reversals_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "payout_accounts_provider_account_key" ON "payout_accounts" USING btree ("provider_account_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_batches_scheduled_key" ON "payout_batches" USING btree ("advisor_id","scheduled_for","currency") WHERE "payout_batches"."kind" = 'scheduled';--> statement-breakpoint
CREATE INDEX "payout_batches_advisor_idx" ON "payout_batches" USING btree ("advisor_id","created_at");--> statement-breakpoint
CREATE INDEX "payout_batches_created_idx" ON "payout_batches" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "payout_items_live_consultation_key" ON "payout_items" USING btree ("consultation_id") WHERE "payout_items"."status" <> 'cancelled';--> statement-breakpoint
CREATE UNIQUE INDEX "payout_items_provider_transfer_key" ON "payout_items" USING btree ("provider_transfer_id");--> statement-breakpoint
CREATE INDEX "payout_items_batch_idx" ON "payout_items" USING btree ("batch_id");--> statement-breakpoint
CREATE INDEX "payout_items_advisor_idx" ON "payout_items" USING btree ("advisor_id","created_at");--> statement-breakpoint
CREATE INDEX "payout_items_open_idx" ON "payout_items" USING btree ("status","updated_at") WHERE "payout_items"."status" in ('pending', 'sending', 'retrying', 'failed');--> statement-breakpoint
CREATE INDEX "reconciliation_differences_report_idx" ON "reconciliation_differences" USING btree ("report_id","id");--> statement-breakpoint
CREATE INDEX "reconciliation_reports_started_idx" ON "reconciliation_reports" USING btree ("started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_reversals_dedupe_key" ON "transfer_reversals" USING btree ("dedupe_key");--> statement-breakpoint
CREATE UNIQUE INDEX "transfer_reversals_provider_key" ON "transfer_reversals" USING btree ("provider_reversal_id");--> statement-breakpoint
CREATE INDEX "transfer_reversals_consultation_idx" ON "transfer_reversals" USING btree ("consultation_id");--> statement-breakpoint
CREATE INDEX "transfer_reversals_status_idx" ON "transfer_reversals" USING btree ("status","updated_at");--> statement-breakpoint
CREATE INDEX "advisors_next_payout_idx" ON "advisors" USING btree ("next_payout_at") WHERE "advisors"."payouts_held_at" is null;--> statement-breakpoint
ALTER TABLE "advisors" ADD CONSTRAINT "advisors_payout_weekday" CHECK ("advisors"."payout_weekday" between 1 and 7);--> statement-breakpoint
ALTER TABLE "advisors" ADD CONSTRAINT "advisors_payout_day_of_month" CHECK ("advisors"."payout_day_of_month" between 1 and 31);--> statement-breakpoint
ALTER TABLE "advisors" ADD CONSTRAINT "advisors_payout_hold_has_reason" CHECK ("advisors"."payouts_held_at" is null or "advisors"."payouts_held_reason" is not null);