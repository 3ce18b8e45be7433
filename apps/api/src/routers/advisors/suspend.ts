import { suspendAdvisor } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";
import { reasonSchema } from "./schemas";

export const suspendAdvisorInput = z.object({ advisorId: userIdSchema, reason: reasonSchema });

/**
 * Suspends an advisor with a reason (audited): they vanish from discovery and can't be
 * booked until reinstated.
 */
export const suspend = adminProcedure.input(suspendAdvisorInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await suspendAdvisor(tx, {
      advisorId: input.advisorId,
      reason: input.reason,
      now: new Date(),
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const { userId, status, suspendedReason, suspendedAt } = result.value;
    return { userId, status, suspendedReason, suspendedAt };
  }),
);
