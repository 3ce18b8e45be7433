import { router } from "../../trpc/init";
import { listBalances } from "./list-balances";
import { listForConsultation } from "./list-for-consultation";

export const ledgerRouter = router({ listBalances, listForConsultation });
