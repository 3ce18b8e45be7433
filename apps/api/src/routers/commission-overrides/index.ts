import { router } from "../../trpc/init";
import { end } from "./end";
import { list } from "./list";
import { set } from "./set";

/**
 * Per-advisor commission overrides (admins only, audited): an advisor's own commission in
 * place of the platform's on their new quotes, with a reason and an optional end date.
 */
export const commissionOverridesRouter = router({ list, set, end });
