import { setPlatformRules } from "@an/db";
import { ADVISOR_ONBOARDING_MODES } from "@an/domain";
import { z } from "zod";
import { platformRulesAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const setAdvisorOnboardingInput = z.object({
  mode: z.enum(ADVISOR_ONBOARDING_MODES),
  /** Why it changes: kept with the version and in the audit log. */
  reason: text().trim().min(3).max(500),
});

/**
 * Sets how advisors join (open, invite-only, closed) as a new version in force from now.
 * Applications already submitted are unaffected; drafts meet the new mode on submission.
 */
export const setAdvisorOnboarding = adminProcedure
  .input(setAdvisorOnboardingInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const saved = await setPlatformRules(tx, {
        kind: "advisor_onboarding",
        rules: { mode: input.mode },
        reason: input.reason,
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (!saved.ok) throw platformRulesAppError(saved.error, ctx.t);
      return saved.value;
    }),
  );
