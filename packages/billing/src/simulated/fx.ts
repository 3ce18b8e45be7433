import { convertAtRate, type CurrencyCode, parseRate } from "@an/domain";
import type { BillingConfig } from "../config";
import { SIM_KIND as KIND } from "./kinds";
import type { SimStore } from "./store";

/*
 * The simulated Stripe's settlement: the balance holds the configured settlement
 * currencies; a charge in any other converts into the first of them at the simulator's
 * rate of the moment (the config's table, or one a test set on the store, which every
 * process sees), and its refunds convert back at the rate of their own moment.
 */

const RATES_ID = "exchange_rates";

/** Overrides of the USD rates, kept in the store (tests change them mid-scenario). */
type SimRates = { usd: Record<string, string> };

/** Decimal places of a cross rate (Stripe's rates carry about six). */
const CROSS_PLACES = 6n;

export type SimSettlement = {
  /** Lowercase, as Stripe's objects carry it. */
  currency: string;
  amount: number;
  /** Null when no conversion happened. */
  rate: string | null;
};

export type SimFx = {
  /** The settlement currencies, uppercase; the first is the default. */
  settlementCurrencies(): string[];
  /** How `amount` of `currency` lands in the balance now. */
  settle(amount: number, currency: string): Promise<SimSettlement>;
  /** `amount` of `currency` converted at a given rate into `to` (refunds of a converted charge). */
  convert(amount: number, currency: string, rate: string, to: string): number;
  /** The rate from `from` to `to` now, a decimal string. */
  rate(from: string, to: string): Promise<string>;
  /** Sets one unit of `currency` in USD (tests). */
  setUsdRate(currency: string, rate: string): Promise<void>;
};

export function createSimFx(config: BillingConfig, store: SimStore): SimFx {
  const settlement = config.settlement.currencies.map((c) => c.toUpperCase());

  async function usdRates(): Promise<Record<string, string>> {
    const stored = await store.get<SimRates>(KIND.fault, RATES_ID);
    return { ...config.simulator.exchangeRates, ...(stored?.usd ?? {}) };
  }

  async function rate(from: string, to: string): Promise<string> {
    const rates = await usdRates();
    const a = parseRate(rates[from.toUpperCase()] ?? "");
    const b = parseRate(rates[to.toUpperCase()] ?? "");
    if (!a || !b) throw new Error(`The simulated Stripe has no rate for ${from}→${to}.`);
    // (a.num/a.den) / (b.num/b.den), to CROSS_PLACES decimals, half up.
    const scale = 10n ** CROSS_PLACES;
    const num = a.num * b.den * scale;
    const den = a.den * b.num;
    const scaled = (2n * num + den) / (2n * den);
    const whole = scaled / scale;
    const fraction = (scaled % scale).toString().padStart(Number(CROSS_PLACES), "0");
    const text = `${whole}.${fraction}`.replace(/\.?0+$/, "");
    return text === "0" ? `0.${"0".repeat(Number(CROSS_PLACES) - 1)}1` : text;
  }

  function convert(amount: number, currency: string, r: string, to: string): number {
    const converted = convertAtRate(
      { amount, currency: currency.toUpperCase() as CurrencyCode },
      r,
      to.toUpperCase() as CurrencyCode,
    );
    if (!converted.ok) throw new Error(converted.error.message);
    return converted.value.amount;
  }

  return {
    settlementCurrencies: () => [...settlement],
    async settle(amount, currency) {
      const upper = currency.toUpperCase();
      if (settlement.includes(upper))
        return { currency: currency.toLowerCase(), amount, rate: null };
      const to = settlement[0]!;
      const r = await rate(upper, to);
      return { currency: to.toLowerCase(), amount: convert(amount, upper, r, to), rate: r };
    },
    convert,
    rate,
    async setUsdRate(currency, r) {
      if (!parseRate(r)) throw new Error(`not a positive rate: ${r}`);
      const current = (await store.get<SimRates>(KIND.fault, RATES_ID)) ?? { usd: {} };
      await store.put<SimRates>(KIND.fault, RATES_ID, {
        usd: { ...current.usd, [currency.toUpperCase()]: r },
      });
    },
  };
}
