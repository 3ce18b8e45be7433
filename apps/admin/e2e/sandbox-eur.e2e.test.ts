import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };
/** The demo marketplace's advisor who prices in euros (€110 an hour). */
const ELENA = "demo|advisor-elena";

const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

const WEBHOOK_WAIT_MS = 30_000;
const WALKTHROUGH_TIMEOUT_MS = 240_000;

const euros = (minor: number) =>
  new Intl.NumberFormat("en", { style: "currency", currency: "EUR" }).format(minor / 100);

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

describe("sandbox in EUR", () => {
  it(
    "carries a consultation with the euro advisor from booking to payout, and finance and reconciliation show it in EUR",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "sandbox-eur");
      await signInAsAdmin(stack, "/sandbox");
      await page.getByRole("heading", { name: "Sandbox" }).waitFor();
      await page.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
      await page.getByRole("button", { name: "Act as this client" }).click();
      await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();

      // Elena is offered at her euro rate; a 60-minute quote is frozen in euros.
      const advisor = page.getByRole("combobox", { name: "Advisor" });
      expect(await advisor.locator(`option[value="${ELENA}"]`).textContent()).toBe(
        "Elena Fischer · €110.00/h",
      );
      await advisor.selectOption(ELENA);
      await page.getByRole("combobox", { name: "Length" }).selectOption("60");
      await page.getByRole("button", { name: "Prepare booking" }).click();
      await page.getByTestId("sandbox-prepared").getByText("€110.00").waitFor();

      // Booked on her simulated Cal.com page, starting now, then paid on the checkout.
      const booking = await openInNewTab(page, "Open the booking page");
      const startingNow = await booking
        .locator('select[name="start"] option', { hasText: "Starting now" })
        .getAttribute("value");
      await booking.locator('select[name="start"]').selectOption(startingNow);
      await booking.getByRole("button", { name: "Book", exact: true }).click();
      await booking.getByText("accepted", { exact: true }).waitFor();
      const bookingPageUrl = booking.url();
      await waitForStatus(page, "awaiting_payment");
      await booking.getByRole("link", { name: "Continue to payment" }).click();
      await booking.waitForURL(/\/sim\/checkout\//, { timeout: WEBHOOK_WAIT_MS });
      await booking.getByText("€110.00").first().waitFor();
      await booking.getByRole("button", { name: "Pay", exact: true }).click();
      await booking.getByText("Paid", { exact: true }).waitFor();
      await waitForStatus(page, "confirmed");
      await page
        .getByTestId("sandbox-paid")
        .getByText("Paid €110.00")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });

      // The meeting ends; the advisor onboards; the hold window ends; she is paid now.
      await booking.goto(bookingPageUrl);
      await booking.getByRole("button", { name: /End the meeting now/ }).click();
      await booking.waitForLoadState();
      await waitForStatus(page, "completed");
      await booking.close();
      const payout = page.getByTestId("sandbox-payout");
      const [onboarding] = await Promise.all([
        page.context().waitForEvent("page"),
        payout.getByRole("button", { name: "Onboard the advisor to Stripe (simulated)" }).click(),
      ]);
      await onboarding.waitForURL(/\/sim\/connect\/onboarding\/link_/);
      await onboarding.getByRole("button", { name: "Complete onboarding" }).click();
      await onboarding.waitForURL(/return=1/);
      await onboarding.close();
      await payout
        .getByTestId("sandbox-account-state")
        .getByText("ready for payouts")
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await payout.getByRole("button", { name: "End hold window now" }).click();
      await waitForStatus(page, "released");
      await payout.getByRole("button", { name: "Pay now" }).click();
      await payout
        .getByTestId("sandbox-payout-item")
        .and(page.locator('[data-status="sent"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await waitForStatus(page, "paid_out");

      const [c] = await t.sql<
        { id: string; currency: string; price: number; share: number; fee: number }[]
      >`
        select id, currency, price::int as price, advisor_share::int as share,
          platform_fee::int as fee
        from consultations where client_id = ${SAM.id} and advisor_id = ${ELENA}`;
      expect(c).toMatchObject({ currency: "EUR", price: 11_000 });
      expect(c!.share + c!.fee).toBe(c!.price);
      const items = await t.sql<{ amount: number; currency: string; status: string }[]>`
        select i.amount::int as amount, b.currency, i.status
        from payout_items i join payout_batches b on b.id = i.batch_id
        where i.consultation_id = ${c!.id}`;
      expect(items).toEqual([{ amount: c!.share, currency: "EUR", status: "sent" }]);
      await payout.getByText(`Payout item of ${euros(c!.share)}`).waitFor();
      expect(await findUnbalancedEntries(t.db)).toEqual([]);
      await screenshot(stack, "sandbox-eur-paid-out");

      // Finance, in EUR: the payment and the payout, in euros.
      await page.goto(`${stack.consoleUrl}/finance?currency=EUR`);
      await page.getByRole("heading", { name: "Finance", exact: true }).waitFor();
      expect(
        await page
          .getByRole("combobox", { name: "Currency" })
          .locator("option")
          .evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value)),
      ).toContain("EUR");
      await page.getByTestId("tile-gmv-value").getByText(euros(c!.price)).waitFor();
      await page.getByTestId("tile-paid-out-value").getByText(euros(c!.share)).waitFor();
      await screenshot(stack, "sandbox-eur-finance");

      // Reconciliation finds our EUR transfer and Stripe's in agreement.
      await page.goto(`${stack.consoleUrl}/reconciliation`);
      await page.getByRole("heading", { name: "Reconciliation", exact: true }).waitFor();
      await page.getByRole("button", { name: "Run", exact: true }).click();
      await page
        .getByTestId("reconciliation-report")
        .and(page.locator('[data-status="completed"]'))
        .waitFor({ timeout: WEBHOOK_WAIT_MS });
      await page.getByTestId("difference-count").getByText("Differences (0)").waitFor();
      const totals = page.getByRole("table", { name: "Ours and provider totals" });
      await totals
        .getByRole("row", { name: new RegExp(`Transfers EUR 1 · ${euros(c!.share)}`) })
        .waitFor();
      await screenshot(stack, "sandbox-eur-reconciliation");
      expectNoPageErrors(stack);
    },
    WALKTHROUGH_TIMEOUT_MS,
  );
});
