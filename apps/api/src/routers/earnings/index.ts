import { router } from "../../trpc/init";
import { getSummary } from "./get-summary";
import { listConsultations } from "./list-consultations";
import { listPayouts } from "./list-payouts";

/** An advisor's own earnings: balances, payout history, per-consultation breakdown. */
export const earningsRouter = router({ getSummary, listPayouts, listConsultations });
