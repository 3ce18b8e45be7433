import { router } from "../../trpc/init";
import { consultations } from "./consultations";
import { payouts } from "./payouts";
import { summary } from "./summary";

/** An advisor's own earnings: balances, payout history, per-consultation breakdown. */
export const earningsRouter = router({ summary, payouts, consultations });
