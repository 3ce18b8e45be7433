import { renameSkill } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { skillIdSchema, skillTermSchema } from "./schemas";

export const renameSkillInput = z.object({ skillId: skillIdSchema, name: skillTermSchema });

/** Renames a skill; the old name keeps finding it. Advisors' search text follows. */
export const rename = adminProcedure.input(renameSkillInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await renameSkill(tx, {
      skillId: input.skillId,
      name: input.name,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
