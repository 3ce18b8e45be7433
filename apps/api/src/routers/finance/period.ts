import { z } from "zod";
import { AppError } from "../../errors";
import { instantSchema } from "../consultations/schemas";

const DAY = 86_400_000;

/** A reporting period `[from, to)` as ISO 8601 instants. */
export const periodInput = z.object({ from: instantSchema, to: instantSchema });

/** Refuses a period that doesn't start before it ends or spans more than `maxDays`. */
export function requirePeriod(period: { from: Date; to: Date }, maxDays: number): void {
  const span = period.to.getTime() - period.from.getTime();
  if (span <= 0 || span > maxDays * DAY) throw new AppError("PERIOD_INVALID", { maxDays });
}
