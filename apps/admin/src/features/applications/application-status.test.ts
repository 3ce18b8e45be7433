import { ADVISOR_STATUSES, APPLICATION_STATUSES, ROLES, translator } from "@an/domain";
import { describe, expect, it } from "vitest";
import { applicationStatusLabel } from "./application-status";
import { roleLabel } from "../users/role-label";

// Labels keyed by an enum value are looked up with a computed key the catalog check can't
// see, so each value is checked here: a missing one would show its raw key on the page.
const LANGUAGES = ["en", "de", "es", "fr", "ar"] as const;

describe.each(LANGUAGES)("enum labels in %s", (locale) => {
  const t = translator(locale);

  it.each(APPLICATION_STATUSES)("application status %s has a label", (status) => {
    expect(applicationStatusLabel(t, status)).not.toContain("console.");
  });

  it.each(ROLES)("role %s has a label", (role) => {
    expect(roleLabel(t, role)).not.toContain("console.");
  });

  it.each(ADVISOR_STATUSES)("advisor status %s has a label", (status) => {
    expect(t(`console.advisors.status.${status}`)).not.toContain("console.");
  });
});

it("English role and status labels read as they always have", () => {
  const t = translator("en");
  expect(ROLES.map((role) => roleLabel(t, role))).toEqual(["client", "advisor", "admin"]);
  expect(applicationStatusLabel(t, "submitted")).toBe("Waiting for review");
});
