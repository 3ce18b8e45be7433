import { listSubscribers as listSubscriberRows } from "@an/db";
import { planTextFor } from "@an/domain";
import { adminProcedure } from "../../trpc/init";
import { listSubscribersInput } from "../billing/schemas";
import { encodeCursor } from "../schemas";

/** Subscriptions, newest first, searchable by email, name or Stripe id. */
export const listSubscribers = adminProcedure
  .input(listSubscribersInput)
  .query(async ({ ctx, input }) => {
    const page = await listSubscriberRows(ctx.db, {
      ...(input.search ? { search: input.search } : {}),
      ...(input.status ? { status: input.status } : {}),
      ...(input.planKey ? { planKey: input.planKey } : {}),
      cursor: input.cursor ?? null,
      limit: input.limit,
    });
    return {
      items: page.items.map((r) => ({
        userId: r.userId,
        email: r.email,
        name: r.name,
        planKey: r.planKey,
        planName: r.planTexts ? planTextFor(r.planTexts, ctx.locale).name : null,
        status: r.status,
        currency: r.currency,
        amount: r.amount,
        interval: r.interval,
        currentPeriodEnd: r.currentPeriodEnd,
        cancelAtPeriodEnd: r.cancelAtPeriodEnd,
        syncedAt: r.syncedAt,
      })),
      nextCursor: encodeCursor(page.nextCursor),
    };
  });
