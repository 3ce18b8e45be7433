import { listAdvisorPayoutBatches } from "@an/db";
import { z } from "zod";
import { advisorProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { moneyView } from "./money";
import type { EarningsPayoutPage } from "./views";

export const earningsPayoutsInput = z
  .object({
    limit: z.number().int().min(1).max(50).default(10),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/**
 * The caller's payouts, newest first, each with the consultations it paid: gross share,
 * what was netted against money owed back, the amount sent, its status and when it went.
 */
export const listPayouts = advisorProcedure
  .input(earningsPayoutsInput)
  .query(async ({ ctx, input }): Promise<EarningsPayoutPage> => {
    const page = await listAdvisorPayoutBatches(ctx.db, {
      advisorId: ctx.user.id,
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    const m = (amount: number, currency: string) => moneyView(amount, currency, ctx.locale);
    return {
      items: page.items.map((b) => ({
        id: b.id,
        kind: b.kind,
        scheduledFor: b.scheduledFor,
        createdAt: b.createdAt,
        settledAt: b.settledAt,
        gross: m(b.grossAmount, b.currency),
        netted: m(b.nettedAmount, b.currency),
        total: m(b.totalAmount, b.currency),
        items: b.items.map((i) => ({
          id: i.id,
          consultationId: i.consultationId,
          gross: m(i.grossAmount, i.currency),
          netted: m(i.nettedAmount, i.currency),
          amount: m(i.amount, i.currency),
          status: i.status,
          sentAt: i.sentAt,
        })),
      })),
      nextCursor: encodeCursor(page.nextCursor),
    };
  });
