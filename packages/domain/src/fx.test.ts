import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convertAtRate, parseRate, rateFromNumber } from "./fx";
import {
  accounts,
  balanceOf,
  fxConversion,
  isBalanced,
  type JournalEntry,
  type LedgerError,
  paymentCaptured,
  processingFee,
  refund,
  transfer,
  transferReversal,
} from "./ledger";
import { type CurrencyCode, moneyOf } from "./money";
import { type Result } from "./result";

const value = <T, E extends { message: string }>(r: Result<T, E>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const C = "c1";
const A = "adv1";

describe("convertAtRate", () => {
  it("converts major units at the rate and rounds half up to the target's minor unit", () => {
    // 367.25 AED × 0.2723 = 100.002175 USD → 100.00
    expect(value(convertAtRate(moneyOf(36725, "AED"), "0.2723", "USD"))).toEqual(
      moneyOf(10000, "USD"),
    );
    // 1.50 × 0.5 = 0.75; 0.03 × 0.5 = 0.015 → 0.02 (half up)
    expect(value(convertAtRate(moneyOf(3, "AED"), "0.5", "USD")).amount).toBe(2);
    expect(value(convertAtRate(moneyOf(1, "AED"), "0.5", "USD")).amount).toBe(1);
  });

  it("honours differing exponents (JPY has none)", () => {
    // ¥10,000 × 0.0067 = 67.00 USD
    expect(value(convertAtRate(moneyOf(10000, "JPY"), "0.0067", "USD"))).toEqual(
      moneyOf(6700, "USD"),
    );
    // 67.00 USD × 149.25 = ¥9,999.75 → ¥10,000
    expect(value(convertAtRate(moneyOf(6700, "USD"), "149.25", "JPY"))).toEqual(
      moneyOf(10000, "JPY"),
    );
  });

  it("refuses a rate that isn't a positive decimal, and negative amounts", () => {
    for (const bad of ["0", "-1", "1e-3", "abc", "", "0.000"]) {
      const r = convertAtRate(moneyOf(100, "AED"), bad, "USD");
      expect(r.ok ? null : r.error.code).toBe("INVALID_RATE");
    }
    const r = convertAtRate({ amount: -1, currency: "AED" }, "0.3", "USD");
    expect(r.ok ? null : r.error.code).toBe("INVALID_AMOUNT");
  });

  it("reads Stripe's float rates as exact decimals", () => {
    expect(rateFromNumber(0.272301)).toBe("0.272301");
    expect(rateFromNumber(1e-7)).toBe("0.0000001");
    expect(rateFromNumber(null)).toBeNull();
    expect(rateFromNumber(0)).toBeNull();
    expect(parseRate("0.2723")).toEqual({ num: 2723n, den: 10000n });
  });

  it("is within half a minor unit of the exact product, for any amount and rate", () => {
    const currencies: CurrencyCode[] = ["USD", "AED", "JPY", "EUR"];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom(...currencies),
        fc.constantFrom(...currencies),
        (amount, digits, places, from, to) => {
          const rate = (digits / 10 ** places).toFixed(places);
          const result = convertAtRate(moneyOf(amount, from), rate, to);
          const { num, den } = parseRate(rate)!;
          const exp = (c: CurrencyCode) => (c === "JPY" ? 0 : 2);
          // exact target minor units = amount·num·10^expTo / (den·10^expFrom)
          const n = BigInt(amount) * num * 10n ** BigInt(exp(to));
          const d = den * 10n ** BigInt(exp(from));
          if (!result.ok) {
            // Refused only when the result can't be an exact number.
            expect(result.error.code).toBe("INVALID_AMOUNT");
            expect(n / d >= BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
            return;
          }
          const got = result.value;
          // |got − n/d| ≤ 1/2  ⇔  |2·got·d − 2n| ≤ d, and ties go up.
          const diff = 2n * BigInt(got.amount) * d - 2n * n;
          expect(diff <= d && diff > -d).toBe(true);
        },
      ),
    );
  });
});

describe("fx_conversion entries", () => {
  it("books both sides through the FX account, balanced per currency", () => {
    const e = value(
      fxConversion({ consultationId: C, from: moneyOf(36725, "AED"), to: moneyOf(10000, "USD") }),
    );
    expect(e.kind).toBe("fx_conversion");
    expect(isBalanced(e)).toBe(true);
    expect(balanceOf([e], accounts.stripeBalance, "AED").amount).toBe(-36725);
    expect(balanceOf([e], accounts.stripeBalance, "USD").amount).toBe(10000);
    expect(balanceOf([e], accounts.fxConversion, "AED").amount).toBe(36725);
    expect(balanceOf([e], accounts.fxConversion, "USD").amount).toBe(-10000);
  });

  it("refuses a conversion into the same currency, and other kinds mixing currencies", () => {
    const same = fxConversion({
      consultationId: C,
      from: moneyOf(1, "USD"),
      to: moneyOf(1, "USD"),
    });
    expect(same.ok ? null : same.error.code).toBe("CURRENCY_MISMATCH");
    const mixed = paymentCaptured({ consultationId: C, amount: moneyOf(1, "USD") });
    expect(mixed.ok).toBe(true);
  });

  it("a converted payment, refund, payout and reversal leave no charge-currency cash and balance the FX account per currency", () => {
    const aed = (n: number) => moneyOf(n, "AED");
    const usd = (n: number) => moneyOf(n, "USD");
    const entries: JournalEntry[] = [
      value(paymentCaptured({ consultationId: C, amount: aed(36725) })),
      value(fxConversion({ consultationId: C, from: aed(36725), to: usd(10000) })),
      value(processingFee({ consultationId: C, fee: usd(320) })),
      value(
        refund({
          consultationId: C,
          advisorId: A,
          fromAdvisorShare: aed(5000),
          fromPlatformFee: aed(0),
          stage: "held",
        }),
      ),
      // refunded at a later rate
      value(fxConversion({ consultationId: C, from: usd(1370), to: aed(5000) })),
      value(transfer({ consultationId: C, advisorId: A, amount: aed(10000), settled: usd(2723) })),
      value(
        transferReversal({ consultationId: C, advisorId: A, amount: aed(1000), settled: usd(272) }),
      ),
    ];
    for (const e of entries) expect(isBalanced(e)).toBe(true);
    // What Stripe's balance holds moves only in USD: charge − fee − refund − transfer + reversal.
    expect(balanceOf(entries, accounts.stripeBalance, "AED").amount).toBe(0);
    expect(balanceOf(entries, accounts.stripeBalance, "USD").amount).toBe(
      10000 - 320 - 1370 - 2723 + 272,
    );
  });

  it("every FX entry balances per currency (property)", () => {
    const currencies: CurrencyCode[] = ["USD", "EUR", "AED", "SAR", "EGP", "MAD", "GBP", "JPY"];
    const amount = fc.integer({ min: 0, max: 1_000_000_000 });
    const pair = fc
      .tuple(fc.constantFrom(...currencies), fc.constantFrom(...currencies))
      .filter(([a, b]) => a !== b);
    const built = fc.oneof(
      fc
        .tuple(pair, amount, amount)
        .map(([[a, b], x, y]) =>
          fxConversion({ consultationId: C, from: moneyOf(x, a), to: moneyOf(y, b) }),
        ),
      fc.tuple(pair, amount, amount).map(([[a, b], x, y]) =>
        transfer({
          consultationId: C,
          advisorId: A,
          amount: moneyOf(x, a),
          settled: moneyOf(y, b),
        }),
      ),
      fc.tuple(pair, amount, amount).map(([[a, b], x, y]) =>
        transferReversal({
          consultationId: C,
          advisorId: A,
          amount: moneyOf(x, a),
          settled: moneyOf(y, b),
        }),
      ),
    );
    fc.assert(
      fc.property(built, (r: Result<JournalEntry, LedgerError>) => {
        const e = value(r);
        expect(isBalanced(e)).toBe(true);
        // Currencies meet only through the FX account.
        for (const c of new Set(e.lines.map((l) => l.amount.currency))) {
          const inCurrency = e.lines.filter((l) => l.amount.currency === c);
          if (new Set(e.lines.map((l) => l.amount.currency)).size > 1 && inCurrency.length > 0) {
            expect(inCurrency.some((l) => l.account === accounts.fxConversion)).toBe(true);
          }
        }
      }),
    );
  });
});
