import { setPlatformRules } from "@an/db";
import { PLATFORM_RULE_KINDS } from "@an/domain";
import { z } from "zod";
import { platformRulesAppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const setPlatformRulesInput = z.object({
  kind: z.enum(PLATFORM_RULE_KINDS),
  /** The whole rule set of that kind; its fields are checked by the domain's validator. */
  rules: z.record(z.string(), z.unknown()),
  /** Why it changes: kept with the version and in the audit log. */
  reason: text().trim().min(3).max(500),
});

/**
 * Saves a kind's rules as a new version, in force from now (admins only, audited). Quotes,
 * passes and consultations already made keep the versions they were priced under.
 */
export const set = adminProcedure.input(setPlatformRulesInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const saved = await setPlatformRules(tx, {
      kind: input.kind,
      rules: input.rules,
      reason: input.reason,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!saved.ok) throw platformRulesAppError(saved.error, ctx.t);
    return saved.value;
  }),
);
