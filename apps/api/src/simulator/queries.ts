import type { SimOrganizerInput } from "@an/billing";
import type { Db } from "@an/db";

/**
 * The advisor hosting a Cal.com event type, as the simulated booking page shows them and
 * as the organizer of the booking it makes. Null when no advisor has that event type.
 */
export async function findOrganizerForEventType(
  db: Db,
  eventType: string,
): Promise<SimOrganizerInput | null> {
  const advisor = await db.query.advisors.findFirst({
    columns: { userId: true, displayName: true, timeZone: true },
    where: (a, { eq }) => eq(a.calcomEventType, eventType),
    orderBy: (a, { asc }) => [asc(a.userId)],
  });
  if (!advisor) return null;
  const user = await db.query.users.findFirst({
    columns: { email: true, locale: true },
    where: (u, { eq }) => eq(u.id, advisor.userId),
  });
  return {
    key: advisor.userId,
    name: advisor.displayName,
    // Cal.com organizers always have an email; an advisor without one gets a stand-in.
    email:
      user?.email ?? `${advisor.userId.replace(/[^A-Za-z0-9._-]+/g, "-")}@advisors.sim.invalid`,
    timeZone: advisor.timeZone,
    locale: user?.locale ?? "en",
  };
}

/** The client's time zone and locale when the booking page's email belongs to a user. */
export async function findBookerByEmail(
  db: Db,
  email: string,
): Promise<{ timeZone: string; locale: string } | null> {
  const user = await db.query.users.findFirst({
    columns: { timeZone: true, locale: true },
    where: (u, { sql }) => sql`lower(${u.email}) = lower(${email})`,
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
  db: Db,
  bookingUid: string,
  now: Date,
): Promise<{ status: string; checkoutUrl: string | null } | null> {
  const consultation = await db.query.consultations.findFirst({
    columns: { id: true, status: true },
    where: (c, { eq }) => eq(c.bookingUid, bookingUid),
  });
  if (!consultation) return null;
  if (consultation.status !== "awaiting_payment") {
    return { status: consultation.status, checkoutUrl: null };
  }
  const open = await db.query.payments.findFirst({
    columns: { url: true },
    where: (p, { and, eq, gt, isNotNull }) =>
      and(
        eq(p.consultationId, consultation.id),
        eq(p.status, "open"),
        isNotNull(p.url),
        gt(p.expiresAt, now),
      ),
    orderBy: (p, { desc }) => [desc(p.createdAt)],
  });
  return { status: consultation.status, checkoutUrl: open?.url ?? null };
}
