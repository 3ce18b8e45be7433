import { router } from "../../trpc/init";
import { cancelItem } from "./cancel-item";
import { getAdvisor } from "./get-advisor";
import { getBatch } from "./get-batch";
import { hold } from "./hold";
import { listBatches } from "./list-batches";
import { listItems } from "./list-items";
import { listReversals } from "./list-reversals";
import { releaseHold } from "./release-hold";
import { retryItem } from "./retry-item";
import { retryReversal } from "./retry-reversal";
import { runOffCycle } from "./run-off-cycle";

/**
 * Payouts for admins: batches, items and reversals, one advisor's payouts, and the actions
 * on them (each audited by its workflow).
 */
export const payoutAdminRouter = router({
  listBatches,
  getBatch,
  listItems,
  listReversals,
  getAdvisor,
  retryItem,
  cancelItem,
  hold,
  releaseHold,
  runOffCycle,
  retryReversal,
});
