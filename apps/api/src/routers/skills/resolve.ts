import { resolveSkills } from "@an/db";
import { z } from "zod";
import { publicProcedure } from "../../trpc/init";
import { skillIdSchema } from "./schemas";
import { text } from "../schemas";

export const resolveSkillsInput = z.object({
  terms: z.array(text().trim().max(100)).max(50).default([]),
  ids: z.array(skillIdSchema).max(50).default([]),
});

/**
 * Maps typed terms ("node.js", "NodeJS") and skill ids to active skills; a merged skill's
 * id maps to the skill it was merged into. Inputs that find nothing come back in `unknown`.
 */
export const resolve = publicProcedure
  .input(resolveSkillsInput)
  .query(({ ctx, input }) => resolveSkills(ctx.db, { terms: input.terms, ids: input.ids }));
