import { listApplicationRounds, submitApplication } from "@an/db";
import { DEFAULT_PRICING_RULES } from "@an/domain";
import { z } from "zod";
import { toAppError } from "../../errors";
import { protectedProcedure } from "../../trpc/init";
import { applicationIdSchema } from "./schemas";
import { applicantView } from "./views";

export const submitInput = z.object({ id: applicationIdSchema });

/**
 * Submits the caller's draft for vetting, or resubmits it after changes were requested
 * (a new round). Missing fields are APPLICATION_INCOMPLETE, listing them. The applicant is
 * sent a confirmation.
 */
export const submit = protectedProcedure.input(submitInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await submitApplication(tx, {
      id: input.id,
      userId: ctx.user.id,
      rules: DEFAULT_PRICING_RULES,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const rounds = await listApplicationRounds(tx, { applicationId: result.value.id });
    return applicantView(result.value, rounds);
  }),
);
