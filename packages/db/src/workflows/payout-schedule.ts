import { eq } from "drizzle-orm";
import { err, ok, type PayoutCadenceKind, type Result } from "@an/domain";
import type { Tx } from "../client";
import { advisors } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { nextRunFor } from "../queries/payout-schedules";

/** How often an advisor is paid, as stored: the domain's `PAYOUT_CADENCES`. */
export type PayoutCadence = PayoutCadenceKind;

/** Everything that decides when an advisor is paid. */
export type PayoutScheduleSettings = {
  cadence: PayoutCadence;
  /** Weekly: ISO weekday, 1 = Monday. */
  weekday: number;
  /** Monthly: 1–31 (a shorter month pays on its last day). */
  dayOfMonth: number;
  /** Biweekly: a local date that is a payout day; null for the other cadences. */
  anchorDate: string | null;
  /** Local "HH:MM" in the advisor's time zone. */
  runAt: string;
};

export type PayoutScheduleOutcome = PayoutScheduleSettings & {
  timeZone: string;
  /** The next scheduled run, recomputed from the new settings strictly after `now`. */
  nextPayoutAt: Date;
};

const scheduleColumns = {
  userId: advisors.userId,
  payoutCadence: advisors.payoutCadence,
  payoutWeekday: advisors.payoutWeekday,
  payoutDayOfMonth: advisors.payoutDayOfMonth,
  payoutAnchorDate: advisors.payoutAnchorDate,
  payoutRunAt: advisors.payoutRunAt,
  timeZone: advisors.timeZone,
  nextPayoutAt: advisors.nextPayoutAt,
};

/**
 * The one way an advisor's payout schedule changes: locks the advisor's row, lets the
 * domain's schedule rules compute the next run from the new settings, writes settings and
 * `next_payout_at` together and records `advisor.payout_schedule_changed` with what
 * changed (the next run included). Run it inside the caller's transaction. Saving the
 * schedule the advisor already has changes and records nothing.
 */
export async function changePayoutSchedule(
  tx: Tx,
  input: {
    advisorId: string;
    schedule: PayoutScheduleSettings;
    now: Date;
    actor: Actor;
    requestId?: string | null;
  },
): Promise<Result<PayoutScheduleOutcome, { code: "ADVISOR_NOT_FOUND" }>> {
  const [row] = await tx
    .select(scheduleColumns)
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row) return err({ code: "ADVISOR_NOT_FOUND" });
  const { schedule } = input;
  const before = {
    payoutCadence: row.payoutCadence,
    payoutWeekday: row.payoutWeekday,
    payoutDayOfMonth: row.payoutDayOfMonth,
    payoutAnchorDate: row.payoutAnchorDate,
    payoutRunAt: row.payoutRunAt,
  };
  const after = {
    payoutCadence: schedule.cadence,
    payoutWeekday: schedule.weekday,
    payoutDayOfMonth: schedule.dayOfMonth,
    payoutAnchorDate: schedule.anchorDate,
    payoutRunAt: schedule.runAt,
  };
  const settingsChanged = (Object.keys(after) as (keyof typeof after)[]).some(
    (key) => before[key] !== after[key],
  );
  const outcome = (nextPayoutAt: Date): PayoutScheduleOutcome => ({
    ...schedule,
    timeZone: row.timeZone,
    nextPayoutAt,
  });
  // Unchanged settings keep the stored next run: recomputing it from a later `now` could
  // skip a run that is due but not yet taken by the planner.
  if (!settingsChanged && row.nextPayoutAt) return ok(outcome(row.nextPayoutAt));

  const nextPayoutAt = nextRunFor({ ...row, ...after }, input.now);
  await tx
    .update(advisors)
    .set({ ...after, nextPayoutAt })
    .where(eq(advisors.userId, row.userId));
  if (settingsChanged) {
    await writeAudit(tx, {
      actor: input.actor,
      action: "advisor.payout_schedule_changed",
      subjectType: "advisor",
      subjectId: row.userId,
      before: {
        ...changedOnly(before, after),
        nextPayoutAt: row.nextPayoutAt?.toISOString() ?? null,
      },
      after: { ...changedOnly(after, before), nextPayoutAt: nextPayoutAt.toISOString() },
      requestId: input.requestId ?? null,
    });
  }
  return ok(outcome(nextPayoutAt));
}

/**
 * Recomputes a stored next run after something else it depends on changed (the advisor's
 * time zone), under the caller's lock on the advisor row. Returns the old and new values
 * for the caller's audit record, or null when nothing moved (no run stored yet: the
 * planner computes the first one).
 */
export async function rescheduleNextPayout(
  tx: Tx,
  input: { advisorId: string; now: Date },
): Promise<{ before: Date; after: Date } | null> {
  const [row] = await tx
    .select(scheduleColumns)
    .from(advisors)
    .where(eq(advisors.userId, input.advisorId))
    .for("update");
  if (!row?.nextPayoutAt) return null;
  const next = nextRunFor(row, input.now);
  if (next.getTime() === row.nextPayoutAt.getTime()) return null;
  await tx.update(advisors).set({ nextPayoutAt: next }).where(eq(advisors.userId, row.userId));
  return { before: row.nextPayoutAt, after: next };
}

function changedOnly<T extends Record<string, unknown>>(from: T, other: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(from).filter(([key, value]) => other[key] !== value),
  ) as Partial<T>;
}
