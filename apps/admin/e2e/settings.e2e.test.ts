import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const stack = useStack();

/** The saved versions of `kind`, oldest first. */
async function versions(kind: string) {
  return stack.t.sql<{ version: number; rules: Record<string, unknown>; reason: string }[]>`
    select version, rules, reason from platform_rule_versions where kind = ${kind} order by version`;
}

/** The cells of each row of the preview's table of changes, header excluded. */
async function changeRows() {
  const rows = stack.page.getByRole("table", { name: "Changes" }).locator("tbody tr");
  await rows.first().waitFor();
  return Promise.all((await rows.all()).map((row) => row.getByRole("cell").allTextContents()));
}

describe("platform money rules in the console", () => {
  it("the commission changes to 15 % after a preview, as version 1 with who and why", async () => {
    const { page } = stack;
    screenshotOnFailure(stack, "settings-commission");
    await signInAsAdmin(stack, "/settings?tab=commission");

    // The Commission tab also holds the overrides card: its own percent, reason and table.
    const card = page.getByTestId("rules-card-commission");
    const inForce = card.getByTestId("rules-in-force");
    await inForce.getByText("The code default is in force (version 0)").waitFor();
    const percent = card.getByRole("textbox", { name: "Commission (%)" });
    expect(await percent.inputValue()).toBe("20");
    // The default's minimum fee, in major units with the currency's decimals.
    expect(await card.getByRole("textbox", { name: "USD Minimum fee" }).inputValue()).toBe("3.00");

    await percent.fill("15");
    const save = card.getByRole("button", { name: "Save as version 1" });
    expect(await save.isDisabled()).toBe(true);
    await card.getByRole("button", { name: "Preview changes" }).click();
    expect(await changeRows()).toEqual([["Commission", "20% (2,000 bp)", "15% (1,500 bp)"]]);
    // Previewing saves nothing; saving needs a reason.
    expect(await versions("commission")).toEqual([]);
    expect(await save.isDisabled()).toBe(true);
    await card.getByRole("textbox", { name: "Reason" }).fill("Launch offer for the beta");
    await save.click();

    await inForce.getByText("Version 1 in force").waitFor();
    expect(await inForce.textContent()).toContain("by demo|admin: Launch offer for the beta");
    const history = card.getByRole("table", { name: "History" });
    const row = history.locator("tbody tr").first();
    expect((await row.getByRole("cell").allTextContents()).slice(0, 1)).toEqual(["1"]);
    expect(await row.textContent()).toContain("Launch offer for the beta");
    await row.getByRole("button", { name: "Show rules" }).click();
    expect(await history.getByLabel("Rules of version 1").textContent()).toContain('"bps": 1500');
    // The form now starts from version 1.
    expect(await percent.inputValue()).toBe("15");
    await card.getByRole("button", { name: "Save as version 2" }).waitFor();

    const saved = await versions("commission");
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({ version: 1, reason: "Launch offer for the beta" });
    expect(saved[0]!.rules).toMatchObject({ bps: 1500, minFee: { USD: 300 } });
    const audit = await stack.t.sql<{ action: string }[]>`
      select action from audit_log where action = 'platform_rules.changed'`;
    expect(audit).toHaveLength(1);
    await screenshot(stack, "settings-commission");
    expectNoPageErrors(stack);
  });

  it("JPY is offered with its limits typed in yen, without decimals", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "settings-pricing");
    await page.goto(`${consoleUrl}/settings?tab=pricing`);
    await page.getByRole("textbox", { name: "USD Minimum hourly rate" }).waitFor();
    expect(await page.getByRole("textbox", { name: "USD Minimum hourly rate" }).inputValue()).toBe(
      "20.00",
    );
    await page.getByRole("textbox", { name: "JPY Minimum hourly rate" }).waitFor({
      state: "detached",
    });

    await page.getByRole("textbox", { name: "Offer another currency" }).click();
    await page.getByRole("option", { name: "JPY", exact: true }).click();
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const jpy = (field: string) => page.getByRole("textbox", { name: `JPY ${field}` });
    // A fraction of a yen is refused where it is typed, and nothing can be previewed.
    await jpy("Minimum hourly rate").fill("2000.5");
    await page.getByText("Too many decimals: at most 0 here").waitFor();
    expect(await page.getByRole("button", { name: "Preview changes" }).isDisabled()).toBe(true);
    await jpy("Minimum hourly rate").fill("2000");
    await jpy("Maximum hourly rate").fill("50000");
    await jpy("Bookable lengths (minutes)").fill("30, 60");
    await jpy("Minimum pass day rate").fill("1000");
    await jpy("Maximum pass day rate").fill("20000");
    await jpy("Longest pass (days)").fill("14");

    await page.getByRole("button", { name: "Preview changes" }).click();
    expect(await changeRows()).toEqual([
      ["JPY · Bookable lengths (minutes)", "—", "30 min, 60 min"],
      ["JPY · Maximum hourly rate", "—", "¥50,000"],
      ["JPY · Maximum pass day rate", "—", "¥20,000"],
      ["JPY · Longest pass (days)", "—", "14 days"],
      ["JPY · Minimum hourly rate", "—", "¥2,000"],
      ["JPY · Minimum pass day rate", "—", "¥1,000"],
    ]);
    await page.getByRole("textbox", { name: "Reason" }).fill("Opening Japan");
    await page.getByRole("button", { name: "Save as version 1" }).click();
    await page.getByTestId("rules-in-force").getByText("Version 1 in force").waitFor();

    const saved = await versions("pricing");
    expect(saved.map((v) => v.version)).toEqual([1]);
    const currencies = saved[0]!.rules.currencies as Record<string, unknown>;
    expect(currencies.JPY).toEqual({
      minHourlyRate: 2000,
      maxHourlyRate: 50000,
      allowedLengths: [30, 60],
      minPassDayRate: 1000,
      maxPassDayRate: 20000,
      maxPassDays: 14,
    });
    expect(Object.keys(currencies).sort()).toEqual(
      ["AED", "EGP", "EUR", "GBP", "JPY", "MAD", "SAR", "USD"].sort(),
    );
    // The commission and payout forms now offer a row for JPY.
    await page.getByRole("tab", { name: "Payouts" }).click();
    await page.getByRole("textbox", { name: "JPY Minimum payout" }).waitFor();
    await screenshot(stack, "settings-payouts");
    expectNoPageErrors(stack);
  });

  it("a minimum above its maximum is refused in the operator's language, and nothing is saved", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "settings-refused");
    await page.goto(`${consoleUrl}/settings?tab=pricing`);
    const min = page.getByRole("textbox", { name: "JPY Minimum hourly rate" });
    await min.fill("60000");
    await page.getByRole("button", { name: "Preview changes" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: "Not saved" });
    await refusal
      .getByText(
        "These rules can't be saved: the minimum “currencies.JPY.minHourlyRate” is above its maximum.",
      )
      .waitFor();
    await page.getByRole("textbox", { name: "Reason" }).fill("Typo on purpose");
    expect(await page.getByRole("button", { name: "Save as version 2" }).isDisabled()).toBe(true);

    // The same refusal in French, from the API's catalog.
    await page.evaluate(() => window.localStorage.setItem("an.admin.locale", "fr"));
    await page.reload();
    const frMin = page.getByRole("textbox", { name: "JPY Tarif horaire minimum" });
    await frMin.fill("60000");
    await page.getByRole("button", { name: "Aperçu des changements" }).click();
    await page
      .getByRole("alert")
      .getByText(
        "Ces règles ne peuvent pas être enregistrées : le minimum « currencies.JPY.minHourlyRate » dépasse son maximum.",
      )
      .waitFor();
    await screenshot(stack, "settings-refused-fr");
    await page.evaluate(() => window.localStorage.setItem("an.admin.locale", "en"));

    expect((await versions("pricing")).map((v) => v.version)).toEqual([1]);
    const stored = (await versions("pricing"))[0]!.rules.currencies as Record<
      string,
      { minHourlyRate: number }
    >;
    expect(stored.JPY!.minHourlyRate).toBe(2000);
    expectNoPageErrors(stack);
  });

  it("a refund tier and the payout rules change the same way", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "settings-refunds");
    await page.goto(`${consoleUrl}/settings?tab=refunds`);
    const tier2 = page.getByRole("textbox", { name: "Tier 2 refund (%)" });
    expect(await tier2.inputValue()).toBe("50");
    await tier2.fill("25");
    await page.getByRole("button", { name: "Preview changes" }).click();
    expect(await changeRows()).toEqual([["Tier 2 · Refund", "50% (5,000 bp)", "25% (2,500 bp)"]]);
    await page.getByRole("textbox", { name: "Reason" }).fill("Late cancellations cost advisors");
    await page.getByRole("button", { name: "Save as version 1" }).click();
    await page.getByTestId("rules-in-force").getByText("Version 1 in force").waitFor();
    expect((await versions("refund_policy"))[0]!.rules).toEqual({
      tiers: [
        { minHoursBefore: 24, refundBps: 10000 },
        { minHoursBefore: 2, refundBps: 2500 },
        { minHoursBefore: 0, refundBps: 0 },
      ],
    });

    await page.getByRole("tab", { name: "Payouts" }).click();
    await page.getByRole("textbox", { name: "Hold window (hours)" }).fill("72");
    await page.getByRole("textbox", { name: "JPY Minimum payout" }).fill("3000");
    await page.getByRole("button", { name: "Preview changes" }).click();
    expect(await changeRows()).toEqual([
      ["Hold window (hours)", "48 hr", "72 hr"],
      ["JPY · Minimum payout", "—", "¥3,000"],
    ]);
    await page.getByRole("textbox", { name: "Reason" }).fill("Japan launch");
    await page.getByRole("button", { name: "Save as version 1" }).click();
    await page.getByTestId("rules-in-force").getByText("Version 1 in force").waitFor();
    expect((await versions("payouts"))[0]!.rules).toMatchObject({
      holdWindowHours: 72,
      minimumPayout: { JPY: 3000, USD: 2000 },
    });
    expectNoPageErrors(stack);
  });
});
