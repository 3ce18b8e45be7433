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
const AMIRA = "demo|advisor-amira";

/** Amira and Lucas applied and approved, with their Cal.com event types: bookable advisors. */
const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

/** Waits for a webhook round trip: simulator → worker delivery → our route → processing. */
const WEBHOOK_WAIT_MS = 30_000;

/** Clicks a link that opens in a new tab and returns that tab, loaded. */
async function openInNewTab(page: Page, name: string | RegExp): Promise<Page> {
  const [tab] = await Promise.all([
    page.context().waitForEvent("page"),
    page.getByRole("link", { name }).click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

async function actAsSam(page: Page): Promise<void> {
  await page.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
  await page.getByRole("button", { name: "Act as this client" }).click();
  await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();
}

/** Prepares a 60-minute booking with `advisorId` in the sandbox and opens its booking page. */
async function prepareAndOpenBookingPage(page: Page, advisorId: string): Promise<Page> {
  await page.getByRole("combobox", { name: "Advisor" }).selectOption(advisorId);
  await page.getByRole("combobox", { name: "Length" }).selectOption("60");
  await page.getByRole("button", { name: "Prepare booking" }).click();
  await page.getByTestId("sandbox-prepared").getByText("Quote frozen").waitFor();
  const booking = await openInNewTab(page, "Open the booking page");
  // Name and email come filled in from the prepared link, as Cal.com prefills them.
  expect(await booking.locator('input[name="email"]').inputValue()).toBe(SAM.email);
  return booking;
}

async function consultationOf(
  s: Stack,
  advisorId: string,
): Promise<{ id: string; price: number; status: string }> {
  let found: { id: string; price: number; status: string } | undefined;
  await expect
    .poll(
      async () => {
        [found] = await s.t.sql<{ id: string; price: number; status: string }[]>`
          select id, price, status from consultations
           where client_id = ${SAM.id} and advisor_id = ${advisorId}
           order by created_at desc limit 1`;
        return found?.id;
      },
      { timeout: WEBHOOK_WAIT_MS },
    )
    .toBeTruthy();
  return found!;
}

/** Follows the client's view and the admin's view of `consultationId` to `status`. */
async function waitForStatus(page: Page, status: string): Promise<void> {
  await page
    .getByTestId("sandbox-client-status")
    .and(page.locator(`[data-status="${status}"]`))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });
  await page
    .getByTestId("sandbox-admin-status")
    .and(page.locator(`[data-status="${status}"]`))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });
}

/** Opens the checkout link shown to the client and pays on the simulated Stripe page. */
async function payOnCheckout(page: Page): Promise<void> {
  await page.getByTestId("sandbox-checkout-link").waitFor({ timeout: WEBHOOK_WAIT_MS });
  const checkout = await openInNewTab(page, "Pay on the simulated checkout");
  await checkout.getByRole("button", { name: "Pay", exact: true }).click();
  await checkout.getByText("Paid", { exact: true }).waitFor();
  await checkout.close();
}

async function expectLedgerBalanced(s: Stack): Promise<void> {
  expect(await findUnbalancedEntries(s.t.db)).toEqual([]);
  const [totals] = await s.t.sql<{ off: number }[]>`
    select count(*)::int as off from (
      select currency from journal_postings group by currency having sum(amount) <> 0
    ) t`;
  expect(totals!.off).toBe(0);
}

describe("sandbox", () => {
  it("a client books, pays and finishes a consultation while the admin watches the ledger", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "sandbox-completed");
    await signInAsAdmin(stack, "/sandbox");
    await page.getByRole("heading", { name: "Sandbox" }).waitFor();
    // The sandbox is in the navigation in development.
    await page.getByRole("link", { name: "Sandbox" }).waitFor();
    await actAsSam(page);

    const booking = await prepareAndOpenBookingPage(page, LUCAS);
    // Ending a meeting needs its start to have passed: the page's testing slot starts now.
    const startingNow = await booking
      .locator('select[name="start"] option', { hasText: "Starting now" })
      .getAttribute("value");
    await booking.locator('select[name="start"]').selectOption(startingNow);
    await booking.getByRole("button", { name: "Book", exact: true }).click();
    await booking.getByText("accepted", { exact: true }).waitFor();
    const bookingPageUrl = booking.url();

    // BOOKING_CREATED reached us: the consultation waits for payment, the client sees the link.
    const consultation = await consultationOf(stack, LUCAS);
    await waitForStatus(page, "awaiting_payment");
    await page.getByTestId("sandbox-checkout-link").waitFor({ timeout: WEBHOOK_WAIT_MS });
    // Nothing is paid yet: the admin's view says so instead of printing the price as paid.
    const paid = page.getByTestId("sandbox-paid");
    expect(await paid.textContent()).toMatch(/^Not paid yet: \$\d+\.\d{2} due$/);
    // Actions the client can't take yet are off, each with the API's reason beside it.
    const client = page.getByTestId("sandbox-client-view");
    const dispute = client.getByRole("button", { name: "Open dispute" });
    expect(await dispute.isDisabled()).toBe(true);
    expect(await dispute.getAttribute("aria-describedby")).toBe("sandbox-why-dispute");
    expect(await client.getByTestId("sandbox-why-dispute").textContent()).toBe(
      "Open dispute: A dispute can be opened once the meeting has ended.",
    );
    expect(await client.getByTestId("sandbox-why-no-show").textContent()).toContain(
      "A no-show can be reported once the meeting has ended.",
    );
    expect(await client.getByTestId("sandbox-why-cancel").count()).toBe(0);
    await screenshot(stack, "sandbox-booked");

    // After booking, the simulated Cal.com leads the client on to the checkout.
    await booking.getByRole("link", { name: "Continue to payment" }).click();
    await booking.waitForURL(/\/sim\/checkout\//, { timeout: WEBHOOK_WAIT_MS });
    await booking.getByRole("button", { name: "Pay", exact: true }).click();
    await booking.getByText("Paid", { exact: true }).waitFor();
    await waitForStatus(page, "confirmed");
    await paid.getByText(/^Paid \$\d+\.\d{2}$/).waitFor({ timeout: WEBHOOK_WAIT_MS });
    expect(Number(await paid.getAttribute("data-paid"))).toBe(consultation.price);
    const admin = page.getByTestId("sandbox-admin-view");
    await admin.locator('[data-ledger-entry="payment_captured"]').waitFor();
    await admin.getByText("Every entry balances").waitFor();
    await screenshot(stack, "sandbox-confirmed");

    const [held] = await t.sql<{ held: number }[]>`
      select coalesce(-sum(amount), 0)::int as held from journal_postings
       where account = ${`client_funds_held:${consultation.id}`}`;
    expect(held!.held).toBe(consultation.price);
    await expectLedgerBalanced(stack);

    // The host ends the meeting on the simulated Cal.com: MEETING_ENDED completes it.
    await booking.goto(bookingPageUrl);
    await booking.getByRole("button", { name: /End the meeting now/ }).click();
    await booking.waitForLoadState();
    await waitForStatus(page, "completed");
    await page
      .getByTestId("sandbox-client-view")
      .getByRole("button", { name: "Open dispute" })
      .and(page.locator(":enabled"))
      .waitFor();
    await screenshot(stack, "sandbox-completed");
    await booking.close();

    const [row] = await t.sql<{ status: string; hold_ends_at: Date | null }[]>`
      select status, hold_ends_at from consultations where id = ${consultation.id}`;
    expect(row!.status).toBe("completed");
    expect(row!.hold_ends_at).not.toBeNull();
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });

  it("a client cancels a paid consultation a day ahead and is refunded in full", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "sandbox-cancelled");

    const booking = await prepareAndOpenBookingPage(page, AMIRA);
    // The furthest slot offered: more than 24 hours ahead, so the policy refunds everything.
    const start = booking.locator('select[name="start"]');
    const offered = await start
      .locator("option:not([disabled])")
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    const furthest = offered.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
    expect(Date.parse(furthest) - Date.now()).toBeGreaterThan(24 * 3_600_000);
    await start.selectOption(furthest);
    await booking.getByRole("button", { name: "Book", exact: true }).click();
    await booking.getByText("accepted", { exact: true }).waitFor();
    await booking.close();

    const consultation = await consultationOf(stack, AMIRA);
    const row = page.locator(`tr[data-consultation-id="${consultation.id}"]`);
    await row.waitFor({ timeout: WEBHOOK_WAIT_MS });
    await row.getByRole("button", { name: /Watch/ }).click();
    await waitForStatus(page, "awaiting_payment");
    await payOnCheckout(page);
    await waitForStatus(page, "confirmed");

    const client = page.getByTestId("sandbox-client-view");
    await client.getByRole("button", { name: "Cancel", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Cancel the consultation" });
    await dialog.getByRole("textbox", { name: "Reason (optional)" }).fill("Plans changed.");
    await dialog.getByRole("button", { name: "Cancel consultation" }).click();
    await page.getByText(/Cancelled as the client\. .* goes back to the client\./).waitFor();
    await waitForStatus(page, "cancelled");
    await page.getByTestId("sandbox-admin-view").locator('[data-ledger-entry="refund"]').waitFor();

    // The refund row was decided with the cancellation; the worker then refunds it on the
    // simulated Stripe.
    await expect
      .poll(
        async () =>
          t.sql<{ amount: number; status: string }[]>`
            select amount, status from refunds where consultation_id = ${consultation.id}`,
        { timeout: WEBHOOK_WAIT_MS },
      )
      .toEqual([{ amount: consultation.price, status: "succeeded" }]);
    await client.getByTestId("sandbox-client-refunds").getByText("succeeded").waitFor({
      timeout: WEBHOOK_WAIT_MS,
    });
    await page.getByTestId("sandbox-held").getByText("$0.00").waitFor();
    await screenshot(stack, "sandbox-cancelled");

    const [held] = await t.sql<{ held: number }[]>`
      select coalesce(-sum(amount), 0)::int as held from journal_postings
       where account = ${`client_funds_held:${consultation.id}`}`;
    expect(held!.held).toBe(0);
    await expectLedgerBalanced(stack);
    expectNoPageErrors(stack);
  });
});
