import { getPlatformRulesInForce, pricingImpact } from "@an/db";
import {
  diffRuleSets,
  PLATFORM_RULE_KINDS,
  type PricingRuleSet,
  validatePlatformRules,
} from "@an/domain";
import { z } from "zod";
import { platformRulesAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const previewPlatformRulesInput = z.object({
  kind: z.enum(PLATFORM_RULE_KINDS),
  rules: z.record(z.string(), z.unknown()),
});

/**
 * What saving `rules` would change against the version in force, field by field, without
 * saving anything: the console shows it before the admin confirms. Invalid rules are
 * refused with the same message saving would give.
 */
export const preview = adminProcedure
  .input(previewPlatformRulesInput)
  .query(async ({ ctx, input }) => {
    const valid = validatePlatformRules(input.kind, input.rules);
    if (!valid.ok) throw platformRulesAppError(valid.error, ctx.t);
    const inForce = await getPlatformRulesInForce(ctx.db, { kind: input.kind });
    return {
      kind: input.kind,
      fromVersion: inForce.version,
      toVersion: inForce.version + 1,
      rules: valid.value,
      changes: diffRuleSets(inForce.rules, valid.value),
      // Only pricing touches advisors' own rates: which would fall outside the new limits.
      pricingImpact:
        input.kind === "pricing"
          ? await pricingImpact(ctx.db, valid.value as PricingRuleSet)
          : null,
    };
  });
