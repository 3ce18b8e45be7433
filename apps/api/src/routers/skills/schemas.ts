import { z } from "zod";

/**
 * A skill name or synonym as typed. It must keep at least one letter, digit, `+` or `#`
 * once normalized (the db normalizes: "Node.js" → "nodejs").
 */
export const skillTermSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((value) => /[\p{L}\p{N}+#]/u.test(value.normalize("NFKD").replace(/\p{M}/gu, "")));

export const skillIdSchema = z.uuid();
