import { router } from "../../trpc/init";
import { billingAdvanceClock } from "./billing-advance-clock";
import { billingSetCard } from "./billing-set-card";
import { billingState } from "./billing-state";
import { endHoldWindow } from "./end-hold-window";
import { endPassWindow } from "./end-pass-window";
import { listUsers } from "./list-users";
import { signIn } from "./sign-in";

/**
 * Development only: every procedure here refuses (DEV_ONLY) wherever development sign-in
 * is off. Signing in as a seeded user, and shortcuts that let a person walk a flow without
 * waiting for its clocks.
 */
export const sandboxRouter = router({
  listUsers,
  signIn,
  endHoldWindow,
  endPassWindow,
  billingState,
  billingAdvanceClock,
  billingSetCard,
});
