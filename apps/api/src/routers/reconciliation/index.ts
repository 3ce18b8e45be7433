import { router } from "../../trpc/init";
import { get } from "./get";
import { list } from "./list";
import { run } from "./run";

/** Comparisons of our records and ledger with the payment provider's, for admins. */
export const reconciliationRouter = router({ run, list, get });
