import { mergeSkills } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { skillIdSchema } from "./schemas";

export const mergeSkillsInput = z.object({ sourceId: skillIdSchema, targetId: skillIdSchema });

/**
 * Merges the source skill into the target: its advisors and terms move to the target and
 * its id resolves there from now on. SKILL_MERGE_INVALID for the same skill twice or an
 * already merged one.
 */
export const merge = adminProcedure.input(mergeSkillsInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await mergeSkills(tx, {
      sourceId: input.sourceId,
      targetId: input.targetId,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
