import { postJournalEntry, seedDemoData } from "@an/db";
import { ledger, moneyOf } from "@an/domain";
import { useTestDatabase, ADMIN, AMIRA, SAM, postAt } from "@an/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase((db) => seedDemoData(db.db));

const FROM = "2026-03-01T00:00:00.000Z";
const TO = "2026-03-04T00:00:00.000Z";
const on = (iso: string) => new Date(iso);
const held = (c: string) => `client_funds_held:${c}`;
const A = "demo|advisor-amira";

/**
 * Three days of USD ledger (and noise around them): two payments captured on day 1 (one
 * with Stripe's fee), one released and one fully refunded on day 2, a payout and a
 * chargeback on a payment captured before the period on day 3; a payment after the period
 * and one in EUR that the summary must leave out. Beside them, platform subscriptions: two
 * invoices paid (one with Stripe's fee), one partly refunded, and one paid in EUR.
 */
beforeAll(async () => {
  const db = t.db;
  await postAt(db, { kind: "payment_captured", postedAt: on("2026-02-28T18:00:00Z") }, [
    ["stripe_balance", 5_000],
    [held("c3"), -5_000],
  ]);
  await postAt(db, { kind: "payment_captured", postedAt: on("2026-03-01T10:00:00Z") }, [
    ["stripe_balance", 12_000],
    [held("c1"), -12_000],
  ]);
  await postAt(db, { kind: "processing_fee", postedAt: on("2026-03-01T10:00:00Z") }, [
    ["processing_fees", 380],
    ["stripe_balance", -380],
  ]);
  await postAt(db, { kind: "payment_captured", postedAt: on("2026-03-01T23:59:59.999Z") }, [
    ["stripe_balance", 10_000],
    [held("c2"), -10_000],
  ]);
  await postAt(db, { kind: "release", postedAt: on("2026-03-02T09:00:00Z") }, [
    [held("c1"), 12_000],
    [`advisor_payable:${A}`, -9_600],
    ["platform_fee_revenue", -2_400],
  ]);
  await postAt(db, { kind: "refund", postedAt: on("2026-03-02T12:00:00Z") }, [
    [held("c2"), 10_000],
    ["stripe_balance", -10_000],
  ]);
  await postAt(db, { kind: "payout_reserved", postedAt: on("2026-03-03T09:00:00Z") }, [
    [`advisor_payable:${A}`, 9_600],
    [`advisor_payout_in_transit:${A}`, -9_600],
  ]);
  await postAt(db, { kind: "transfer", postedAt: on("2026-03-03T09:01:00Z") }, [
    [`advisor_payout_in_transit:${A}`, 9_600],
    ["stripe_balance", -9_600],
  ]);
  await postAt(db, { kind: "chargeback_opened", postedAt: on("2026-03-03T15:00:00Z") }, [
    ["disputed_funds", 5_000],
    ["dispute_losses", 1_500],
    ["stripe_balance", -6_500],
  ]);
  await postAt(db, { kind: "payment_captured", postedAt: on("2026-03-04T00:00:00Z") }, [
    ["stripe_balance", 7_000],
    [held("c4"), -7_000],
  ]);
  for (const at of ["2026-03-01T08:00:00Z", "2026-03-02T08:00:00Z"]) {
    await postAt(db, { kind: "subscription_payment", postedAt: on(at) }, [
      ["stripe_balance", 1_500],
      ["subscription_revenue", -1_500],
    ]);
  }
  await postAt(db, { kind: "subscription_processing_fee", postedAt: on("2026-03-01T08:00:00Z") }, [
    ["processing_fees", 74],
    ["stripe_balance", -74],
  ]);
  await postAt(db, { kind: "subscription_reversal", postedAt: on("2026-03-03T08:00:00Z") }, [
    ["subscription_revenue", 500],
    ["stripe_balance", -500],
  ]);
  await postAt(
    db,
    { kind: "subscription_payment", postedAt: on("2026-03-02T08:00:00Z") },
    [
      ["stripe_balance", 1_400],
      ["subscription_revenue", -1_400],
    ],
    "EUR",
  );
  await postAt(
    db,
    { kind: "payment_captured", postedAt: on("2026-03-02T10:00:00Z") },
    [
      ["stripe_balance", 9_900],
      [held("c5"), -9_900],
    ],
    "EUR",
  );
  // A zero-decimal currency: ¥12,000 is 12,000 minor units.
  await postAt(
    db,
    { kind: "payment_captured", postedAt: on("2026-03-02T11:00:00Z") },
    [
      ["stripe_balance", 12_000],
      [held("c6"), -12_000],
    ],
    "JPY",
  );
});

describe("finance.getSummary", () => {
  it("sums the period's flows from the ledger, balances as of its end, and a day-by-day series", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const summary = await admin.finance.getSummary({ from: FROM, to: TO, currency: "usd" });
    expect(summary).toEqual({
      currency: "USD",
      // Each currency the ledger holds, for the page's currency picker.
      currencies: ["EUR", "JPY", "USD"],
      from: on(FROM),
      to: on(TO),
      gmv: 22_000,
      fees: 2_400,
      processingFees: 380,
      refunds: { count: 1, amount: 10_000 },
      disputes: { count: 1, amount: 5_000, losses: 1_500 },
      paidOut: 9_600,
      // Subscription revenue beside consultation fees; its Stripe fees apart from theirs.
      subscriptions: { count: 2, gross: 3_000, reversed: 500, net: 2_500, fees: 74 },
      balances: {
        // c3's payment, captured before the period and never released.
        fundsHeld: 5_000,
        payable: 0,
        inTransit: 0,
        receivable: 0,
        disputed: 5_000,
        stripeBalance: 5_000 + 12_000 - 380 + 10_000 - 10_000 - 9_600 - 6_500 + 3_000 - 74 - 500,
        fxConversion: 0,
      },
      byCurrency: [
        {
          currency: "EUR",
          stripeBalance: 9_900 + 1_400,
          fxConversion: 0,
          fundsHeld: 9_900,
          payable: 0,
          inTransit: 0,
        },
        {
          currency: "JPY",
          stripeBalance: 12_000,
          fxConversion: 0,
          fundsHeld: 12_000,
          payable: 0,
          inTransit: 0,
        },
        {
          currency: "USD",
          stripeBalance: 5_000 + 12_000 - 380 + 10_000 - 10_000 - 9_600 - 6_500 + 3_000 - 74 - 500,
          fxConversion: 0,
          fundsHeld: 5_000,
          payable: 0,
          inTransit: 0,
        },
      ],
      daily: [
        { day: "2026-03-01", gmv: 22_000, fees: 0, paidOut: 0, refunds: 0 },
        { day: "2026-03-02", gmv: 0, fees: 2_400, paidOut: 0, refunds: 10_000 },
        { day: "2026-03-03", gmv: 0, fees: 0, paidOut: 9_600, refunds: 0 },
      ],
    });
  });

  it("keeps every day of a period with no activity, and other currencies apart", async () => {
    const admin = await callerFor(t.db, ADMIN);
    const quiet = await admin.finance.getSummary({
      from: "2026-01-10T00:00:00Z",
      to: "2026-01-12T00:00:00Z",
      currency: "USD",
    });
    expect(quiet.gmv).toBe(0);
    expect(quiet.daily.map((d) => d.day)).toEqual(["2026-01-10", "2026-01-11"]);
    const eur = await admin.finance.getSummary({ from: FROM, to: TO, currency: "EUR" });
    expect(eur).toMatchObject({
      gmv: 9_900,
      balances: { fundsHeld: 9_900 },
      subscriptions: { count: 1, gross: 1_400, reversed: 0, net: 1_400, fees: 0 },
    });
    const jpy = await admin.finance.getSummary({ from: FROM, to: TO, currency: "JPY" });
    expect(jpy).toMatchObject({ gmv: 12_000, fees: 0, balances: { fundsHeld: 12_000 } });
  });

  it("shows every currency's balances, with a converted charge through the FX account", async () => {
    // 440.00 AED charged, settled as 119.81 USD (posted now, after the seeded period).
    await t.db.transaction(async (tx) => {
      const consultationId = null;
      for (const [key, entry] of [
        [
          "captured",
          ledger.paymentCaptured({ consultationId: "c-fx", amount: moneyOf(44_000, "AED") }),
        ],
        [
          "fx",
          ledger.fxConversion({
            consultationId,
            from: moneyOf(44_000, "AED"),
            to: moneyOf(11_981, "USD"),
          }),
        ],
      ] as const) {
        if (!entry.ok) throw new Error(entry.error.message);
        await postJournalEntry(tx, {
          entry: { ...entry.value, consultationId: null },
          dedupeKey: `test:fx:${key}`,
        });
      }
    });
    const admin = await callerFor(t.db, ADMIN);
    const now = Date.now();
    const aed = await admin.finance.getSummary({
      from: new Date(now - 86_400_000).toISOString(),
      to: new Date(now + 86_400_000).toISOString(),
      currency: "AED",
    });
    expect(aed.balances).toMatchObject({
      stripeBalance: 0,
      fundsHeld: 44_000,
      fxConversion: 44_000,
    });
    expect(aed.byCurrency.map((r) => r.currency)).toEqual(["AED", "EUR", "JPY", "USD"]);
    expect(aed.byCurrency[0]).toEqual({
      currency: "AED",
      stripeBalance: 0,
      fxConversion: 44_000,
      fundsHeld: 44_000,
      payable: 0,
      inTransit: 0,
    });
    expect(aed.byCurrency[3]).toMatchObject({ currency: "USD", fxConversion: -11_981 });
  });

  it("refuses a period that is empty, reversed or longer than 366 days", async () => {
    const admin = await callerFor(t.db, ADMIN);
    for (const [from, to] of [
      [TO, FROM],
      [FROM, FROM],
      ["2025-01-01T00:00:00Z", "2026-01-03T00:00:00Z"],
    ]) {
      await expect(
        admin.finance.getSummary({ from: from!, to: to!, currency: "USD" }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "PERIOD_INVALID" });
    }
    // Exactly 366 days is allowed.
    await expect(
      admin.finance.getSummary({
        from: "2025-01-01T00:00:00Z",
        to: "2026-01-02T00:00:00Z",
        currency: "USD",
      }),
    ).resolves.toMatchObject({ gmv: 0 });
    await expect(
      admin.finance.getSummary({ from: FROM, to: TO, currency: "dollars" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("is for admins only", async () => {
    for (const userId of [AMIRA, SAM]) {
      await expect(
        (await callerFor(t.db, userId)).finance.getSummary({ from: FROM, to: TO, currency: "USD" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
  });
});
