import { randomUUID } from "node:crypto";
import { type Locale, translator } from "@an/domain";
import {
  AMIRA,
  insertBatch,
  insertWebhookDelivery,
  releasedConsultation,
  SAM,
  seedProjectChat,
  seedSubscriber,
  seedSubscriptionPlans,
  bookConsultation,
} from "@an/db/testing";
import { seedDemoMarketplace } from "@an/db";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { auditPage, screenshotPage } from "./audit";
import {
  expectNoPageErrors,
  screenshotOnFailure,
  signInAsAdmin,
  type Stack,
  useStack,
} from "./stack";

/*
 * Every console page, at a phone's width and a desktop's, in English and in Arabic (and one
 * page in each other locale), held to the audit: no serious or critical axe violation, no
 * sideways overflow, no clipped text, nothing left untranslated. Each visit leaves a
 * screenshot under artifacts/e2e/pages/.
 */

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };
const ADMIN_ID = "demo|admin";
const DAY = 86_400_000;

const ids = {
  consultation: "",
  upcoming: "",
  batch: "",
  project: "",
  conversation: "",
  subscriber: "",
  application: "",
  report: "",
};

const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
  const now = Date.now();
  const released = await releasedConsultation(t.db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: new Date(now - 10 * DAY),
  });
  ids.consultation = released.id;
  const upcoming = await bookConsultation(t.db, {
    clientId: SAM,
    advisorId: AMIRA,
    bookedAt: new Date(now - DAY),
    startsAt: new Date(now + 2 * DAY),
  });
  ids.upcoming = upcoming.id;
  const batch = await insertBatch(t.db, {
    advisorId: AMIRA,
    createdAt: new Date(now - DAY),
    items: [
      {
        consultationId: released.id,
        amount: 1_000,
        status: "retrying",
        attempts: 2,
        lastErrorCode: "balance_insufficient",
        lastError: "Stripe: insufficient available balance on the platform account",
      },
    ],
  });
  ids.batch = batch.batchId;
  const chat = await seedProjectChat(t.db, { ownerId: SAM, advisorId: AMIRA });
  ids.project = chat.projectId;
  ids.conversation = chat.conversationId;
  await seedSubscriptionPlans(t.db);
  ids.subscriber = (await seedSubscriber(t.db)).userId;
  for (const status of ["processed", "failed"] as const) {
    const id = await insertWebhookDelivery(
      t.db,
      "stripe",
      { id: `evt_${randomUUID()}`, type: "checkout.session.completed", data: { object: {} } },
      new Date(now - DAY),
    );
    await t.sql`update webhook_events set status = ${status} where id = ${id}`;
  }
  await t.sql`
    insert into notifications (dedupe_key, to_email, template, locale, subject, body, status)
    values (${randomUUID()}, 'sam@demo.advisor.network', 'consultation_confirmed', 'en',
            'Your consultation is confirmed', 'Hello', 'sent')`;
  const [application] = await t.sql<{ id: string }[]>`
    select id from advisor_applications order by created_at desc limit 1`;
  ids.application = application?.id ?? "";
});

/** The pages, by name, with the address each opens at (ids from the seed above). */
const PAGES: { name: string; path: () => string }[] = [
  { name: "consultations", path: () => "/consultations" },
  { name: "consultation", path: () => `/consultations/${ids.consultation}` },
  { name: "consultation-upcoming", path: () => `/consultations/${ids.upcoming}` },
  { name: "projects", path: () => "/projects" },
  { name: "project", path: () => `/projects/${ids.project}` },
  { name: "conversations", path: () => "/conversations" },
  { name: "conversation", path: () => `/conversations/${ids.conversation}` },
  { name: "ledger", path: () => "/ledger" },
  { name: "payouts", path: () => "/payouts" },
  { name: "payout-failures", path: () => "/payouts?tab=failures" },
  { name: "payout-batch", path: () => `/payouts/batches/${ids.batch}` },
  { name: "advisor-payouts", path: () => `/payouts/advisors/${encodeURIComponent(AMIRA)}` },
  { name: "subscribers", path: () => "/subscribers" },
  { name: "subscription-reconciliation", path: () => "/subscribers?tab=reconciliation" },
  { name: "subscriber", path: () => `/subscribers/${encodeURIComponent(ids.subscriber)}` },
  { name: "plans", path: () => "/plans" },
  { name: "finance", path: () => "/finance" },
  { name: "reconciliation", path: () => "/reconciliation" },
  { name: "incidents", path: () => "/incidents" },
  { name: "webhook-events", path: () => "/webhook-events" },
  { name: "applications", path: () => "/applications" },
  { name: "application", path: () => `/applications/${ids.application}` },
  { name: "advisors", path: () => "/advisors" },
  { name: "skills", path: () => "/skills" },
  { name: "reviews", path: () => "/reviews" },
  { name: "users", path: () => "/users" },
  { name: "notifications", path: () => "/notifications" },
  { name: "settings", path: () => "/settings" },
  { name: "settings-pricing", path: () => "/settings?tab=pricing" },
  { name: "settings-commission", path: () => "/settings?tab=commission" },
  { name: "settings-refunds", path: () => "/settings?tab=refunds" },
  { name: "settings-payouts", path: () => "/settings?tab=payouts" },
  { name: "sandbox", path: () => "/sandbox" },
];

/** One page in each remaining locale, at the width its readers most likely use. */
const OTHER_LOCALES: { locale: Locale; page: string; viewport: typeof PHONE }[] = [
  { locale: "ar-EG", page: "consultation", viewport: PHONE },
  { locale: "ar-SA", page: "ledger", viewport: PHONE },
  { locale: "ar-AE", page: "payouts", viewport: PHONE },
  { locale: "fr", page: "finance", viewport: DESKTOP },
  { locale: "fr-MA", page: "settings", viewport: PHONE },
  { locale: "es", page: "advisors", viewport: DESKTOP },
  { locale: "de", page: "webhook-events", viewport: DESKTOP },
];

/** Saves `locale` on the admin (the console follows the user's saved language) and here. */
async function useLocaleOf(stack: Stack, locale: Locale): Promise<void> {
  await stack.t.sql`update users set locale = ${locale} where id = ${ADMIN_ID}`;
  await stack.page.evaluate((l) => window.localStorage.setItem("an.admin.locale", l), locale);
}

/** Waits until the page has its heading and no spinner is left. */
async function settle(page: Page): Promise<void> {
  await page.locator("main h1, main h2, main h3").first().waitFor();
  await page.waitForFunction(
    () => document.querySelectorAll(".mantine-Loader-root").length === 0,
    null,
    {
      timeout: 15_000,
    },
  );
  // Fonts and late layout (charts measure their box) before measuring.
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
}

async function visitAndAudit(
  stack: Stack,
  page: { name: string; path: () => string },
  locale: Locale,
  viewport: typeof PHONE,
): Promise<void> {
  screenshotOnFailure(stack, `pages-${page.name}-${locale}-${viewport.width}`);
  await stack.page.setViewportSize(viewport);
  await useLocaleOf(stack, locale);
  await stack.page.goto(`${stack.consoleUrl}${page.path()}`);
  await settle(stack.page);
  expect(await stack.page.evaluate(() => document.documentElement.lang)).toBe(locale);
  expect(await stack.page.evaluate(() => document.documentElement.dir)).toBe(
    locale.startsWith("ar") ? "rtl" : "ltr",
  );
  const findings = await auditPage(stack.page, locale);
  await screenshotPage(stack.page, page.name, locale);
  expect(findings, `${page.name} in ${locale} at ${viewport.width}px`).toEqual({
    axe: [],
    overflow: [],
    clipped: [],
    untranslated: [],
  });
}

beforeAll(async () => {
  await signInAsAdmin(stack, "/consultations");
});

describe("every page, audited", () => {
  for (const locale of ["en", "ar"] as const) {
    for (const viewport of [PHONE, DESKTOP]) {
      for (const page of PAGES) {
        it(`${page.name} · ${locale} · ${viewport.width}px`, async () => {
          await visitAndAudit(stack, page, locale, viewport);
        });
      }
    }
  }

  for (const { locale, page, viewport } of OTHER_LOCALES) {
    it(`${page} · ${locale} · ${viewport.width}px`, async () => {
      await visitAndAudit(
        stack,
        PAGES.find((p) => p.name === page)!,
        locale,
        viewport,
      );
      if (locale === "ar-EG" || locale === "ar-SA") {
        // Egypt and Saudi Arabia write Arabic-Indic digits; money and dates follow.
        expect(await stack.page.locator("main").innerText()).toMatch(/[٠-٩]/);
      }
    });
  }

  it("the sign-in page · en and ar · 390px and 1440px", async () => {
    for (const locale of ["en", "ar"] as const) {
      for (const viewport of [PHONE, DESKTOP]) {
        await stack.page.setViewportSize(viewport);
        await stack.page.evaluate((l) => {
          window.localStorage.removeItem("an.admin.token");
          window.localStorage.setItem("an.admin.locale", l);
        }, locale);
        await stack.page.goto(`${stack.consoleUrl}/sign-in`);
        await stack.page.getByRole("button").first().waitFor();
        const findings = await auditPage(stack.page, locale);
        await screenshotPage(stack.page, "sign-in", locale);
        expect(findings, `sign-in in ${locale} at ${viewport.width}px`).toEqual({
          axe: [],
          overflow: [],
          clipped: [],
          untranslated: [],
        });
      }
    }
    await useLocaleOf(stack, "en");
    await signInAsAdmin(stack, "/consultations");
    expectNoPageErrors(stack);
  });
});

describe("the language picker", () => {
  it("offers all nine languages, and the pick is saved on the user", async () => {
    const { page, consoleUrl, t } = stack;
    screenshotOnFailure(stack, "pages-locale-picker");
    await page.setViewportSize(DESKTOP);
    await useLocaleOf(stack, "en");
    await page.goto(`${consoleUrl}/ledger`);
    const picker = page.getByRole("combobox", { name: translator("en")("console.header.locale") });
    await picker.waitFor();
    const options = await picker
      .locator("option")
      .evaluateAll((els) => els.map((el) => (el as HTMLOptionElement).value));
    expect(options).toEqual(["en", "ar", "ar-EG", "ar-SA", "ar-AE", "fr", "fr-MA", "es", "de"]);

    await picker.selectOption("ar-EG");
    await page.waitForFunction(() => document.documentElement.dir === "rtl");
    await page
      .getByRole("navigation", { name: translator("ar-EG")("console.header.mainNavigation") })
      .getByRole("link", { name: translator("ar-EG")("console.nav.ledger") })
      .waitFor();
    await expect
      .poll(
        async () =>
          (await t.sql<{ locale: string }[]>`select locale from users where id = ${ADMIN_ID}`)[0]
            ?.locale,
      )
      .toBe("ar-EG");

    // Another browser (no local pick) opens in the saved language.
    await page.evaluate(() => window.localStorage.removeItem("an.admin.locale"));
    await page.reload();
    await page.waitForFunction(() => document.documentElement.lang === "ar-EG");
    await useLocaleOf(stack, "en");
    expectNoPageErrors(stack);
  });
});

describe("the keyboard", () => {
  it("reaches the header's actions with Tab, opens a dialog with Enter, and Escape gives focus back", async () => {
    const { page, consoleUrl } = stack;
    screenshotOnFailure(stack, "pages-keyboard");
    await page.setViewportSize(DESKTOP);
    await useLocaleOf(stack, "ar");
    await page.goto(`${consoleUrl}/ledger`);
    await settle(page);
    const t = translator("ar");
    const name = t("console.header.preferences");
    // Tab from the top of the page until the preferences button has the focus.
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached = await page.evaluate((n) => document.activeElement?.textContent?.trim() === n, name);
    }
    expect(reached, `Tab never reached "${name}"`).toBe(true);
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: t("console.header.preferencesTitle") });
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
      .toBe(name);

    // On a phone the navigation is behind the burger: Enter opens it, and its links take focus.
    await page.setViewportSize(PHONE);
    await page.goto(`${consoleUrl}/ledger`);
    await settle(page);
    const burger = page.getByRole("button", { name: t("console.header.toggleNavigation") });
    await burger.focus();
    await page.keyboard.press("Enter");
    const link = page
      .getByRole("navigation", { name: t("console.header.mainNavigation") })
      .getByRole("link", { name: t("console.nav.payouts") });
    await link.waitFor();
    await link.focus();
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/payouts");
    await useLocaleOf(stack, "en");
    expectNoPageErrors(stack);
  });
});
