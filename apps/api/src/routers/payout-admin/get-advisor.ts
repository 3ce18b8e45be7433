import {
  advisorEarningsBalances,
  getAdvisorPayoutSetup,
  listPayoutBatches,
  listPayoutItems,
  listTransferReversals,
} from "@an/db";
import { z } from "zod";
import { OPEN_PAYOUT_ITEM_STATUSES } from "@an/domain";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";
import { accountView } from "../payouts/account-view";

export const getAdvisorInput = z.object({ advisorId: userIdSchema });

const RECENT = 10;

/**
 * One advisor's payouts for admins: their Connect account (and what Stripe still needs),
 * schedule, hold, balances, recent batches, items not yet sent or failed, and reversals.
 */
export const getAdvisor = adminProcedure.input(getAdvisorInput).query(async ({ ctx, input }) => {
  const advisorId = input.advisorId;
  const setup = await getAdvisorPayoutSetup(ctx.db, { advisorId, now: ctx.now() });
  if (!setup) throw new AppError("ADVISOR_NOT_FOUND", { ref: advisorId });
  const [balances, batches, openItems, reversals] = await Promise.all([
    advisorEarningsBalances(ctx.db, { advisorId }),
    listPayoutBatches(ctx.db, { advisorId, limit: RECENT }),
    listPayoutItems(ctx.db, {
      advisorId,
      statuses: OPEN_PAYOUT_ITEM_STATUSES,
      order: "oldest_update",
      limit: 50,
    }),
    listTransferReversals(ctx.db, { advisorId, limit: RECENT }),
  ]);
  return {
    advisorId,
    displayName: setup.displayName,
    account: setup.account
      ? { providerAccountId: setup.account.providerAccountId, ...accountView(setup.account)! }
      : null,
    ready: setup.account?.transfersCapability === "active",
    schedule: setup.schedule,
    hold: setup.hold,
    balances,
    recentBatches: batches.items,
    openItems: openItems.items,
    reversals: reversals.items,
  };
});
