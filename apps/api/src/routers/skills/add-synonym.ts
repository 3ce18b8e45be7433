import { addSkillSynonym } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { skillIdSchema, skillTermSchema } from "./schemas";

export const addSynonymInput = z.object({ skillId: skillIdSchema, term: skillTermSchema });

/** Adds a term that finds the skill; SYNONYM_TAKEN when it finds another one. */
export const addSynonym = adminProcedure.input(addSynonymInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await addSkillSynonym(tx, {
      skillId: input.skillId,
      term: input.term,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
