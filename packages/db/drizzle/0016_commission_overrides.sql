CREATE TABLE "advisor_commission_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"advisor_id" text NOT NULL,
	"terms" jsonb NOT NULL,
	"reason" text NOT NULL,
	"ends_at" timestamp (3) with time zone,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by" text
);
--> statement-breakpoint
ALTER TABLE "advisor_commission_overrides" ADD CONSTRAINT "advisor_commission_overrides_advisor_id_advisors_user_id_fk" FOREIGN KEY ("advisor_id") REFERENCES "public"."advisors"("user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_commission_overrides" ADD CONSTRAINT "advisor_commission_overrides_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "advisor_commission_overrides" ADD CONSTRAINT "advisor_commission_overrides_ended_by_users_id_fk" FOREIGN KEY ("ended_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "advisor_commission_overrides_live_key" ON "advisor_commission_overrides" USING btree ("advisor_id") WHERE "advisor_commission_overrides"."ended_at" is null;--> statement-breakpoint
CREATE INDEX "advisor_commission_overrides_advisor_idx" ON "advisor_commission_overrides" USING btree ("advisor_id","created_at");