import { setCommissionOverride } from "@an/db";
import { z } from "zod";
import { commissionOverrideAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { advisorIdSchema, overrideReason } from "./schemas";

export const setCommissionOverrideInput = z.object({
  advisorId: advisorIdSchema,
  /** A commission rule set (`{ bps, fixed, minFee, maxFee }`), checked like the platform's. */
  terms: z.record(z.string(), z.unknown()),
  reason: overrideReason(),
  /** When it stops applying by itself (must be in the future); absent: until ended. */
  endsAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * Gives an advisor their own commission from now on their new quotes (replacing any
 * override they had), until `endsAt` or until ended. Quotes already made keep their terms.
 * Unknown advisor: ADVISOR_NOT_FOUND; bad terms: PLATFORM_RULES_INVALID; an end date not in
 * the future: COMMISSION_OVERRIDE_ENDS_IN_PAST. Audited.
 */
export const set = adminProcedure.input(setCommissionOverrideInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const saved = await setCommissionOverride(tx, {
      advisorId: input.advisorId,
      terms: input.terms,
      reason: input.reason,
      endsAt: input.endsAt ? new Date(input.endsAt) : null,
      now: ctx.now(),
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!saved.ok) throw commissionOverrideAppError(saved.error, ctx.t);
    return saved.value;
  }),
);
