import { router } from "../../trpc/init";
import { getSummary } from "./get-summary";

/** The finance view for admins. */
export const financeRouter = router({ getSummary });
