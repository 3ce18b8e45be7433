import { updateAdvisorProfile } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";
import { languageSchema, linkSchema, timeZoneSchema } from "./schemas";
import { text } from "../schemas";

export const updateProfileInput = z
  .object({
    displayName: text().trim().min(1).max(100),
    headline: text().trim().min(1).max(160),
    bio: text().trim().max(5000),
    timeZone: timeZoneSchema,
    yearsExperience: z.number().int().min(0).max(80),
    portfolioUrl: linkSchema(),
    linkedinUrl: linkSchema("linkedin.com"),
    githubUrl: linkSchema("github.com"),
    skillIds: z.array(z.uuid()).max(30),
    languages: z.array(languageSchema).min(1).max(20),
  })
  .partial()
  .strict();

/**
 * Updates the caller's own profile; omitted fields stay. Always the caller's row: there
 * is no advisor id in the input.
 *
 * Sensitive changes: a new display name or any changed link keeps the advisor live but
 * sets `flaggedForReviewAt` and writes an `advisor.flagged_for_review` audit record, so
 * an admin re-checks them (`advisors.list({ flagged: true })`, then `advisors.clearFlag`).
 */
export const updateProfile = advisorProcedure.input(updateProfileInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await updateAdvisorProfile(tx, {
      advisorId: ctx.user.id,
      patch: input,
      now: ctx.now(),
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return result.value;
  }),
);
