import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { advisors, consultations, users } from "../schema";

/** What a consultation notice is rendered from: the consultation and both parties, as stored now. */
export type ConsultationNoticeContext = {
  consultation: {
    id: string;
    status: string;
    startsAt: Date;
    endsAt: Date;
    durationMinutes: number;
    currency: string;
    price: number;
    refundablePrice: number;
    refundableShare: number;
    paymentExpiresAt: Date | null;
    holdEndsAt: Date | null;
    holdWindowHours: number;
  };
  advisor: { userId: string; displayName: string; timeZone: string };
  client: {
    id: string;
    firstName: string | null;
    lastName: string | null;
    email: string | null;
    /** Null while unknown: formatters fall back to UTC. */
    timeZone: string | null;
  };
};

/**
 * Loads what a consultation notice needs, or null when the consultation (or a party) is
 * gone. Read at send time, so the message shows the consultation as it is now (a notice
 * queued before a reschedule shows the new time).
 */
export async function loadConsultationNoticeContext(
  ex: Executor,
  params: { consultationId: string },
): Promise<ConsultationNoticeContext | null> {
  // One statement: every notice a transition queues is rendered from it, so its round
  // trips count on the event-to-state path (bench/webhooks.ts).
  const [row] = await ex
    .select({
      consultation: {
        id: consultations.id,
        status: consultations.status,
        startsAt: consultations.startsAt,
        endsAt: consultations.endsAt,
        durationMinutes: consultations.durationMinutes,
        currency: consultations.currency,
        price: consultations.price,
        refundablePrice: consultations.refundablePrice,
        refundableShare: consultations.refundableShare,
        paymentExpiresAt: consultations.paymentExpiresAt,
        holdEndsAt: consultations.holdEndsAt,
        holdWindowHours: consultations.holdWindowHours,
      },
      advisor: {
        userId: advisors.userId,
        displayName: advisors.displayName,
        timeZone: advisors.timeZone,
      },
      client: {
        id: users.id,
        firstName: users.firstName,
        lastName: users.lastName,
        email: users.email,
        timeZone: users.timeZone,
      },
    })
    .from(consultations)
    .innerJoin(advisors, eq(advisors.userId, consultations.advisorId))
    .innerJoin(users, eq(users.id, consultations.clientId))
    .where(eq(consultations.id, params.consultationId))
    .limit(1);
  return row ?? null;
}
