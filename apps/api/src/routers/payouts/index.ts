import { router } from "../../trpc/init";
import { account } from "./account";
import { advisorDetail } from "./advisor-detail";
import { cancelItem } from "./cancel-item";
import { endHoldWindow } from "./end-hold-window";
import { getBatch } from "./get-batch";
import { hold } from "./hold";
import { listBatches } from "./list-batches";
import { listItems } from "./list-items";
import { listReversals } from "./list-reversals";
import { onboardingLink } from "./onboarding-link";
import { releaseHold } from "./release-hold";
import { retryItem } from "./retry-item";
import { retryReversal } from "./retry-reversal";
import { runOffCycle } from "./run-off-cycle";
import { updateSchedule } from "./update-schedule";

/**
 * Payouts. Advisors: onboarding to Stripe Connect, their account's state, their schedule.
 * Admins: batches, items and reversals, and the actions on them (all audited).
 */
export const payoutsRouter = router({
  onboardingLink,
  account,
  updateSchedule,
  listBatches,
  getBatch,
  listItems,
  listReversals,
  advisorDetail,
  retryItem,
  cancelItem,
  hold,
  releaseHold,
  runOffCycle,
  retryReversal,
  endHoldWindow,
});
