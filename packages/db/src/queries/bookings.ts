import { eq } from "drizzle-orm";
import type { PartyRole } from "@an/domain";
import type { Executor } from "../client";
import { advisors, bookingIntents, bookingUidAliases, consultations } from "../schema";
import type { ConsultationRow } from "./consultations";

export type BookingIntentRow = typeof bookingIntents.$inferSelect;

/** What decides whether and at what price an advisor can be booked now; null if no advisor. */
export async function getAdvisorBookingTerms(ex: Executor, params: { advisorId: string }) {
  const [advisor] = await ex
    .select({
      displayName: advisors.displayName,
      status: advisors.status,
      acceptingBookings: advisors.acceptingBookings,
      calcomEventType: advisors.calcomEventType,
      hourlyRate: advisors.hourlyRate,
      currency: advisors.currency,
    })
    .from(advisors)
    .where(eq(advisors.userId, params.advisorId));
  return advisor ?? null;
}

/** Stores a booking intent (a frozen quote waiting for its Cal.com booking). */
export async function insertBookingIntent(
  tx: Executor,
  values: typeof bookingIntents.$inferInsert,
): Promise<BookingIntentRow> {
  const [intent] = await tx.insert(bookingIntents).values(values).returning();
  return intent!;
}

/** Locks a booking intent for the rest of the transaction (a booking uses it once). */
export async function lockBookingIntent(
  tx: Executor,
  params: { id: string },
): Promise<BookingIntentRow | null> {
  const [intent] = await tx
    .select()
    .from(bookingIntents)
    .where(eq(bookingIntents.id, params.id))
    .for("update");
  return intent ?? null;
}

/** Records that a booking intent became `consultationId`, under its first Cal.com uid. */
export async function linkIntentToConsultation(
  tx: Executor,
  params: { intentId: string; consultationId: string; bookingUid: string },
): Promise<void> {
  await tx
    .insert(bookingUidAliases)
    .values({ uid: params.bookingUid, consultationId: params.consultationId });
  await tx
    .update(bookingIntents)
    .set({ consultationId: params.consultationId })
    .where(eq(bookingIntents.id, params.intentId));
}

/**
 * The caller's side of a consultation, or null when it isn't theirs. Someone else's
 * consultation and a missing one look the same, so existence never leaks.
 */
export async function findConsultationParty(
  ex: Executor,
  params: { consultationId: string; userId: string },
): Promise<{ role: PartyRole; consultation: ConsultationRow } | null> {
  const [row] = await ex
    .select()
    .from(consultations)
    .where(eq(consultations.id, params.consultationId));
  if (!row) return null;
  if (row.clientId === params.userId) return { role: "client", consultation: row };
  if (row.advisorId === params.userId) return { role: "advisor", consultation: row };
  return null;
}
