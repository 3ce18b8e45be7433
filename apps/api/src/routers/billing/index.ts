import { router } from "../../trpc/init";
import { cancel } from "./cancel";
import { checkout } from "./checkout";
import { plans } from "./plans";
import { portal } from "./portal";
import { resume } from "./resume";
import { status } from "./status";
import { syncAfterCheckout } from "./sync-after-checkout";

/** The caller's own platform subscription: plans, checkout, portal, cancel and status. */
export const billingRouter = router({
  plans,
  checkout,
  portal,
  cancel,
  resume,
  status,
  syncAfterCheckout,
});
