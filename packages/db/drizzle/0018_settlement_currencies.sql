ALTER TABLE "payments" ADD COLUMN "settlement_currency" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "settlement_amount" bigint;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "exchange_rate" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "settlement_currency" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "settlement_amount" bigint;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "exchange_rate" text;--> statement-breakpoint
ALTER TABLE "payout_items" ADD COLUMN "transfer_currency" text;--> statement-breakpoint
ALTER TABLE "payout_items" ADD COLUMN "transfer_amount" bigint;--> statement-breakpoint
ALTER TABLE "transfer_reversals" ADD COLUMN "transfer_currency" text;--> statement-breakpoint
ALTER TABLE "transfer_reversals" ADD COLUMN "transfer_amount" bigint;