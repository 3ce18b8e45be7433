import type { Page } from "playwright-core";
import { signInAsAdmin, type Stack } from "./stack";

/**
 * The sandbox walkthrough both currency tests share: as an admin acting as Sam, book
 * `advisor` for 60 minutes on the simulated Cal.com page, pay on the simulated checkout,
 * end the meeting, onboard the advisor, end the hold window and pay out now, checking the
 * page shows the amounts in the advisor's currency (`money` formats minor units).
 */
export const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network" };

const WEBHOOK_WAIT_MS = 30_000;

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

export async function bookAndPayOut(
  stack: Stack,
  params: { advisorId: string; advisorOption: string; price: string },
): Promise<void> {
  const { page } = stack;
  const { advisorId, advisorOption, price } = params;
  await signInAsAdmin(stack, "/sandbox");
  await page.getByRole("heading", { name: "Sandbox" }).waitFor();
  await page.getByRole("combobox", { name: "Demo client" }).selectOption(SAM.email);
  await page.getByRole("button", { name: "Act as this client" }).click();
  await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();

  // The advisor is offered at their rate; a 60-minute quote is frozen in their currency.
  const advisor = page.getByRole("combobox", { name: "Advisor" });
  const offered = await advisor.locator(`option[value="${advisorId}"]`).textContent();
  if (offered !== advisorOption)
    throw new Error(`advisor offered as ${offered}, not ${advisorOption}`);
  await advisor.selectOption(advisorId);
  await page.getByRole("combobox", { name: "Length" }).selectOption("60");
  await page.getByRole("button", { name: "Prepare booking" }).click();
  await page.getByTestId("sandbox-prepared").getByText(price).waitFor();

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
  await booking.getByText(price).first().waitFor();
  await booking.getByRole("button", { name: "Pay", exact: true }).click();
  await booking.getByText("Paid", { exact: true }).waitFor();
  await waitForStatus(page, "confirmed");
  await page
    .getByTestId("sandbox-paid")
    .getByText(`Paid ${price}`)
    .waitFor({ timeout: WEBHOOK_WAIT_MS });

  // The meeting ends; the advisor onboards; the hold window ends; they are paid now.
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
}
