import { reinstateAdvisor } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";
import { reasonSchema } from "./schemas";

export const reinstateAdvisorInput = z.object({ advisorId: userIdSchema, reason: reasonSchema });

/** Lifts a suspension; the reason is kept in the audit record. */
export const reinstate = adminProcedure.input(reinstateAdvisorInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await reinstateAdvisor(tx, {
      advisorId: input.advisorId,
      reason: input.reason,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const { userId, status, suspendedReason, suspendedAt } = result.value;
    return { userId, status, suspendedReason, suspendedAt };
  }),
);
