import { router } from "../../trpc/init";
import { summary } from "./summary";

/** The finance view for admins. */
export const financeRouter = router({ summary });
