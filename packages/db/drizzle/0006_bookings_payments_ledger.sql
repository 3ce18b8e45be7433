CREATE TYPE "public"."actor" AS ENUM('client', 'advisor', 'admin', 'system');--> statement-breakpoint
CREATE TYPE "public"."incident_kind" AS ENUM('amount_mismatch', 'booking_token_invalid', 'booking_token_reused', 'unknown_charge', 'provider_action_failed', 'reversal_required');--> statement-breakpoint
CREATE TYPE "public"."payment_status" AS ENUM('open', 'paid', 'failed', 'expired');--> statement-breakpoint
CREATE TYPE "public"."refund_status" AS ENUM('pending', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."webhook_event_status" AS ENUM('received', 'processed', 'ignored', 'deferred', 'failed');--> statement-breakpoint
CREATE TYPE "public"."webhook_provider" AS ENUM('stripe', 'calcom');--> statement-breakpoint
CREATE TABLE "booking_intents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"client_id" text NOT NULL,
	"advisor_id" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"project" text,
	"quote" jsonb NOT NULL,
	"refund_policy" jsonb NOT NULL,
	"hold_window_hours" integer NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"consultation_id" uuid,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_intents_duration_positive" CHECK ("booking_intents"."duration_minutes" > 0)
);
--> statement-breakpoint
CREATE TABLE "booking_uid_aliases" (
	"uid" text PRIMARY KEY NOT NULL,
	"consultation_id" uuid NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "consultation_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"consultation_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"type" text NOT NULL,
	"actor" "actor" NOT NULL,
	"actor_user_id" text,
	"source" text NOT NULL,
	"from_status" text,
	"to_status" text,
	"applied" boolean NOT NULL,
	"reason" text,
	"data" jsonb,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consultation_id" uuid NOT NULL,
	"provider_session_id" text,
	"url" text,
	"status" "payment_status" DEFAULT 'open' NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"payment_intent_id" text,
	"charge_id" text,
	"processing_fee" integer,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"paid_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "payments_amount_positive" CHECK ("payments"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"consultation_id" uuid NOT NULL,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"reason" text NOT NULL,
	"status" "refund_status" DEFAULT 'pending' NOT NULL,
	"provider_refund_id" text,
	"failure_message" text,
	"event_id" text NOT NULL,
	"requested_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "refunds_amount_positive" CHECK ("refunds"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "security_incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "incident_kind" NOT NULL,
	"dedupe_key" text NOT NULL,
	"message" text NOT NULL,
	"consultation_id" uuid,
	"webhook_event_id" uuid,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	"resolved_by" text,
	"resolution" text
);
--> statement-breakpoint
CREATE TABLE "journal_entries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"consultation_id" uuid,
	"dedupe_key" text NOT NULL,
	"memo" text,
	"posted_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journal_postings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entry_id" uuid NOT NULL,
	"account" text NOT NULL,
	"amount" bigint NOT NULL,
	"currency" text NOT NULL,
	CONSTRAINT "journal_postings_amount_nonzero" CHECK ("journal_postings"."amount" <> 0),
	CONSTRAINT "journal_postings_currency_code" CHECK ("journal_postings"."currency" ~ '^[A-Z]{3}$')
);
--> statement-breakpoint
CREATE TABLE "sim_objects" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" "webhook_provider" NOT NULL,
	"dedupe_key" text NOT NULL,
	"provider_event_id" text,
	"event_type" text NOT NULL,
	"subject" text,
	"body" text,
	"body_sha256" text NOT NULL,
	"status" "webhook_event_status" DEFAULT 'received' NOT NULL,
	"outcome" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"consultation_id" uuid,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp (3) with time zone,
	"body_purged_at" timestamp (3) with time zone,
	"replayed_at" timestamp (3) with time zone,
	"replayed_by" text,
	"details" jsonb
);
--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "refundable_price" integer;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "refundable_fee" integer;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "refundable_share" integer;--> statement-breakpoint
-- Existing consultations had nothing refunded: refundable = paid.
UPDATE "consultations" SET "refundable_price" = "price", "refundable_fee" = "platform_fee", "refundable_share" = "advisor_share";--> statement-breakpoint
ALTER TABLE "consultations" ALTER COLUMN "refundable_price" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ALTER COLUMN "refundable_fee" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ALTER COLUMN "refundable_share" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "hourly_rate" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "quote_rules" jsonb;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "refund_policy" jsonb DEFAULT '{"version":"refund-2025-01-v1","tiers":[{"minHoursBefore":24,"refundBps":10000},{"minHoursBefore":2,"refundBps":5000},{"minHoursBefore":0,"refundBps":0}]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "hold_window_hours" integer DEFAULT 48 NOT NULL;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "hold_ends_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "payment_expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "dispute" jsonb;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "transfer_id" text;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "booking_uid" text;--> statement-breakpoint
ALTER TABLE "consultations" ADD COLUMN "project" text;--> statement-breakpoint
ALTER TABLE "booking_intents" ADD CONSTRAINT "booking_intents_client_id_users_id_fk" FOREIGN KEY ("client_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_intents" ADD CONSTRAINT "booking_intents_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_intents" ADD CONSTRAINT "booking_intents_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_uid_aliases" ADD CONSTRAINT "booking_uid_aliases_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consultation_events" ADD CONSTRAINT "consultation_events_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payments" ADD CONSTRAINT "payments_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_incidents" ADD CONSTRAINT "security_incidents_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_incidents" ADD CONSTRAINT "security_incidents_resolved_by_users_id_fk" FOREIGN KEY ("resolved_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_entries" ADD CONSTRAINT "journal_entries_consultation_id_consultations_id_fk" FOREIGN KEY ("consultation_id") REFERENCES "public"."consultations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "journal_postings" ADD CONSTRAINT "journal_postings_entry_id_journal_entries_id_fk" FOREIGN KEY ("entry_id") REFERENCES "public"."journal_entries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "booking_intents_consultation_key" ON "booking_intents" USING btree ("consultation_id");--> statement-breakpoint
CREATE INDEX "booking_intents_client_idx" ON "booking_intents" USING btree ("client_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "consultation_events_event_key" ON "consultation_events" USING btree ("consultation_id","event_id") WHERE "consultation_events"."applied";--> statement-breakpoint
CREATE INDEX "consultation_events_timeline_idx" ON "consultation_events" USING btree ("consultation_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_provider_session_key" ON "payments" USING btree ("provider_session_id");--> statement-breakpoint
CREATE UNIQUE INDEX "payments_charge_key" ON "payments" USING btree ("charge_id");--> statement-breakpoint
CREATE INDEX "payments_consultation_idx" ON "payments" USING btree ("consultation_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_provider_refund_key" ON "refunds" USING btree ("provider_refund_id");--> statement-breakpoint
CREATE UNIQUE INDEX "refunds_event_key" ON "refunds" USING btree ("consultation_id","event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "security_incidents_dedupe_key" ON "security_incidents" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "security_incidents_open_idx" ON "security_incidents" USING btree ("resolved_at","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "journal_entries_dedupe_key" ON "journal_entries" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "journal_entries_consultation_idx" ON "journal_entries" USING btree ("consultation_id","posted_at");--> statement-breakpoint
CREATE INDEX "journal_entries_posted_idx" ON "journal_entries" USING btree ("posted_at");--> statement-breakpoint
CREATE INDEX "journal_postings_entry_idx" ON "journal_postings" USING btree ("entry_id");--> statement-breakpoint
CREATE INDEX "journal_postings_account_idx" ON "journal_postings" USING btree ("account","currency");--> statement-breakpoint
CREATE UNIQUE INDEX "sim_objects_pk" ON "sim_objects" USING btree ("kind","id");--> statement-breakpoint
CREATE INDEX "sim_objects_kind_idx" ON "sim_objects" USING btree ("kind","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_dedupe_key" ON "webhook_events" USING btree ("provider","dedupe_key");--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_status_idx" ON "webhook_events" USING btree ("status","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_consultation_idx" ON "webhook_events" USING btree ("consultation_id","received_at");--> statement-breakpoint
CREATE INDEX "webhook_events_subject_idx" ON "webhook_events" USING btree ("subject");--> statement-breakpoint
CREATE UNIQUE INDEX "consultations_booking_uid_key" ON "consultations" USING btree ("booking_uid");--> statement-breakpoint
CREATE INDEX "consultations_status_idx" ON "consultations" USING btree ("status","starts_at");--> statement-breakpoint
ALTER TABLE "consultations" ADD CONSTRAINT "consultations_refundable_within_paid" CHECK ("consultations"."refundable_price" >= 0 and "consultations"."refundable_fee" >= 0 and "consultations"."refundable_share" >= 0 and "consultations"."refundable_fee" + "consultations"."refundable_share" = "consultations"."refundable_price" and "consultations"."refundable_price" <= "consultations"."price");