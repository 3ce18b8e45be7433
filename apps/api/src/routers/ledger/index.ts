import { router } from "../../trpc/init";
import { balances } from "./balances";
import { forConsultation } from "./for-consultation";

export const ledgerRouter = router({ balances, forConsultation });
