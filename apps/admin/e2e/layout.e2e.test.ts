import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import {
  expectNoPageErrors,
  HOME_PATH,
  screenshot,
  screenshotOnFailure,
  signInAsAdmin,
  useStack,
} from "./stack";

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

/** A real notification's long subject: it squeezes the outbox's other columns. */
const SUBJECT =
  "Your consultation with Amira Haddad on Tuesday, December 8 at 10:00 is confirmed: here is everything you need to know before you meet";

/** Deliveries and notifications in every status, so each status badge is on screen. */
const stack = useStack(async (t) => {
  for (const status of ["received", "processed", "ignored", "deferred", "failed"] as const) {
    const id = randomUUID();
    await t.sql`
      insert into webhook_events (provider, dedupe_key, event_type, body_sha256, status)
      values ('stripe', ${id}, 'checkout.session.completed', ${id}, ${status})`;
  }
  for (const status of ["queued", "sent", "failed"] as const) {
    await t.sql`
      insert into notifications (dedupe_key, to_email, template, locale, subject, body, status)
      values (${randomUUID()}, 'sam@demo.advisor.network', 'consultation_confirmed', 'en', ${SUBJECT}, 'Hello', ${status})`;
  }
  // A plan with a long Arabic name and two prices, so the Plans page has a card and a table.
  const [plan] = await t.sql<{ id: string }[]>`
    insert into plans (key, texts, entitlements, stripe_product_id)
    values ('layout-team',
      ${JSON.stringify({
        en: { name: "Team", description: "Three advisors per project" },
        ar: {
          name: "خطة الفريق للمشاريع الكبيرة متعددة المستشارين",
          description: "ثلاثة مستشارين لكل مشروع",
        },
      })}::jsonb,
      ${JSON.stringify({ inviteAdvisors: true, maxAdvisorsPerProject: 3, buyPasses: true })}::jsonb,
      'prod_layout')
    returning id`;
  for (const [currency, interval, amount] of [
    ["USD", "month", 1900],
    ["EUR", "year", 19000],
  ] as const) {
    await t.sql`
      insert into plan_prices (plan_id, currency, interval, amount, stripe_price_id)
      values (${plan!.id}, ${currency}, ${interval}, ${amount}, ${`price_layout_${currency}`})`;
  }
});

/** Every status badge on the page, with whether its text fits inside it. */
async function badgeFits(page: Page) {
  const badges = page.locator("[data-status-badge]");
  await badges.first().waitFor();
  return badges.evaluateAll((elements) =>
    elements.map((el) => {
      const label = el.querySelector("span") ?? el;
      return {
        text: el.textContent,
        fits: el.scrollWidth <= el.clientWidth && label.scrollWidth <= label.clientWidth,
      };
    }),
  );
}

describe("console layout", () => {
  it("signing in lands on the first menu item, and the console has a favicon", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "layout-landing");
    await signInAsAdmin(stack, HOME_PATH);
    expect(new URL(page.url()).pathname).toBe("/consultations");
    await page.getByRole("heading", { name: "Consultations", exact: true }).waitFor();
    const first = page.getByRole("navigation", { name: "Main" }).getByRole("link").first();
    expect(await first.textContent()).toBe("Consultations");

    const favicon = await page.request.get(`${consoleUrl}/favicon.ico`);
    expect(favicon.status()).toBe(200);
    expect(favicon.headers()["content-type"]).toMatch(/^image\//);
    expect((await favicon.body()).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
    expect(await page.locator('link[rel="icon"]').getAttribute("href")).toBe("/favicon.ico");
    expectNoPageErrors(stack);
  });

  it("status badges are never cut short, at 1440 px and at 390 px", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "layout-badges");
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const [path, statuses] of [
        ["/webhook-events", ["received", "processed", "ignored", "deferred", "failed"]],
        ["/notifications", ["queued", "sent", "failed"]],
      ] as const) {
        await page.goto(`${consoleUrl}${path}`);
        const fits = await badgeFits(page);
        for (const status of statuses) {
          expect(fits.map((b) => b.text?.toLowerCase())).toContain(status);
        }
        expect(
          fits.filter((b) => !b.fits),
          `${path} at ${viewport.width}px`,
        ).toEqual([]);
        await screenshot(stack, `layout${path.replace("/", "-")}-${viewport.width}`);
      }
    }
    await page.setViewportSize(DESKTOP);
    expectNoPageErrors(stack);
  });

  it("at 390 px the header fits, and the session controls are behind the burger", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "layout-phone");
    await page.setViewportSize(PHONE);
    await page.goto(`${consoleUrl}${HOME_PATH}`);
    const header = page.locator("header");
    await header.getByRole("heading", { name: "Advisor Network console" }).waitFor();
    const overflow = await header.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    expect(await header.getByRole("button", { name: "Sign out" }).isVisible()).toBe(false);
    await screenshot(stack, "layout-header-390");

    await header.getByRole("button", { name: "Toggle navigation" }).click();
    const nav = page.getByRole("navigation", { name: "Main" });
    const signOut = nav.getByRole("button", { name: "Sign out" });
    await signOut.waitFor();
    // The menu slides in: wait for it to come to rest inside the screen.
    await expect
      .poll(async () => {
        const box = await signOut.boundingBox();
        return box !== null && box.x >= 0 && box.x + box.width <= PHONE.width;
      })
      .toBe(true);
    await nav.getByRole("combobox", { name: "Language" }).waitFor();
    await screenshot(stack, "layout-menu-390");
    // Following a link closes the menu.
    await nav.getByRole("link", { name: "Webhook events" }).click();
    await page.getByRole("heading", { name: "Webhook events" }).waitFor();
    const burger = page.getByRole("button", { name: "Toggle navigation" });
    expect(await burger.getAttribute("aria-expanded")).toBe("false");
    // The collapsed menu slides out past the start edge of the screen.
    await expect
      .poll(async () => {
        const menu = await nav.boundingBox();
        return menu ? menu.x + menu.width : 0;
      })
      .toBeLessThanOrEqual(0);

    await page.setViewportSize(DESKTOP);
    await page.goto(`${consoleUrl}${HOME_PATH}`);
    await page.locator("header").getByRole("button", { name: "Sign out" }).waitFor();
    expect(await page.getByRole("button", { name: "Toggle navigation" }).isVisible()).toBe(false);
    await screenshot(stack, "layout-header-1440");
    expectNoPageErrors(stack);
  });

  it("reconciliation defaults to the last 7 days up to today and says why Run is off", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "layout-reconciliation");
    await page.goto(`${consoleUrl}/reconciliation`);
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const from = page.getByLabel("From (UTC day)");
    const to = page.getByLabel("To (UTC day, included)");
    expect(await from.inputValue()).toBe(day(-6));
    expect(await to.inputValue()).toBe(day(0));
    expect(await to.getAttribute("max")).toBe(day(0));
    const run = page.getByRole("button", { name: "Run", exact: true });
    expect(await run.isEnabled()).toBe(true);

    await to.fill(day(1));
    expect(await run.isDisabled()).toBe(true);
    await page
      .getByRole("status")
      .getByText(`Days after today (${day(0)}, UTC) have no records yet: pick days up to today.`)
      .waitFor();
    await to.fill(day(-7));
    await page.getByText("The first day must not come after the last day.").waitFor();
    expect(await run.getAttribute("aria-describedby")).toBe("reconciliation-run-blocked");
    await to.fill(day(0));
    expect(await run.isEnabled()).toBe(true);
    expect(await page.locator("#reconciliation-run-blocked").count()).toBe(0);
    expectNoPageErrors(stack);
  });

  it("plans, subscribers and settings hold at 390 px in Arabic, right to left", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "layout-billing-ar-390");
    // Signed in by the first test, like the others here.
    await page.evaluate(() => window.localStorage.setItem("an.admin.locale", "ar"));
    await page.setViewportSize(PHONE);
    for (const path of [
      "/plans",
      "/subscribers",
      "/subscribers?tab=reconciliation",
      "/settings",
      "/settings?tab=pricing",
      "/settings?tab=commission",
    ]) {
      await page.goto(`${consoleUrl}${path}`);
      await page.waitForLoadState("networkidle");
      expect(await page.evaluate(() => document.documentElement.dir)).toBe("rtl");
      expect(await page.locator("main h1, main h2").first().textContent()).toMatch(
        /[\u0600-\u06FF]/,
      );
      // Tables scroll inside their own container; the page itself never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        PHONE.width,
      );
      await screenshot(stack, `layout${path.replace(/[/?=]/g, "-")}-ar-390`);
    }
    await page.evaluate(() => window.localStorage.setItem("an.admin.locale", "en"));
    await page.setViewportSize(DESKTOP);
    expectNoPageErrors(stack);
  });
});
