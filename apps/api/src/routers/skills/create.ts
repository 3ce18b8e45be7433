import { createSkill } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { skillTermSchema } from "./schemas";

export const createSkillInput = z.object({
  name: skillTermSchema,
  synonyms: z.array(skillTermSchema).max(50).default([]),
});

/** Adds a skill; its name, slug and synonyms all find it. SKILL_EXISTS if any is taken. */
export const create = adminProcedure.input(createSkillInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await createSkill(tx, {
      name: input.name,
      synonyms: input.synonyms,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
