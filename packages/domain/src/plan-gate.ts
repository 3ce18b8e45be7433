import type { Entitlements } from "./subscriptions";
import { err, ok, type Result } from "./result";

/** A command the user's plan doesn't cover; each names what to subscribe to. */
export type PlanGateError =
  | { code: "PLAN_REQUIRED_INVITE" }
  | { code: "PLAN_ADVISOR_LIMIT"; limit: number }
  | { code: "PLAN_REQUIRED_PASSES" };

/**
 * Whether the project's owner may invite one more advisor: their plan must allow
 * invitations, and the project's live (pending or accepted) invitations must stay below
 * the plan's per-project limit once this one is added.
 */
export function decideInviteAllowance(
  entitlements: Entitlements,
  liveInvitations: number,
): Result<void, PlanGateError> {
  if (!entitlements.inviteAdvisors || entitlements.maxAdvisorsPerProject <= 0) {
    return err({ code: "PLAN_REQUIRED_INVITE" });
  }
  if (liveInvitations >= entitlements.maxAdvisorsPerProject) {
    return err({ code: "PLAN_ADVISOR_LIMIT", limit: entitlements.maxAdvisorsPerProject });
  }
  return ok(undefined);
}

/** Whether the client's plan lets them buy async advice passes. */
export function decidePassAllowance(entitlements: Entitlements): Result<void, PlanGateError> {
  return entitlements.buyPasses ? ok(undefined) : err({ code: "PLAN_REQUIRED_PASSES" });
}
