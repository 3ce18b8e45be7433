import { listApplicationRounds, saveApplicationDraft } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { applicationIdSchema, applicationProfileSchema } from "./schemas";
import { applicantView } from "./views";

export const saveDraftInput = z.object({
  /** The caller's open application to update; omit to start one. */
  id: applicationIdSchema.optional(),
  /** The whole form as it stands; it replaces what was saved. */
  profile: applicationProfileSchema,
});

/**
 * Starts an application or saves edits to the caller's own draft (or one sent back for
 * changes). A second open application is APPLICATION_EXISTS; a submitted or decided one is
 * APPLICATION_NOT_EDITABLE; someone else's is APPLICATION_NOT_FOUND. While onboarding is
 * closed no application is started (APPLICATIONS_CLOSED).
 */
export const saveDraft = protectedProcedure.input(saveDraftInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await saveApplicationDraft(tx, {
      userId: ctx.user.id,
      id: input.id,
      profile: input.profile,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const rounds = await listApplicationRounds(tx, { applicationId: result.value.id });
    return applicantView(result.value, rounds);
  }),
);
