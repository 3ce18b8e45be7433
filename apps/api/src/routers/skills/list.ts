import { listSkills } from "@an/db";
import { z } from "zod";
import { publicProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const listSkillsInput = z
  .object({
    /** Any spelling; matches skills with a term containing it ("js" finds Node.js). */
    search: text().trim().max(100).optional(),
    limit: z.number().int().min(1).max(500).default(200),
  })
  .prefault({});

/** The active taxonomy by name, each skill with the terms that find it. */
export const list = publicProcedure
  .input(listSkillsInput)
  .query(({ ctx, input }) =>
    listSkills(ctx.db, { search: input.search || undefined, limit: input.limit }),
  );
