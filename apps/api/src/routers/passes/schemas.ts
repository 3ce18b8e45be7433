import { z } from "zod";
import { userIdSchema } from "../schemas";

export const projectIdSchema = z.uuid();

/** What a pass is about: the advisor, the project and its length. Never a price. */
export const passTermsInput = z
  .object({
    advisorId: userIdSchema,
    projectId: projectIdSchema,
    /** Whole days; the platform's limits (1–30 today) are checked by the domain. */
    days: z.number().int().min(1).max(366),
  })
  .strict();
