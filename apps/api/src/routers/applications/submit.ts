import { listApplicationRounds, submitApplication } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { text } from "../schemas";
import { applicationIdSchema } from "./schemas";
import { applicantView } from "./views";

export const submitInput = z.object({
  id: applicationIdSchema,
  /** The invitation code an admin sent, needed for a first submission while invite-only. */
  invitationToken: text().trim().min(1).max(200).optional(),
});

/**
 * Submits the caller's draft for vetting, or resubmits it after changes were requested
 * (a new round). Missing fields are APPLICATION_INCOMPLETE, listing them. The applicant is
 * sent a confirmation. A first submission meets the onboarding mode in force: closed is
 * APPLICATIONS_CLOSED; invite-only needs `invitationToken`, a pending invitation sent to
 * the caller's email (APPLICATION_INVITATION_REQUIRED / _INVALID), used up by this call.
 */
export const submit = protectedProcedure.input(submitInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await submitApplication(tx, {
      id: input.id,
      userId: ctx.user.id,
      invitationToken: input.invitationToken ?? null,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const rounds = await listApplicationRounds(tx, { applicationId: result.value.id });
    return applicantView(result.value, rounds);
  }),
);
