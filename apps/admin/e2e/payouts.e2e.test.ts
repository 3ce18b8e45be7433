import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  type Stack,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
const LUCAS = "demo|advisor-lucas";

/** Amira and Lucas applied and approved, with their Cal.com event types: bookable advisors. */
const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

/** A webhook round trip (simulator → worker delivery → our route → processing), or a job. */
const WEBHOOK_WAIT_MS = 30_000;
/** The sandbox walk-throughs wait on many round trips in a row: more than the default. */
const WALKTHROUGH_TIMEOUT_MS = 240_000;

/** Clicks a link that opens in a new tab and returns that tab, loaded. */
async function openInNewTab(page: Page, name: string | RegExp): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByRole("link", { name }).click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page
    .getByTestId("sandbox-admin-status")
    .and(page.locator(`[data-status="${status}"]`))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });
}

async function expectLedgerBalanced(s: Stack): Promise<void> {
  expect(await findUnbalancedEntries(s.t.db)).toEqual([]);
  const [totals] = await s.t.sql<{ off: number }[]>`
    select count(*)::int as off from (
      select currency from journal_postings group by currency having sum(amount) <> 0
    ) t`;
  expect(totals!.off).toBe(0);
}

/** Sam books Lucas starting now, pays, and Lucas ends the meeting: a completed consultation. */
async function completeAConsultation(s: Stack): Promise<string> {
  const { page, t } = s;
  await page.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
  await page.getByRole("button", { name: "Act as this client" }).click();
  await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();

  await page.getByRole("combobox", { name: "Advisor" }).selectOption(LUCAS);
  await page.getByRole("combobox", { name: "Length" }).selectOption("60");
  await page.getByRole("button", { name: "Prepare booking" }).click();
  await page.getByTestId("sandbox-prepared").getByText("Quote frozen").waitFor();
  const booking = await openInNewTab(page, "Open the booking page");
  const startingNow = await booking
    .locator('select[name="start"] option', { hasText: "Starting now" })
    .getAttribute("value");
  await booking.locator('select[name="start"]').selectOption(startingNow);
  await booking.getByRole("button", { name: "Book", exact: true }).click();
  await booking.getByText("accepted", { exact: true }).waitFor();

  await waitForStatus(page, "awaiting_payment");
  await page.getByTestId("sandbox-checkout-link").waitFor({ timeout: WEBHOOK_WAIT_MS });
  const checkout = await openInNewTab(page, "Pay on the simulated checkout");
  await checkout.getByRole("button", { name: "Pay", exact: true }).click();
  await checkout.getByText("Paid", { exact: true }).waitFor();
  await checkout.close();
  await waitForStatus(page, "confirmed");

  await booking.reload();
  await booking.getByRole("button", { name: /End the meeting now/ }).click();
  await booking.waitForLoadState();
  await waitForStatus(page, "completed");
  await booking.close();

  const [row] = await t.sql<{ id: string }[]>`
    select id from consultations
     where client_id = ${SAM.id} and advisor_id = ${LUCAS} and status = 'completed'
     order by created_at desc limit 1`;
  expect(row).toBeDefined();
  return row!.id;
}

describe("payouts", () => {
  it(
    "a completed consultation is carried to a payout from the sandbox and shows on the payouts page",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "payouts-sandbox");
      await signInAsAdmin(stack, "/sandbox");
      await page.getByRole("heading", { name: "Sandbox" }).waitFor();
      const consultationId = await completeAConsultation(stack);

      const payout = page.getByTestId("sandbox-payout");
      await payout.getByTestId("sandbox-account-state").getByText("not onboarded").waitFor();
      // Paying an advisor without a Stripe account is refused before anything is sent.
      expect(await payout.getByRole("button", { name: "Pay now" }).isDisabled()).toBe(true);

      // Onboarding: a fresh link minted as Lucas opens the simulated Stripe page in a new tab.
      const [onboarding] = await Promise.all([
        page.context().waitForEvent("page"),
        payout.getByRole("button", { name: "Onboard the advisor to Stripe (simulated)" }).click(),
      ]);
      await onboarding.waitForURL(/\/sim\/connect\/onboarding\/link_/);
      await onboarding.getByRole("button", { name: "Complete onboarding" }).click();
      await onboarding.waitForURL(/return=1/);
      await onboarding.close();
      // account.updated comes back on the Connect webhook and marks the account ready.
      await payout
        .getByTestId("sandbox-account-state")
        .getByText("ready for payouts")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      const [account] = await t.sql<{ transfers_capability: string }[]>`
      select transfers_capability from payout_accounts where advisor_id = ${LUCAS}`;
      expect(account!.transfers_capability).toBe("active");

      await payout.getByRole("button", { name: "End hold window now" }).click();
      await waitForStatus(page, "released");

      await payout.getByRole("button", { name: "Pay now" }).click();
      await payout
        .getByTestId("sandbox-payout-item")
        .and(page.locator('[data-status="sent"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await waitForStatus(page, "paid_out");
      // The consultation's ledger gained the transfer: in transit → Stripe balance.
      await payout
        .getByTestId("sandbox-transfer-entry")
        .locator('[data-ledger-entry="transfer"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await screenshot(stack, "payouts-sandbox");

      const items = await t.sql<
        { id: string; batch_id: string; amount: number; status: string; transfer: string | null }[]
      >`
      select id, batch_id, amount::int as amount, status, provider_transfer_id as transfer
        from payout_items where consultation_id = ${consultationId}`;
      expect(items).toHaveLength(1);
      const item = items[0]!;
      expect(item.status).toBe("sent");
      expect(item.transfer).toMatch(/^tr_/);
      const [share] = await t.sql<{ refundable_share: number }[]>`
      select refundable_share::int as refundable_share from consultations where id = ${consultationId}`;
      expect(item.amount).toBe(share!.refundable_share);
      const [owed] = await t.sql<{ payable: number; in_transit: number }[]>`
      select
        coalesce(sum(amount) filter (where account = ${`advisor_payable:${LUCAS}`}), 0)::int as payable,
        coalesce(sum(amount) filter (where account = ${`advisor_payout_in_transit:${LUCAS}`}), 0)::int as in_transit
      from journal_postings`;
      expect(owed).toEqual({ payable: 0, in_transit: 0 });
      await expectLedgerBalanced(stack);

      // The payouts page lists the batch with its sent item, linked to its detail.
      await page.getByRole("link", { name: "Payouts", exact: true }).click();
      await page.getByRole("heading", { name: "Payouts", exact: true }).waitFor();
      const batchRow = page.locator(`tr[data-batch-id="${item.batch_id}"]`);
      await batchRow.locator('[data-item-count="sent"]').getByText("1 Sent").waitFor();
      await batchRow.getByText("Off-cycle").waitFor();
      await screenshot(stack, "payouts-batches");
      await batchRow.getByRole("link", { name: /Open the batch/ }).click();
      await page.getByTestId("payout-batch").waitFor();
      await page
        .locator(`tr[data-item-id="${item.id}"][data-status="sent"]`)
        .getByText(item.transfer!)
        .waitFor();
      await screenshot(stack, "payouts-batch");

      // Nothing failed: the failures tab says so.
      await page.goto(`${stack.consoleUrl}/payouts?tab=failures`);
      await page.getByText("Nothing failing.").waitFor();

      // The advisor's payout page: account ready, paid out, the batch listed.
      await page.goto(`${stack.consoleUrl}/payouts/advisors/${encodeURIComponent(LUCAS)}`);
      await page
        .getByTestId("payout-account-state")
        .and(page.locator('[data-ready="true"]'))
        .waitFor();
      const paidOut = await page.getByTestId("paid-out-USD").textContent();
      expect(paidOut).not.toBe("$0.00");
      await page.locator(`tr[data-batch-id="${item.batch_id}"]`).waitFor();
      await screenshot(stack, "payouts-advisor");
      expectNoPageErrors(stack);
    },
    WALKTHROUGH_TIMEOUT_MS,
  );

  it("the finance page shows the period's money and draws its daily chart", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "payouts-finance");
    await page.goto(`${stack.consoleUrl}/finance`);
    await page.getByRole("heading", { name: "Finance", exact: true }).waitFor();
    const chart = page.getByRole("img", { name: /GMV, paid out and fees per day in USD/ });
    await chart.waitFor();
    // Thirty days by default, each with a GMV and a paid-out bar; today's carry the payout.
    await expect.poll(() => chart.locator('rect[data-series="gmv"]').count()).toBe(30);
    const [sums] = await t.sql<{ gmv: number; paid_out: number }[]>`
      select
        coalesce(sum(p.amount) filter (where e.kind = 'payment_captured' and p.account = 'stripe_balance'), 0)::int as gmv,
        coalesce(-sum(p.amount) filter (where e.kind = 'transfer' and p.account = 'stripe_balance'), 0)::int as paid_out
      from journal_entries e join journal_postings p on p.entry_id = e.id`;
    expect(sums!.paid_out).toBeGreaterThan(0);
    const today = new Date().toISOString().slice(0, 10);
    const day = chart.locator(`g[data-day="${today}"]`);
    expect(await day.locator('rect[data-series="gmv"]').getAttribute("data-value")).toBe(
      String(sums!.gmv),
    );
    expect(await day.locator('rect[data-series="paidOut"]').getAttribute("data-value")).toBe(
      String(sums!.paid_out),
    );
    const money = (minor: number) =>
      new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(minor / 100);
    await page.getByTestId("tile-paid-out-value").getByText(money(sums!.paid_out)).waitFor();
    await page.getByTestId("tile-gmv-value").getByText(money(sums!.gmv)).waitFor();
    await page.getByTestId("tile-in-transit-value").getByText(money(0)).waitFor();
    // Balances per currency: USD's Stripe balance is the ledger's, and nothing was converted.
    const [usd] = await t.sql<{ stripe: number }[]>`
      select coalesce(sum(amount), 0)::int as stripe from journal_postings
      where account = 'stripe_balance' and currency = 'USD'`;
    await page
      .getByTestId("currency-balances-USD-stripeBalance")
      .getByText(money(usd!.stripe))
      .waitFor();
    await page.getByTestId("currency-balances-USD-fxConversion").getByText(money(0)).waitFor();
    await screenshot(stack, "payouts-finance");
    expectNoPageErrors(stack);
  });

  it("a first reconciliation, with the default period, finds our payout and Stripe's in agreement", async () => {
    const { page } = stack;
    screenshotOnFailure(stack, "payouts-reconciliation");
    await page.goto(`${stack.consoleUrl}/reconciliation`);
    await page.getByRole("heading", { name: "Reconciliation", exact: true }).waitFor();
    // The default period (the last 7 days up to today) already includes today's payout.
    const today = new Date().toISOString().slice(0, 10);
    expect(await page.getByLabel("To (UTC day, included)").inputValue()).toBe(today);
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const report = page.getByTestId("reconciliation-report");
    await report.and(page.locator('[data-status="completed"]')).waitFor({
      timeout: WEBHOOK_WAIT_MS,
    });
    await page.getByTestId("difference-count").getByText("Differences (0)").waitFor();
    const totals = page.getByRole("table", { name: "Ours and provider totals" });
    await totals.getByRole("row", { name: /Transfers USD 1 · .* 1 · / }).waitFor();
    await screenshot(stack, "payouts-reconciliation");
    expectNoPageErrors(stack);
  });

  it(
    "refunding the paid-out consultation from the sandbox reverses the transfer, shown on its payout card",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "payouts-sandbox-reversal");
      await page.goto(`${stack.consoleUrl}/sandbox`);
      await waitForStatus(page, "paid_out");
      const [c] = await t.sql<{ id: string; price: number; refundable_share: number }[]>`
      select id, price::int as price, refundable_share::int as refundable_share from consultations
       where client_id = ${SAM.id} and advisor_id = ${LUCAS} and status = 'paid_out'`;
      const money = (minor: number) =>
        new Intl.NumberFormat("en", { style: "currency", currency: "USD" }).format(minor / 100);

      // The sandbox offers the refund the README describes, as the admin.
      const admin = page.getByTestId("sandbox-admin-view");
      await admin.getByRole("button", { name: "Refund", exact: true }).click();
      const dialog = page.getByRole("dialog", { name: "Refund" });
      const amount = dialog.getByRole("textbox", { name: "Amount to refund" });
      // Too much is an error shown beside the field, never silently lowered to the maximum.
      await amount.fill("5000");
      await amount.blur();
      expect(await amount.inputValue()).toBe("5,000");
      await dialog
        .getByText(`At most ${money(c!.price)}: ${money(500_000)} is more than that.`)
        .waitFor();
      expect(await dialog.getByRole("button", { name: "Refund", exact: true }).isDisabled()).toBe(
        true,
      );
      // The API's refusal names both amounts as money, not minor units.
      await dialog
        .getByRole("alert")
        .getByText(
          `A refund of ${money(500_000)} is more than the ${money(c!.price)} still refundable.`,
          { exact: false },
        )
        .waitFor();
      expect(await dialog.textContent()).not.toMatch(/500000|exceeds/);

      await amount.fill(String(c!.price / 100));
      await dialog.getByRole("textbox", { name: "Reason" }).fill("Goodwill after payout");
      await dialog.getByRole("button", { name: "Refund", exact: true }).click();
      await waitForStatus(page, "refunded");

      // The payout card stays, now showing the advisor's transfer being reversed.
      const payout = page.getByTestId("sandbox-payout");
      await payout
        .getByTestId("sandbox-reversal")
        .and(page.locator('[data-status="succeeded"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await payout.getByTestId("sandbox-payout-item").waitFor();
      await payout
        .getByTestId("sandbox-reversal-entry")
        .locator('[data-ledger-entry="transfer_reversal"]')
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await screenshot(stack, "payouts-sandbox-reversal");

      const reversals = await t.sql<{ amount: number; status: string }[]>`
      select amount::int as amount, status from transfer_reversals where consultation_id = ${c!.id}`;
      expect(reversals).toEqual([{ amount: c!.refundable_share, status: "succeeded" }]);
      await expectLedgerBalanced(stack);
      expectNoPageErrors(stack);
    },
    WALKTHROUGH_TIMEOUT_MS,
  );
});
