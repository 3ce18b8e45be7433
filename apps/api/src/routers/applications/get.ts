import { getApplicationDetail, listAuditForSubject } from "@an/db";
import { planConnectAccount } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { applicationIdSchema } from "./schemas";

export const getApplicationInput = z.object({ id: applicationIdSchema });

/**
 * The review page: the application as submitted, who applied, its skills by name, every
 * round with its decision, the audit trail, and the Stripe account approval would lead to
 * (`payoutAccount`: the applicant's country against the platform's; `plan` null when
 * payouts there aren't supported yet).
 */
export const get = adminProcedure.input(getApplicationInput).query(async ({ ctx, input }) => {
  const detail = await getApplicationDetail(ctx.db, { id: input.id });
  if (!detail) throw new AppError("APPLICATION_NOT_FOUND", { ref: input.id });
  const audit = await listAuditForSubject(ctx.db, {
    subjectType: "advisor_application",
    subjectId: input.id,
  });
  const platformCountry = ctx.billing.connect.country;
  const advisorCountry = detail.application.profile.country ?? null;
  const plan = planConnectAccount({ platformCountry, advisorCountry });
  return {
    ...detail,
    audit,
    payoutAccount: { platformCountry, advisorCountry, plan: plan.ok ? plan.value : null },
  };
});
