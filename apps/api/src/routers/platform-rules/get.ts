import { getPlatformRulesInForce, listPlatformRuleVersions } from "@an/db";
import { PLATFORM_RULE_KINDS } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";

export const getPlatformRulesInput = z.object({ kind: z.enum(PLATFORM_RULE_KINDS) });

/**
 * A kind's rules in force (version 0 is the code default, nothing saved yet) and its saved
 * versions, newest first, each with who, when and why.
 */
export const get = adminProcedure.input(getPlatformRulesInput).query(async ({ ctx, input }) => {
  const inForce = await getPlatformRulesInForce(ctx.db, { kind: input.kind });
  const history = await listPlatformRuleVersions(ctx.db, { kind: input.kind });
  return { inForce: { ...inForce, isDefault: inForce.version === 0 }, history };
});
