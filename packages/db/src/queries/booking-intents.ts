import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { advisors, bookingIntents } from "../schema";

/** A booking intent's length and parties (with the advisor's Cal.com event type), or null. */
export async function getBookingIntent(
  ex: Executor,
  params: { id: string },
): Promise<{
  id: string;
  durationMinutes: number;
  clientId: string;
  advisorId: string;
  advisorEventType: string | null;
} | null> {
  const [row] = await ex
    .select({
      id: bookingIntents.id,
      durationMinutes: bookingIntents.durationMinutes,
      clientId: bookingIntents.clientId,
      advisorId: bookingIntents.advisorId,
      advisorEventType: advisors.calcomEventType,
    })
    .from(bookingIntents)
    .innerJoin(advisors, eq(advisors.userId, bookingIntents.advisorId))
    .where(eq(bookingIntents.id, params.id));
  return row ?? null;
}
