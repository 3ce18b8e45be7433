import { and, eq, sql } from "drizzle-orm";
import type { Executor } from "../client";
import { consultationEvents } from "../schema";

/** Whether a chargeback for this Stripe dispute was applied to the consultation. */
export async function wasChargebackOpened(
  ex: Executor,
  params: { consultationId: string; disputeId: string },
): Promise<boolean> {
  const [row] = await ex
    .select({ id: consultationEvents.id })
    .from(consultationEvents)
    .where(
      and(
        eq(consultationEvents.consultationId, params.consultationId),
        eq(consultationEvents.type, "chargeback_opened"),
        eq(consultationEvents.applied, true),
        sql`${consultationEvents.data}->>'disputeId' = ${params.disputeId}`,
      ),
    )
    .limit(1);
  return row !== undefined;
}
