CREATE TABLE "application_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"created_by" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp (3) with time zone,
	"used_by_user_id" text,
	"revoked_at" timestamp (3) with time zone,
	"revoked_by" text,
	CONSTRAINT "application_invitations_used_or_revoked" CHECK ("application_invitations"."used_at" is null or "application_invitations"."revoked_at" is null)
);
--> statement-breakpoint
CREATE TABLE "platform_rule_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"version" integer NOT NULL,
	"rules" jsonb NOT NULL,
	"created_by" text,
	"reason" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "platform_rule_versions_version_positive" CHECK ("platform_rule_versions"."version" >= 1)
);
--> statement-breakpoint
ALTER TABLE "application_invitations" ADD CONSTRAINT "application_invitations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_invitations" ADD CONSTRAINT "application_invitations_used_by_user_id_users_id_fk" FOREIGN KEY ("used_by_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_invitations" ADD CONSTRAINT "application_invitations_revoked_by_users_id_fk" FOREIGN KEY ("revoked_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "platform_rule_versions" ADD CONSTRAINT "platform_rule_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "application_invitations_token_hash_key" ON "application_invitations" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "application_invitations_created_idx" ON "application_invitations" USING btree ("created_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "platform_rule_versions_kind_version_key" ON "platform_rule_versions" USING btree ("kind","version");