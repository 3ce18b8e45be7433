import { sql } from "drizzle-orm";
import { advisorPayoutSchedule, nextPayoutRun, type PayoutCadenceKind } from "@an/domain";
import type { Executor } from "../client";
import { advisors } from "../schema";
import { orThrow } from "./stored-money";

/** The advisor columns that decide when they are paid. */
export type AdvisorScheduleRow = {
  userId: string;
  payoutCadence: PayoutCadenceKind;
  payoutWeekday: number;
  payoutDayOfMonth: number;
  payoutAnchorDate: string | null;
  payoutRunAt: string;
  timeZone: string;
};

/** The advisor's next scheduled run strictly after `after`, by the domain's schedule rules. */
export function nextRunFor(a: AdvisorScheduleRow, after: Date): Date {
  return orThrow(
    nextPayoutRun(
      advisorPayoutSchedule({
        cadence: a.payoutCadence,
        weekday: a.payoutWeekday,
        dayOfMonth: a.payoutDayOfMonth,
        anchorDate: a.payoutAnchorDate,
        timeZone: a.timeZone,
        runAt: a.payoutRunAt,
      }),
      after,
    ),
  );
}

/** Select these to get an {@link AdvisorScheduleRow}. */
export const scheduleColumns = {
  userId: advisors.userId,
  payoutCadence: advisors.payoutCadence,
  payoutWeekday: advisors.payoutWeekday,
  payoutDayOfMonth: advisors.payoutDayOfMonth,
  payoutAnchorDate: advisors.payoutAnchorDate,
  payoutRunAt: advisors.payoutRunAt,
  timeZone: advisors.timeZone,
};

/** Up to `limit` advisors without a stored next run, with their schedule. */
export async function listUnscheduledAdvisors(
  ex: Executor,
  params: { limit: number },
): Promise<AdvisorScheduleRow[]> {
  return ex
    .select(scheduleColumns)
    .from(advisors)
    .where(sql`${advisors.nextPayoutAt} is null`)
    .limit(params.limit);
}

/**
 * Stores first next runs, in one statement; an advisor who got one meanwhile keeps theirs.
 * `next` is an ISO instant.
 */
export async function setFirstPayoutRuns(
  ex: Executor,
  rows: readonly { id: string; next: string }[],
): Promise<void> {
  await ex.execute(sql`
    update advisors a set next_payout_at = v.next
    from json_to_recordset(${JSON.stringify(rows)}::json) as v(id text, next timestamptz)
    where a.user_id = v.id and a.next_payout_at is null`);
}
