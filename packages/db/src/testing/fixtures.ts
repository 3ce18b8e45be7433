import type { Db } from "../client";
import { refreshAdvisorSearchText } from "../queries/advisor-search";
import { advisors, consultations } from "../schema";

/**
 * Test data builders: an approved advisor for an existing user, and a consultation with a
 * consistent quote. Each fills in sensible defaults that a test can override.
 */
export async function insertAdvisor(
  db: Db,
  advisor: { userId: string } & Partial<typeof advisors.$inferInsert>,
): Promise<void> {
  await db.insert(advisors).values({
    displayName: "Test Advisor",
    headline: "Helps teams ship",
    bio: "Ten years of building web apps.",
    timeZone: "UTC",
    yearsExperience: 10,
    hourlyRate: 12_000,
    currency: "USD",
    ...advisor,
  });
  await refreshAdvisorSearchText(db, { advisorId: advisor.userId });
}

export async function insertConsultation(
  db: Db,
  consultation: { clientId: string; advisorId: string } & Partial<
    typeof consultations.$inferInsert
  >,
): Promise<string> {
  const startsAt = consultation.startsAt ?? new Date("2026-11-01T10:00:00Z");
  const [row] = await db
    .insert(consultations)
    .values({
      status: "completed",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 60 * 60_000),
      durationMinutes: 60,
      currency: "USD",
      price: 12_000,
      platformFee: 2_400,
      advisorShare: 9_600,
      refundablePrice: consultation.price ?? 12_000,
      refundableFee: consultation.platformFee ?? 2_400,
      refundableShare: consultation.advisorShare ?? 9_600,
      ...consultation,
    })
    .returning({ id: consultations.id });
  return row!.id;
}
