import { advisorEarningsBalances, getAdvisorPayoutSetup } from "@an/db";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { moneyView } from "./money";
import type { EarningsSummary } from "./views";

/**
 * The caller's earnings per currency — pending (paid, not yet released), released (owed,
 * not yet in a payout), in transit, paid out (net of reversals) and owed back — with the
 * next payout date and whether payouts can happen (not held, account ready).
 */
export const getSummary = advisorProcedure.query(async ({ ctx }): Promise<EarningsSummary> => {
  const [setup, balances] = await Promise.all([
    getAdvisorPayoutSetup(ctx.db, { advisorId: ctx.user.id, now: ctx.now() }),
    advisorEarningsBalances(ctx.db, { advisorId: ctx.user.id }),
  ]);
  if (!setup) throw new AppError("NOT_AN_ADVISOR");
  const m = (amount: number, currency: string) => moneyView(amount, currency, ctx.locale);
  return {
    balances: balances.map((b) => ({
      currency: b.currency,
      pending: m(b.pending, b.currency),
      released: m(b.released, b.currency),
      inTransit: m(b.inTransit, b.currency),
      paidOut: m(b.paidOut, b.currency),
      owed: m(b.owed, b.currency),
    })),
    nextPayoutAt: setup.schedule.nextPayoutAt,
    timeZone: setup.schedule.timeZone,
    payoutsHeld: setup.hold !== null,
    accountOnboarded: setup.account !== null,
    accountReady: setup.account?.transfersCapability === "active",
  };
});
