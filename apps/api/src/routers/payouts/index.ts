import { router } from "../../trpc/init";
import { createOnboardingLink } from "./create-onboarding-link";
import { getAccount } from "./get-account";
import { updateSchedule } from "./update-schedule";

/**
 * An advisor's own payouts: onboarding to Stripe Connect, their account's state, their
 * schedule. Admins' views and actions are `payoutAdmin`.
 */
export const payoutsRouter = router({
  createOnboardingLink,
  getAccount,
  updateSchedule,
});
