import { removeSkillSynonym } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { skillIdSchema } from "./schemas";
import { text } from "../schemas";

export const removeSynonymInput = z.object({
  skillId: skillIdSchema,
  term: text().trim().min(1).max(100),
});

/** Removes a term from the skill; a term it doesn't have changes nothing. */
export const removeSynonym = adminProcedure.input(removeSynonymInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await removeSkillSynonym(tx, {
      skillId: input.skillId,
      term: input.term,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
