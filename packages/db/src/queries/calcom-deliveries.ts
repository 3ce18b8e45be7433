import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "../client";
import { webhookEvents } from "../schema";

/**
 * The stored Cal.com BOOKING_REQUESTED deliveries whose subject is `uid`, newest first (at
 * most ten): their body (null once purged) and the details their processing recorded.
 */
export async function listBookingRequestsForUid(
  ex: Executor,
  params: { uid: string },
): Promise<{ body: string | null; details: unknown }[]> {
  return ex
    .select({ body: webhookEvents.body, details: webhookEvents.details })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.provider, "calcom"),
        eq(webhookEvents.eventType, "BOOKING_REQUESTED"),
        eq(webhookEvents.subject, params.uid),
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt))
    .limit(10);
}
