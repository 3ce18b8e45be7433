import { and, eq, inArray } from "drizzle-orm";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { advisors, payoutItems } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { payoutItemJobKey } from "../queries/payout-items";

export type HoldOutcome = { kind: "ok"; changed: boolean } | { kind: "advisor_not_found" };

/** Who acted, as stored on the advisor's hold. */
const actorName = (actor: Actor) => (actor.kind === "user" ? actor.userId : actor.label);

/**
 * An admin holds an advisor's payouts: runs skip them and unsent items wait. Holding again
 * keeps the first hold's time and takes the new reason. Audited (`payouts.held`).
 */
export async function holdAdvisorPayouts(
  tx: Executor,
  input: { advisorId: string; reason: string; actor: Actor; now: Date; requestId?: string | null },
): Promise<HoldOutcome> {
  const [row] = await tx
    .select({ heldAt: advisors.payoutsHeldAt })
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row) return { kind: "advisor_not_found" };
  await tx
    .update(advisors)
    .set({
      payoutsHeldAt: row.heldAt ?? input.now,
      payoutsHeldReason: input.reason,
      payoutsHeldBy: actorName(input.actor),
    })
    .where(eq(advisors.userId, input.advisorId));
  await writeAudit(tx, {
    actor: input.actor,
    action: "payouts.held",
    subjectType: "advisor",
    subjectId: input.advisorId,
    before: null,
    after: { held: true, reason: input.reason },
    requestId: input.requestId ?? null,
  });
  return { kind: "ok", changed: row.heldAt === null };
}

/**
 * Lifts a hold; the advisor's waiting items go back in the queue. Audited
 * (`payouts.hold_released`) when there was a hold to lift.
 */
export async function releaseAdvisorPayoutHold(
  tx: Executor,
  input: { advisorId: string; now: Date; actor: Actor; requestId?: string | null },
): Promise<HoldOutcome> {
  const [row] = await tx
    .select({ heldAt: advisors.payoutsHeldAt })
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row) return { kind: "advisor_not_found" };
  if (row.heldAt === null) return { kind: "ok", changed: false };
  await tx
    .update(advisors)
    .set({ payoutsHeldAt: null, payoutsHeldReason: null, payoutsHeldBy: null })
    .where(eq(advisors.userId, input.advisorId));
  const waiting = await tx
    .select({ id: payoutItems.id })
    .from(payoutItems)
    .where(
      and(
        eq(payoutItems.advisorId, input.advisorId),
        inArray(payoutItems.status, ["pending", "retrying"]),
      ),
    );
  for (const w of waiting) {
    await enqueueJob(tx, "send_payout_item", { itemId: w.id }, { jobKey: payoutItemJobKey(w.id) });
  }
  await writeAudit(tx, {
    actor: input.actor,
    action: "payouts.hold_released",
    subjectType: "advisor",
    subjectId: input.advisorId,
    before: { held: true },
    after: { held: false },
    requestId: input.requestId ?? null,
  });
  return { kind: "ok", changed: true };
}
