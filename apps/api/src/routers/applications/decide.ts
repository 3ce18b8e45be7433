import { type ApplicationDecision, decideApplication } from "@an/db";
import { toAppError } from "../../errors";
import type { Context } from "../../trpc/context";

/**
 * Records an admin's decision in one transaction (see `decideApplication`: audit, the
 * applicant's notification and, on approval, the advisor role and profile) and returns
 * where the application now stands.
 */
export function decide(
  ctx: Context & { user: { id: string } },
  id: string,
  outcome: ApplicationDecision,
) {
  return ctx.db.transaction(async (tx) => {
    const result = await decideApplication(tx, {
      id,
      outcome,
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    const a = result.value;
    return {
      id: a.id,
      status: a.status,
      round: a.round,
      decidedAt: a.decidedAt,
      decisionReason: a.decisionReason,
    };
  });
}
