import { findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import { convertAtRate, moneyOf } from "@an/domain";
import { describe, expect, it } from "vitest";
import { bookAndPayOut, SAM } from "./sandbox-walkthrough";
import { expectNoPageErrors, screenshot, screenshotOnFailure, useStack } from "./stack";

/** Lucas prices in dirhams for this run: AED 367 an hour, on a platform settling in USD. */
const LUCAS = "demo|advisor-lucas";
const RATE = moneyOf(36_700, "AED");

/** Fils at the charge's rate, in cents (the domain's conversion, which the ledger uses). */
function inUsd(fils: number, rate: string): number {
  const converted = convertAtRate(moneyOf(fils, "AED"), rate, "USD");
  if (!converted.ok) throw new Error(converted.error.message);
  return converted.value.amount;
}

const stack = useStack(async (t) => {
  await seedDemoMarketplace(t.db);
  // The advisor's own rate change (advisors.setRate), done directly: AED is offered by the
  // default pricing rules, and the stack settles in USD and EUR (STRIPE_SETTLEMENT_CURRENCIES).
  await t.sql`update advisors set currency = 'AED', hourly_rate = ${RATE.amount},
    async_day_rate = null where user_id = ${LUCAS}`;
});

describe("sandbox in AED on a USD-settling platform", () => {
  it("converts the charge and the payout at the charge's rate, with the FX entry in the ledger and each currency in finance", async () => {
    const { page, t } = stack;
    screenshotOnFailure(stack, "sandbox-aed");
    await bookAndPayOut(stack, {
      advisorId: LUCAS,
      advisor: { name: "Lucas Martin", rate: RATE },
      price: RATE,
    });

    const [c] = await t.sql<{ id: string; price: number; share: number; fee: number }[]>`
        select id, price::int as price, advisor_share::int as share, platform_fee::int as fee
        from consultations where client_id = ${SAM.id} and advisor_id = ${LUCAS}`;
    expect(c).toMatchObject({ price: RATE.amount });
    expect(c!.share + c!.fee).toBe(c!.price);

    // Stripe settled the dirhams in dollars at a rate; the payout went in dollars at it.
    const [p] = await t.sql<
      { currency: string; settlement_currency: string; settlement_amount: number; rate: string }[]
    >`select currency, settlement_currency, settlement_amount::int as settlement_amount,
          exchange_rate as rate from payments where consultation_id = ${c!.id}`;
    expect(p).toMatchObject({ currency: "AED", settlement_currency: "USD" });
    expect(p!.settlement_amount).toBe(inUsd(RATE.amount, p!.rate));
    const items = await t.sql<
      { currency: string; amount: number; transfer_currency: string; transfer_amount: number }[]
    >`select currency, amount::int as amount, transfer_currency,
          transfer_amount::int as transfer_amount
        from payout_items where consultation_id = ${c!.id}`;
    expect(items).toEqual([
      {
        currency: "AED",
        amount: c!.share,
        transfer_currency: "USD",
        transfer_amount: inUsd(c!.share, p!.rate),
      },
    ]);

    // The ledger: an fx_conversion entry, balanced in each of its two currencies.
    const fx = await t.sql<{ currency: string; total: number; lines: number }[]>`
        select p.currency, sum(p.amount)::int as total, count(*)::int as lines
        from journal_entries e join journal_postings p on p.entry_id = e.id
        where e.kind = 'fx_conversion' and e.consultation_id = ${c!.id}
        group by p.currency order by p.currency`;
    expect(fx).toEqual([
      { currency: "AED", total: 0, lines: 2 },
      { currency: "USD", total: 0, lines: 2 },
    ]);
    expect(await findUnbalancedEntries(t.db)).toEqual([]);

    await page.goto(`${stack.consoleUrl}/ledger?consultation=${c!.id}`);
    await page.locator('[data-ledger-entry="fx_conversion"]').first().waitFor();
    await screenshot(stack, "sandbox-aed-ledger");

    // Finance lists both currencies: AED through the FX account, USD in the Stripe balance.
    await page.goto(`${stack.consoleUrl}/finance?currency=USD`);
    await page.getByTestId("currency-balances-AED").waitFor();
    await page.getByTestId("currency-balances-USD").waitFor();
    await screenshot(stack, "sandbox-aed-finance");
    expectNoPageErrors(stack);
  }, 240_000);
});
