import { describe, expect, test } from "vitest";
import { decideInviteAllowance, decidePassAllowance } from "./plan-gate";
import { DEFAULT_FREE_ENTITLEMENTS, NO_ENTITLEMENTS } from "./subscriptions";

const plan = (maxAdvisorsPerProject: number, inviteAdvisors = true) => ({
  inviteAdvisors,
  maxAdvisorsPerProject,
  buyPasses: true,
});

describe("decideInviteAllowance", () => {
  test.each([
    ["free tier, empty project", DEFAULT_FREE_ENTITLEMENTS, 0, { ok: true, value: undefined }],
    [
      "free tier, one advisor already",
      DEFAULT_FREE_ENTITLEMENTS,
      1,
      { ok: false, error: { code: "PLAN_ADVISOR_LIMIT", limit: 1 } },
    ],
    ["three allowed, two live", plan(3), 2, { ok: true, value: undefined }],
    [
      "three allowed, three live",
      plan(3),
      3,
      { ok: false, error: { code: "PLAN_ADVISOR_LIMIT", limit: 3 } },
    ],
    [
      "invitations not included",
      plan(5, false),
      0,
      { ok: false, error: { code: "PLAN_REQUIRED_INVITE" } },
    ],
    ["nothing at all", NO_ENTITLEMENTS, 0, { ok: false, error: { code: "PLAN_REQUIRED_INVITE" } }],
  ])("%s", (_name, entitlements, live, expected) => {
    expect(decideInviteAllowance(entitlements, live)).toEqual(expected);
  });
});

describe("decidePassAllowance", () => {
  test("passes follow buyPasses", () => {
    expect(decidePassAllowance(DEFAULT_FREE_ENTITLEMENTS).ok).toBe(true);
    expect(decidePassAllowance(NO_ENTITLEMENTS)).toEqual({
      ok: false,
      error: { code: "PLAN_REQUIRED_PASSES" },
    });
  });
});
