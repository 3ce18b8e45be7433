import { eq } from "drizzle-orm";
import type { Executor } from "../client";
import { bookingUidAliases, consultations } from "../schema";

/**
 * Records that a new Cal.com uid belongs to a consultation (a reschedule); with `current`
 * it also becomes the consultation's booking uid. Linking twice is a no-op.
 */
export async function linkBookingUid(
  tx: Executor,
  params: { uid: string; consultationId: string; current: boolean },
): Promise<void> {
  await tx
    .insert(bookingUidAliases)
    .values({ uid: params.uid, consultationId: params.consultationId })
    .onConflictDoNothing();
  if (params.current) {
    await tx
      .update(consultations)
      .set({ bookingUid: params.uid })
      .where(eq(consultations.id, params.consultationId));
  }
}
