import { insertAdvisor } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const AMIRA = "demo|advisor-amira";
const LUCAS = "demo|advisor-lucas";
const REASON = "Repeated no-shows reported by three clients.";

const stack = useStack(async (t) => {
  await insertAdvisor(t.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    headline: "Data engineering for fintech",
    hourlyRate: 18_000,
  });
  await insertAdvisor(t.db, {
    userId: LUCAS,
    displayName: "Lucas Martin",
    headline: "Rust and systems programming",
    flaggedForReviewAt: new Date(),
  });
});

describe("advisors", () => {
  it("an admin finds an advisor and suspends them with a reason", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "advisors");

    await signInAsAdmin(stack, "/advisors");
    await page.getByRole("heading", { name: "Advisors" }).waitFor();
    const table = page.getByRole("table", { name: "Advisors" });
    await table.getByRole("row").filter({ hasText: "Lucas Martin" }).waitFor();

    await page.getByRole("textbox", { name: "Search" }).fill("amira");
    await table.getByRole("row").filter({ hasText: "Lucas Martin" }).waitFor({ state: "detached" });
    const amiraRow = table.getByRole("row").filter({ hasText: "Amira Haddad" });
    await amiraRow.getByText("$180.00").waitFor();

    await amiraRow.getByRole("button", { name: "Suspend Amira Haddad" }).click();
    const dialog = page.getByRole("dialog", { name: "Suspend Amira Haddad" });
    const confirm = dialog.getByRole("button", { name: "Suspend advisor" });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByRole("textbox", { name: "Reason" }).fill(REASON);
    await confirm.click();
    await page.getByText("Suspended Amira Haddad.").waitFor();
    await dialog.waitFor({ state: "hidden" });
    await amiraRow.getByText("Suspended", { exact: true }).waitFor();
    await amiraRow.getByText(REASON).waitFor();
    await amiraRow.getByRole("button", { name: "Reinstate Amira Haddad" }).waitFor();

    const [row] = await t.sql<{ status: string; suspended_reason: string | null }[]>`
      select status::text, suspended_reason from advisors where user_id = ${AMIRA}`;
    expect(row).toEqual({ status: "suspended", suspended_reason: REASON });
    const audit = await t.sql<{ action: string; actor_id: string }[]>`
      select action, actor_id from audit_log
       where subject_type = 'advisor' and subject_id = ${AMIRA} order by id`;
    expect(audit.at(-1)?.actor_id).toBe("demo|admin");

    // The filters: suspended only, then flagged only.
    await page.getByRole("textbox", { name: "Search" }).fill("");
    await page.getByRole("combobox", { name: "Status" }).selectOption("suspended");
    await table.getByRole("row").filter({ hasText: "Lucas Martin" }).waitFor({ state: "detached" });
    await amiraRow.waitFor();
    await page.getByRole("combobox", { name: "Status" }).selectOption("");
    await page.getByRole("combobox", { name: "Re-check flag" }).selectOption("flagged");
    await amiraRow.waitFor({ state: "detached" });
    const lucasRow = table.getByRole("row").filter({ hasText: "Lucas Martin" });
    await lucasRow.getByRole("button", { name: "Clear flag on Lucas Martin" }).waitFor();
    await page.getByRole("combobox", { name: "Re-check flag" }).selectOption("");
    await amiraRow.waitFor();
    await screenshot(stack, "advisors");

    expectNoPageErrors(stack);
  });
});
