import { describe, expect, it } from "vitest";
import {
  apiClientFor,
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const ADMIN = { id: "demo|admin", email: "admin@demo.advisor.network" };
const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
const DIEGO = { id: "demo|client-diego", email: "diego@demo.advisor.network" };

const stack = useStack();

/** A complete profile, as an applicant would submit it; `hourlyRate` in cents. */
function profile(skillIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    displayName: "Sam Carter",
    headline: "Backend engineer, 10 years of Node",
    bio: "I help teams scale Node services.\nMostly Postgres and queues.",
    skillIds,
    languages: ["en-US", "fr"],
    timeZone: "America/New_York",
    country: "US",
    yearsExperience: 10,
    portfolioUrl: "https://sam.dev",
    linkedinUrl: "https://www.linkedin.com/in/sam",
    githubUrl: "https://github.com/sam",
    hourlyRate: 15_000,
    currency: "USD",
    calcomEventType: "12345",
    ...overrides,
  };
}

describe("applications", () => {
  it("an admin reviews a submitted application and approves it", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "applications");

    // Fixtures through the real API: the taxonomy, then two applicants who apply.
    const admin = await apiClientFor(stack, ADMIN);
    const node = await admin.skills.create.mutate({ name: "Node.js", synonyms: ["node"] });
    const react = await admin.skills.create.mutate({ name: "React" });
    const diego = await apiClientFor(stack, DIEGO);
    const diegoDraft = await diego.applications.saveDraft.mutate({
      profile: profile([react.id], { displayName: "Diego Ruiz", headline: "Frontend lead" }),
    });
    await diego.applications.submit.mutate({ id: diegoDraft.id });
    // Diego has waited longer, so he is first in the queue.
    await t.sql`update advisor_applications set submitted_at = now() - interval '3 days'
                 where id = ${diegoDraft.id}`;
    const sam = await apiClientFor(stack, SAM);
    const draft = await sam.applications.saveDraft.mutate({
      profile: profile([node.id, react.id]),
    });
    await sam.applications.submit.mutate({ id: draft.id });

    await signInAsAdmin(stack, "/applications");
    await page.getByRole("heading", { name: "Applications" }).waitFor();
    const queue = page.getByRole("table", { name: "Applications" });
    const samRow = queue.getByRole("row").filter({ hasText: SAM.email });
    await samRow.waitFor();
    const applicants = await queue
      .locator("tbody tr")
      .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-application-id")));
    expect(applicants).toEqual([diegoDraft.id, draft.id]);
    await screenshot(stack, "applications");

    await samRow.getByRole("link", { name: "Review the application of Sam Carter" }).click();
    await page.getByRole("heading", { name: "Application review" }).waitFor();

    // Every field of the profile is on the page.
    const card = page.getByRole("region", { name: "Profile" });
    await card.getByRole("heading", { name: "Sam Carter" }).waitFor();
    for (const text of [
      "Backend engineer, 10 years of Node",
      "Mostly Postgres and queues.",
      "America/New_York",
      "$150.00",
      "Event type id 12345",
      "https://sam.dev",
      "https://www.linkedin.com/in/sam",
      "https://github.com/sam",
      "No avatar uploaded",
    ]) {
      await card.getByText(text).first().waitFor();
    }
    // Language names come from the browser's ICU data: assert on the tags it always shows.
    await card.getByText(/\(en-US\), French \(fr\)$/).waitFor();
    // The country by name, and the Stripe account approval leads to on the US platform.
    expect(await card.getByTestId("applicant-country").textContent()).toMatch(/\(US\)$/);
    expect(await card.getByTestId("payout-account-plan").textContent()).toMatch(
      /^Stripe account in .+ \(US\)$/,
    );
    expect(
      await card.getByRole("list", { name: "Skills" }).getByRole("listitem").allTextContents(),
    ).toEqual(["Node.js", "React"]);
    const rounds = page.getByRole("table", { name: "Rounds" });
    await rounds.getByRole("row").filter({ hasText: "First submission" }).waitFor();

    // Rejecting needs a reason: the dialog won't confirm without one.
    await page.getByRole("button", { name: "Reject" }).click();
    const rejectDialog = page.getByRole("dialog", { name: "Reject application" });
    expect(
      await rejectDialog.getByRole("button", { name: "Reject application" }).isDisabled(),
    ).toBe(true);
    await rejectDialog.getByRole("button", { name: "Cancel" }).click();
    await rejectDialog.waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "Approve", exact: true }).click();
    const approveDialog = page.getByRole("dialog", { name: "Approve application" });
    await approveDialog.getByRole("button", { name: "Approve Sam Carter" }).click();
    await page.getByText("Approved Sam Carter. They are now an advisor.").waitFor();
    await approveDialog.waitFor({ state: "hidden" });
    await page.getByTestId("application-status").filter({ hasText: "Approved" }).waitFor();
    await rounds
      .getByRole("row")
      .filter({ hasText: "Approved" })
      .filter({ hasText: "demo|admin" })
      .waitFor();
    await screenshot(stack, "application-review");

    const [application] = await t.sql<{ status: string; decided_by: string }[]>`
      select status::text, decided_by from advisor_applications where id = ${draft.id}`;
    expect(application).toEqual({ status: "approved", decided_by: ADMIN.id });
    const roles = await t.sql<{ role: string }[]>`
      select role::text from user_roles where user_id = ${SAM.id} and revoked_at is null
       order by role`;
    expect(roles.map((r) => r.role)).toContain("advisor");
    const advisors = await t.sql<
      { display_name: string; hourly_rate: number; currency: string; status: string }[]
    >`select display_name, hourly_rate, currency, status::text from advisors
       where user_id = ${SAM.id}`;
    expect(advisors).toEqual([
      { display_name: "Sam Carter", hourly_rate: 15_000, currency: "USD", status: "active" },
    ]);

    // Back in the queue, only Diego still waits.
    await page.getByRole("link", { name: "← Applications" }).click();
    await queue.getByRole("row").filter({ hasText: DIEGO.email }).waitFor();
    await queue.getByRole("row").filter({ hasText: SAM.email }).waitFor({ state: "detached" });

    expectNoPageErrors(stack);
  });
});
