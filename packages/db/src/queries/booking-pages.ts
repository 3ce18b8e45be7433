import type { Executor } from "../client";

/*
 * Reads behind the simulated Cal.com booking pages (development only): who hosts an event
 * type, who is booking, and where the client goes to pay once the booking was processed.
 */

/**
 * The advisor hosting a Cal.com event type (the first by user id when several do), with
 * their user's email and locale (null when the user row has none). Null when no advisor
 * has that event type.
 */
export async function findEventTypeHost(
  ex: Executor,
  params: { eventType: string },
): Promise<{
  userId: string;
  displayName: string;
  timeZone: string;
  email: string | null;
  locale: string | null;
} | null> {
  const advisor = await ex.query.advisors.findFirst({
    columns: { userId: true, displayName: true, timeZone: true },
    where: (a, { eq }) => eq(a.calcomEventType, params.eventType),
    orderBy: (a, { asc }) => [asc(a.userId)],
  });
  if (!advisor) return null;
  const user = await ex.query.users.findFirst({
    columns: { email: true, locale: true },
    where: (u, { eq }) => eq(u.id, advisor.userId),
  });
  return { ...advisor, email: user?.email ?? null, locale: user?.locale ?? null };
}

/**
 * The time zone and locale of the user with this email (case-insensitive), or null. The
 * zone is null while unknown (never chosen, no booking yet).
 */
export async function findUserZoneByEmail(
  ex: Executor,
  params: { email: string },
): Promise<{ timeZone: string | null; locale: string } | null> {
  const user = await ex.query.users.findFirst({
    columns: { timeZone: true, locale: true },
    where: (u, { sql }) => sql`lower(${u.email}) = lower(${params.email})`,
  });
  return user ?? null;
}

/**
 * Where the client of a booking goes to pay, once our platform has processed its
 * BOOKING_CREATED: the consultation's status and, while it awaits payment, the newest open
 * Checkout Session's URL that hasn't expired. Null before the webhook has been processed
 * (or when the platform refused the booking).
 */
export async function findCheckoutForBooking(
  ex: Executor,
  params: { bookingUid: string; now: Date },
): Promise<{ status: string; checkoutUrl: string | null } | null> {
  const consultation = await ex.query.consultations.findFirst({
    columns: { id: true, status: true },
    where: (c, { eq }) => eq(c.bookingUid, params.bookingUid),
  });
  if (!consultation) return null;
  if (consultation.status !== "awaiting_payment") {
    return { status: consultation.status, checkoutUrl: null };
  }
  const open = await ex.query.payments.findFirst({
    columns: { url: true },
    where: (p, { and, eq, gt, isNotNull }) =>
      and(
        eq(p.consultationId, consultation.id),
        eq(p.status, "open"),
        isNotNull(p.url),
        gt(p.expiresAt, params.now),
      ),
    orderBy: (p, { desc }) => [desc(p.createdAt)],
  });
  return { status: consultation.status, checkoutUrl: open?.url ?? null };
}
