import { formatMoney, type Locale, type Money, translator } from "@an/domain";
import type { Page } from "playwright-core";
import { ADMIN_EMAIL, signInAsAdmin, type Stack } from "./stack";

/**
 * The sandbox walkthrough the currency tests share: as an admin acting as Sam, book
 * `advisor` for 60 minutes on the simulated Cal.com page, pay on the simulated checkout,
 * end the meeting, onboard the advisor, end the hold window and pay out now, checking the
 * page shows the amounts in the advisor's currency.
 *
 * It runs in any of the console's locales: the console's own labels come from the catalog
 * (`translator(locale)`), and the simulated providers' pages (which follow the console's
 * language) are driven by their forms' fields and actions, not by their wording.
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

/**
 * Submits the simulated page's form whose action ends in `/<action>` (a query may follow)
 * and waits for the simulator's answer.
 */
async function submitSimForm(tab: Page, action: string): Promise<void> {
  const form = tab.locator(`form[action$="/${action}"], form[action*="/${action}?"]`).first();
  await Promise.all([
    tab.waitForResponse(
      (response) =>
        response.request().method() === "POST" &&
        new URL(response.url()).pathname.endsWith(`/${action}`),
    ),
    form.locator('button[type="submit"]').click(),
  ]);
  await tab.waitForLoadState();
}

export async function bookAndPayOut(
  stack: Stack,
  params: {
    advisorId: string;
    /** The advisor's name and hourly rate, as the console offers them. */
    advisor: { name: string; rate: Money };
    /** The 60-minute quote. */
    price: Money;
    /** The console's language for the run; English by default. */
    locale?: Locale;
  },
): Promise<void> {
  const { page, consoleUrl } = stack;
  const { advisorId, locale = "en" } = params;
  const t = translator(locale);
  const price = formatMoney(params.price, locale);
  // The console follows the language saved on the user, and this browser's pick.
  await stack.t.sql`update users set locale = ${locale} where email = ${ADMIN_EMAIL}`;
  await signInAsAdmin(stack, "/sandbox");
  await page.evaluate((l) => window.localStorage.setItem("an.admin.locale", l), locale);
  await page.goto(`${consoleUrl}/sandbox`);
  await page.getByRole("heading", { name: t("console.sandbox.page.title") }).waitFor();
  await page
    .getByRole("combobox", { name: t("console.sandbox.pick.demoClient") })
    .selectOption(SAM.email);
  await page.getByRole("button", { name: t("console.sandbox.pick.actAs") }).click();
  await page.getByTestId("sandbox-acting-as").getByText("Sam").waitFor();

  // The advisor is offered at their rate; a 60-minute quote is frozen in their currency.
  const advisor = page.getByRole("combobox", { name: t("console.sandbox.book.advisor") });
  const offered = await advisor.locator(`option[value="${advisorId}"]`).textContent();
  const expected = t("console.sandbox.book.advisorOption", {
    name: params.advisor.name,
    rate: formatMoney(params.advisor.rate, locale),
  });
  if (offered !== expected) throw new Error(`advisor offered as ${offered}, not ${expected}`);
  await advisor.selectOption(advisorId);
  await page.getByRole("combobox", { name: t("console.sandbox.book.length") }).selectOption("60");
  await page.getByRole("button", { name: t("console.sandbox.book.prepare") }).click();
  await page.getByTestId("sandbox-prepared").getByText(price).waitFor();

  // Booked on her simulated Cal.com page, starting now, then paid on the checkout.
  const booking = await openInNewTab(page, t("console.sandbox.book.openBookingPage"));
  if (new URL(booking.url()).searchParams.get("locale") !== locale) {
    throw new Error(`the booking page opened without locale=${locale}: ${booking.url()}`);
  }
  await booking.locator('select[name="start"]').selectOption("now");
  await booking.locator('form[action^="/sim/book/"] button[type="submit"]').click();
  await booking.waitForURL(/\/sim\/bookings\/[^/?]+(\?|$)/);
  const bookingPageUrl = booking.url();
  await waitForStatus(page, "awaiting_payment");
  // "Continue to payment": the booking page's link to its own /pay.
  await booking.locator('a[href*="/sim/bookings/"][href*="/pay"]').click();
  await booking.waitForURL(/\/sim\/checkout\//, { timeout: WEBHOOK_WAIT_MS });
  if (locale === "en") await booking.getByText(price).first().waitFor();
  await submitSimForm(booking, "pay");
  await waitForStatus(page, "confirmed");
  await page
    .getByTestId("sandbox-paid")
    .getByText(t("console.sandbox.paid", { amount: price }).replace(/<\/?d>/g, ""))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });

  // The meeting ends; the advisor onboards; the hold window ends; they are paid now.
  await booking.goto(bookingPageUrl);
  await submitSimForm(booking, "end");
  await waitForStatus(page, "completed");
  await booking.close();
  const payout = page.getByTestId("sandbox-payout");
  const [onboarding] = await Promise.all([
    page.context().waitForEvent("page"),
    payout.getByRole("button", { name: t("console.sandbox.payout.onboardStep") }).click(),
  ]);
  await onboarding.waitForURL(/\/sim\/connect\/onboarding\/link_/);
  await onboarding
    .locator('form:has(input[name="outcome"][value="complete"]) button[type="submit"]')
    .click();
  await onboarding.waitForURL(/return=1/);
  await onboarding.close();
  await payout
    .getByTestId("sandbox-account-state")
    .getByText(t("console.sandbox.payout.ready"))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });
  await payout.getByRole("button", { name: t("console.sandbox.payout.endHold") }).click();
  await waitForStatus(page, "released");
  await payout.getByRole("button", { name: t("console.sandbox.payout.payNow") }).click();
  await payout
    .getByTestId("sandbox-payout-item")
    .and(page.locator('[data-status="sent"]'))
    .waitFor({ timeout: WEBHOOK_WAIT_MS });
  await waitForStatus(page, "paid_out");
}
