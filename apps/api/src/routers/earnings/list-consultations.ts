import { listEarningsConsultations } from "@an/db";
import { z } from "zod";
import { advisorProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";
import { moneyView } from "./money";
import type { EarningsConsultationPage } from "./views";

export const earningsConsultationsInput = z
  .object({
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/**
 * The caller's paid consultations and async passes (`kind`), newest first: price, platform fee, their share, what was
 * refunded, their share after refunds, and where its payout is.
 */
export const listConsultations = advisorProcedure
  .input(earningsConsultationsInput)
  .query(async ({ ctx, input }): Promise<EarningsConsultationPage> => {
    const page = await listEarningsConsultations(ctx.db, {
      advisorId: ctx.user.id,
      limit: input.limit,
      cursor: input.cursor ?? null,
    });
    return {
      items: page.items.map((c) => {
        const m = (amount: number) => moneyView(amount, c.currency, ctx.locale);
        return {
          consultationId: c.id,
          kind: c.kind,
          passDays: c.passDays,
          startsAt: c.startsAt,
          endsAt: c.endsAt,
          status: c.status,
          price: m(c.price),
          platformFee: m(c.platformFee),
          advisorShare: m(c.advisorShare),
          refunded: m(c.refunded),
          shareAfterRefunds: m(c.shareAfterRefunds),
          payout: c.payout
            ? {
                status: c.payout.status,
                amount: m(c.payout.amount),
                paidOutAt: c.payout.status === "sent" ? c.payout.sentAt : null,
              }
            : null,
        };
      }),
      nextCursor: encodeCursor(page.nextCursor),
    };
  });
