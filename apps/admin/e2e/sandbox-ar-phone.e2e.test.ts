import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import { moneyOf } from "@an/domain";
import { describe, expect, it } from "vitest";
import { auditPage, screenshotPage } from "./audit";
import { bookAndPayOut, SAM } from "./sandbox-walkthrough";
import { expectNoPageErrors, screenshotOnFailure, useStack } from "./stack";

/*
 * The operator's whole sandbox flow in Arabic on a phone-sized window: book on the
 * simulated Cal.com page, pay on the simulated Checkout, end the meeting, onboard the
 * advisor on the simulated Connect page, release and pay out — every page right to left,
 * in Arabic, and never wider than the phone.
 */

const PHONE = { width: 390, height: 844 };
const AMIRA = "demo|advisor-amira";
const WALKTHROUGH_TIMEOUT_MS = 240_000;

const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

describe("the sandbox in Arabic on a phone", () => {
  it(
    "books, pays, completes, onboards and pays out, right to left at 390 px",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "sandbox-ar-390");
      await page.setViewportSize(PHONE);
      // Every simulated provider page the flow opens must come up in Arabic, right to left.
      const simulatorPages: string[] = [];
      page.context().on("page", (tab) => {
        tab.on("load", () => {
          if (!new URL(tab.url()).pathname.startsWith("/sim/")) return;
          void tab
            .evaluate(() => [document.documentElement.lang, document.documentElement.dir].join(" "))
            .then((langDir) => simulatorPages.push(`${new URL(tab.url()).pathname} ${langDir}`))
            .catch(() => undefined);
        });
      });

      await bookAndPayOut(stack, {
        advisorId: AMIRA,
        advisor: { name: "Amira Haddad", rate: moneyOf(15_000, "USD") },
        price: moneyOf(15_000, "USD"),
        locale: "ar",
      });

      const [c] = await t.sql<{ status: string; price: number }[]>`
        select status, price::int as price from consultations
        where client_id = ${SAM.id} and advisor_id = ${AMIRA}`;
      expect(c).toEqual({ status: "paid_out", price: 15_000 });
      expect(await findUnbalancedEntries(t.db)).toEqual([]);

      expect(simulatorPages.length).toBeGreaterThanOrEqual(2);
      for (const entry of simulatorPages) expect(entry).toMatch(/ ar rtl$/);

      // The sandbox page itself, at the end of the flow: Arabic, RTL, within the phone.
      expect(await page.evaluate(() => document.documentElement.dir)).toBe("rtl");
      const findings = await auditPage(page, "ar");
      await screenshotPage(page, "sandbox-paid-out", "ar");
      expect(findings).toEqual({ axe: [], overflow: [], clipped: [], untranslated: [] });
      expectNoPageErrors(stack);
    },
    WALKTHROUGH_TIMEOUT_MS,
  );
});
