import { describe, expect, it } from "vitest";
import {
  applicationInvitationExpiry,
  applicationInvitationStatus,
  decideApplicationAccess,
  DEFAULT_PLATFORM_RULES,
  validatePlatformRules,
} from "./platform-rules";

describe("validatePlatformRules", () => {
  it.each([
    ["open", { mode: "open" }, { ok: true, value: { mode: "open" } }],
    ["invite-only", { mode: "invite_only" }, { ok: true, value: { mode: "invite_only" } }],
    ["closed", { mode: "closed" }, { ok: true, value: { mode: "closed" } }],
    ["an unknown mode", { mode: "everyone" }, { field: "mode", reason: "not_allowed" }],
    ["a mode of the wrong type", { mode: 1 }, { field: "mode", reason: "not_allowed" }],
    ["no mode", {}, { field: "mode", reason: "missing" }],
    [
      "a stray field",
      { mode: "open", modes: "closed" },
      { field: "modes", reason: "unknown_field" },
    ],
    ["null", null, { field: "", reason: "not_an_object" }],
    ["an array", ["open"], { field: "", reason: "not_an_object" }],
    ["a string", "open", { field: "", reason: "not_an_object" }],
  ])("advisor_onboarding: %s", (_, rules, expected) => {
    const result = validatePlatformRules("advisor_onboarding", rules);
    if ("ok" in expected) expect(result).toEqual(expected);
    else {
      expect(result).toEqual({
        ok: false,
        error: { code: "PLATFORM_RULES_INVALID", kind: "advisor_onboarding", ...expected },
      });
    }
  });

  it("refuses a kind it doesn't know", () => {
    expect(validatePlatformRules("commission_typo", { mode: "open" })).toEqual({
      ok: false,
      error: {
        code: "PLATFORM_RULES_INVALID",
        kind: "commission_typo",
        field: "",
        reason: "unknown_kind",
      },
    });
  });

  it("accepts its own defaults", () => {
    for (const [kind, rules] of Object.entries(DEFAULT_PLATFORM_RULES)) {
      expect(validatePlatformRules(kind, rules)).toEqual({ ok: true, value: rules });
    }
  });
});

describe("application invitations", () => {
  const now = new Date("2026-06-01T12:00:00Z");
  const hours = (h: number) => new Date(now.getTime() + h * 3_600_000);
  const pending = { email: "Ana@Example.com", expiresAt: hours(24), usedAt: null, revokedAt: null };

  it.each([
    ["pending", pending, "pending"],
    ["expired at its expiry", { ...pending, expiresAt: now }, "expired"],
    ["used, even after expiry", { ...pending, usedAt: hours(-1), expiresAt: hours(-0.5) }, "used"],
    ["revoked", { ...pending, revokedAt: hours(-1) }, "revoked"],
  ])("status: %s", (_, facts, status) => {
    expect(applicationInvitationStatus(facts, now)).toBe(status);
  });

  it.each([
    ["no expiry asked: 14 days", undefined, { ok: true, value: hours(14 * 24) }],
    ["exactly 1 hour", hours(1), { ok: true, value: hours(1) }],
    ["exactly 90 days", hours(90 * 24), { ok: true, value: hours(90 * 24) }],
    ["under an hour", hours(0.5), null],
    ["over 90 days", hours(90 * 24 + 1), null],
    ["in the past", hours(-1), null],
  ])("expiry: %s", (_, requested, expected) => {
    const result = applicationInvitationExpiry({ requested, now });
    expect(result).toEqual(
      expected ?? {
        ok: false,
        error: { code: "APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE", minHours: 1, maxDays: 90 },
      },
    );
  });

  const access = (over: Partial<Parameters<typeof decideApplicationAccess>[0]>) =>
    decideApplicationAccess({
      mode: "invite_only",
      tokenGiven: true,
      invitation: pending,
      applicantEmail: "ana@example.com",
      now,
      ...over,
    });

  it.each([
    [
      "open lets anyone in",
      { mode: "open", tokenGiven: false, invitation: null },
      { consumeInvitation: false },
    ],
    ["closed lets nobody in", { mode: "closed" }, "APPLICATIONS_CLOSED"],
    [
      "invite-only, no token",
      { tokenGiven: false, invitation: null },
      "APPLICATION_INVITATION_REQUIRED",
    ],
    ["invite-only, unknown token", { invitation: null }, "unknown"],
    ["invite-only, used", { invitation: { ...pending, usedAt: hours(-1) } }, "used"],
    ["invite-only, expired", { invitation: { ...pending, expiresAt: hours(-1) } }, "expired"],
    ["invite-only, revoked", { invitation: { ...pending, revokedAt: hours(-1) } }, "revoked"],
    ["invite-only, other email", { applicantEmail: "bob@example.com" }, "other_email"],
    ["invite-only, applicant without email", { applicantEmail: null }, "other_email"],
    [
      "invite-only, matching email in another case",
      { applicantEmail: " ANA@example.COM " },
      { consumeInvitation: true },
    ],
  ] as const)("access: %s", (_, over, expected) => {
    const result = access(over);
    if (typeof expected === "object") expect(result).toEqual({ ok: true, value: expected });
    else if (expected.startsWith("APPLICATION")) {
      expect(result).toEqual({ ok: false, error: { code: expected } });
    } else {
      expect(result).toEqual({
        ok: false,
        error: { code: "APPLICATION_INVITATION_INVALID", why: expected },
      });
    }
  });
});
