import { eq } from "drizzle-orm";
import type { ConsultationStatus, TransitionError } from "@an/domain";
import type { Executor } from "../client";
import { consultations } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { lockConsultation } from "../queries/consultations";
import { applyConsultationEvent } from "./consultation-events";

export type EndHoldWindowOutcome =
  | { kind: "ok"; id: string; status: ConsultationStatus }
  | { kind: "not_found" }
  | { kind: "refused"; error: TransitionError };

/**
 * Development sandbox only (the caller checks): ends a completed consultation's hold window
 * now, so a person trying the flow can reach release and payout without waiting the
 * configured hours. The window is shortened to end now (the timeline and the payout run
 * then agree on when it ended); the original timer, when it fires, finds the consultation
 * released. Audited (`consultation.hold_window_ended_early`).
 */
export async function endHoldWindowEarly(
  tx: Executor,
  input: { consultationId: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<EndHoldWindowOutcome> {
  const { now } = input;
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row) return { kind: "not_found" };
  if (row.status === "completed" && row.holdEndsAt && row.holdEndsAt > now) {
    await tx.update(consultations).set({ holdEndsAt: now }).where(eq(consultations.id, row.id));
  }
  const outcome = await applyConsultationEvent(tx, {
    consultationId: row.id,
    event: { id: `sandbox:hold:${row.id}`, actor: "system", type: "hold_window_elapsed" },
    now,
    origin: {
      source: "sandbox:end_hold_window",
      actorUserId: input.actor.kind === "user" ? input.actor.userId : null,
      reason: "development sandbox: hold window ended early",
    },
  });
  if (outcome.kind === "refused") return { kind: "refused", error: outcome.error };
  const status = outcome.kind === "applied" ? outcome.consultation.status : row.status;
  await writeAudit(tx, {
    actor: input.actor,
    action: "consultation.hold_window_ended_early",
    subjectType: "consultation",
    subjectId: row.id,
    before: { status: row.status },
    after: { status },
    requestId: input.requestId ?? null,
  });
  return { kind: "ok", id: row.id, status };
}
