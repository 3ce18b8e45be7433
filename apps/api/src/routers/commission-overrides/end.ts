import { endCommissionOverride } from "@an/db";
import { z } from "zod";
import { commissionOverrideAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { overrideIdSchema, overrideReason } from "./schemas";

export const endCommissionOverrideInput = z.object({
  id: overrideIdSchema,
  reason: overrideReason(),
});

/**
 * Ends an override now: the advisor's new quotes go back to the platform's commission.
 * Unknown: COMMISSION_OVERRIDE_NOT_FOUND; ended already: COMMISSION_OVERRIDE_ALREADY_ENDED.
 * Audited.
 */
export const end = adminProcedure.input(endCommissionOverrideInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const ended = await endCommissionOverride(tx, {
      id: input.id,
      reason: input.reason,
      now: ctx.now(),
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!ended.ok) throw commissionOverrideAppError(ended.error, ctx.t);
    return ended.value;
  }),
);
