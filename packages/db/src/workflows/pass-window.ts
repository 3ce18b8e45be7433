import { eq } from "drizzle-orm";
import type { ConsultationStatus, TransitionError } from "@an/domain";
import type { Executor } from "../client";
import { consultations } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { lockConsultation } from "../queries/consultations";
import { applyConsultationEvent } from "./consultation-events";

export type EndPassWindowOutcome =
  | { kind: "ok"; id: string; status: ConsultationStatus }
  | { kind: "not_found" }
  | { kind: "refused"; error: TransitionError };

/**
 * Development sandbox only (the caller checks): ends a running async pass's window now, so
 * a person trying the flow can carry the pass to its hold window, release and payout
 * without waiting its days. The window is shortened to end now and the machine's own
 * end-of-window event is applied, so the outcome is exactly the one the timer would have
 * produced (completed, or refunded in full when the advisor never replied); the original
 * timer, when it fires, finds the pass already ended. Anything but a confirmed pass is left
 * as it is and the machine answers (an unpaid pass is refused, an ended one is unchanged).
 * A booking, or no consultation, is `not_found`. The timeline says it was ended early;
 * audited (`pass.window_ended_early`).
 */
export async function endPassWindowEarly(
  tx: Executor,
  input: { consultationId: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<EndPassWindowOutcome> {
  const { now } = input;
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row || row.kind !== "async_pass") return { kind: "not_found" };
  if (row.status === "confirmed" && row.startsAt <= now && row.endsAt > now) {
    await tx.update(consultations).set({ endsAt: now }).where(eq(consultations.id, row.id));
  }
  const outcome = await applyConsultationEvent(tx, {
    consultationId: row.id,
    event: { id: `sandbox:pass-end:${row.id}`, actor: "system", type: "scheduled_end_reached" },
    now,
    origin: {
      source: "sandbox:end_pass_window",
      actorUserId: input.actor.kind === "user" ? input.actor.userId : null,
      reason: "development sandbox: pass window ended early",
    },
  });
  if (outcome.kind === "not_found") return { kind: "not_found" };
  if (outcome.kind === "refused") return { kind: "refused", error: outcome.error };
  const status = outcome.consultation.status;
  await writeAudit(tx, {
    actor: input.actor,
    action: "pass.window_ended_early",
    subjectType: "consultation",
    subjectId: row.id,
    before: { status: row.status, endsAt: row.endsAt.toISOString() },
    after: { status },
    requestId: input.requestId ?? null,
  });
  return { kind: "ok", id: row.id, status };
}
