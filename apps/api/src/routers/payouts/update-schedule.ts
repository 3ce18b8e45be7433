import { changePayoutSchedule } from "@an/db";
import { DEFAULT_BIWEEKLY_ANCHOR, PAYOUT_CADENCES } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";

export const updateScheduleInput = z
  .object({
    cadence: z.enum(PAYOUT_CADENCES),
    /** Weekly: ISO weekday, 1 = Monday. */
    weekday: z.number().int().min(1).max(7).default(1),
    /** Monthly: 1–31 (a shorter month pays on its last day). */
    dayOfMonth: z.number().int().min(1).max(31).default(1),
    /** Biweekly: a local date that is a payout day. */
    anchorDate: z.iso.date().optional(),
    /** Local time in the advisor's time zone. */
    runAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .default("09:00"),
  })
  .strict();

/**
 * The advisor chooses when they are paid — the one procedure that changes a payout
 * schedule. The next run is recomputed in their time zone (by the domain's schedule rules)
 * in the same transaction, audited, and returned.
 */
export const updateSchedule = advisorProcedure
  .input(updateScheduleInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const result = await changePayoutSchedule(tx, {
        advisorId: ctx.user.id,
        schedule: {
          cadence: input.cadence,
          weekday: input.weekday,
          dayOfMonth: input.dayOfMonth,
          anchorDate:
            input.cadence === "biweekly" ? (input.anchorDate ?? DEFAULT_BIWEEKLY_ANCHOR) : null,
          runAt: input.runAt,
        },
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (!result.ok) throw new AppError("NOT_AN_ADVISOR");
      return { ...input, nextPayoutAt: result.value.nextPayoutAt };
    }),
  );
