import { updateAdvisorSettings } from "@an/db";
import { PAYOUT_CADENCES } from "@an/db/schema";
import { z } from "zod";
import { advisorProcedure } from "../../trpc/init";
import { advisorError } from "./errors";

export const setPayoutCadenceInput = z.object({ cadence: z.enum(PAYOUT_CADENCES) });

/** The caller's payout schedule preference: weekly, biweekly or monthly. */
export const setPayoutCadence = advisorProcedure
  .input(setPayoutCadenceInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const result = await updateAdvisorSettings(tx, {
        advisorId: ctx.user.id,
        set: { payoutCadence: input.cadence },
        action: "advisor.payout_cadence_changed",
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (!result.ok) throw advisorError(result.error);
      return { payoutCadence: result.value.payoutCadence };
    }),
  );
