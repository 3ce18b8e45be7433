import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import { moneyOf } from "@an/domain";
import { describe, expect, it } from "vitest";
import { expectNoPageErrors, screenshot, screenshotOnFailure, useStack } from "./stack";
import { bookAndPayOut, SAM } from "./sandbox-walkthrough";

/** The demo marketplace's advisor who prices in euros (€110 an hour). */
const ELENA = "demo|advisor-elena";

const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
});

const WEBHOOK_WAIT_MS = 30_000;
const WALKTHROUGH_TIMEOUT_MS = 240_000;

const euros = (minor: number) =>
  new Intl.NumberFormat("en", { style: "currency", currency: "EUR" }).format(minor / 100);

describe("sandbox in EUR", () => {
  it(
    "carries a consultation with the euro advisor from booking to payout, and finance and reconciliation show it in EUR",
    async () => {
      const { page, t } = stack;
      screenshotOnFailure(stack, "sandbox-eur");
      await bookAndPayOut(stack, {
        advisorId: ELENA,
        advisor: { name: "Elena Fischer", rate: moneyOf(11_000, "EUR") },
        price: moneyOf(11_000, "EUR"),
      });
      const payout = page.getByTestId("sandbox-payout");

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
