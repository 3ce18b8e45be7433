import { router } from "../../trpc/init";
import { createPlan } from "./create-plan";
import { getSubscriber } from "./get-subscriber";
import { grantComplimentary } from "./grant-complimentary";
import { listPlans } from "./list-plans";
import { listReconciliationRuns } from "./list-reconciliation-runs";
import { listSubscribers } from "./list-subscribers";
import { removePlanPrice } from "./remove-plan-price";
import { resync } from "./resync";
import { revokeComplimentary } from "./revoke-complimentary";
import { runReconciliation } from "./run-reconciliation";
import { setPlanPrice } from "./set-plan-price";
import { setPlanStatus } from "./set-plan-status";
import { updatePlan } from "./update-plan";

/** Platform subscriptions for admins: plans (the price allowlist), subscribers, grants. */
export const billingAdminRouter = router({
  listPlans,
  createPlan,
  updatePlan,
  setPlanPrice,
  removePlanPrice,
  setPlanStatus,
  listSubscribers,
  getSubscriber,
  resync,
  grantComplimentary,
  revokeComplimentary,
  runReconciliation,
  listReconciliationRuns,
});
