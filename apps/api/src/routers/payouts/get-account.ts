import { getAdvisorPayoutSetup } from "@an/db";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { accountView } from "./account-view";

/**
 * The caller's payout account: its state (`null` until they start onboarding), what
 * Stripe still needs, whether they can be paid (`transfers` capability active), and
 * their schedule with the next payout.
 */
export const getAccount = advisorProcedure.query(async ({ ctx }) => {
  const setup = await getAdvisorPayoutSetup(ctx.db, { advisorId: ctx.user.id, now: ctx.now() });
  if (!setup) throw new AppError("NOT_AN_ADVISOR");
  return {
    account: accountView(setup.account),
    ready: setup.account?.transfersCapability === "active",
    schedule: setup.schedule,
    nextPayoutAt: setup.schedule.nextPayoutAt,
    payoutsHeld: setup.hold !== null,
  };
});
