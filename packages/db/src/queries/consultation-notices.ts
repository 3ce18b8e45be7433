import type { Executor } from "../client";

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
  const consultation = await ex.query.consultations.findFirst({
    where: (c, { eq }) => eq(c.id, params.consultationId),
    columns: {
      id: true,
      clientId: true,
      advisorId: true,
      status: true,
      startsAt: true,
      endsAt: true,
      durationMinutes: true,
      currency: true,
      price: true,
      refundablePrice: true,
      refundableShare: true,
      paymentExpiresAt: true,
      holdEndsAt: true,
      holdWindowHours: true,
    },
  });
  if (!consultation) return null;
  const [advisor, client] = await Promise.all([
    ex.query.advisors.findFirst({
      where: (a, { eq }) => eq(a.userId, consultation.advisorId),
      columns: { userId: true, displayName: true, timeZone: true },
    }),
    ex.query.users.findFirst({
      where: (u, { eq }) => eq(u.id, consultation.clientId),
      columns: { id: true, firstName: true, lastName: true, email: true, timeZone: true },
    }),
  ]);
  if (!advisor || !client) return null;
  const { clientId: _clientId, advisorId: _advisorId, ...rest } = consultation;
  return { consultation: rest, advisor, client };
}
