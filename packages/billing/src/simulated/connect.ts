import type { BillingConfig } from "../config";
import type { PaymentPort } from "../ports";
import { createSimulatedAccounts, type SimConnectAccountControls } from "./accounts";
import { unixSeconds } from "./ids";
import type { SimIdempotent } from "./idempotency";
import { SIM_KIND as KIND } from "./kinds";
import type { SimAccountRecord, SimChargeRecord } from "./records";
import { createSimReports, recordSimBalanceTransaction } from "./reports";
import type { SimDelivery, SimStore } from "./store";
import { createSimulatedTransfers, type SimTransfers } from "./transfers";

/** What the simulator's pages and tests do beyond the API: the advisor's and Stripe's side. */
export type SimConnectControls = SimConnectAccountControls &
  Pick<SimTransfers, "getTransfer" | "setTransferFaults">;

/** The Connect half of the port. */
export type SimConnectApi = Pick<
  PaymentPort,
  | "createExpressAccount"
  | "createAccountLink"
  | "retrieveAccount"
  | "createTransfer"
  | "createTransferReversal"
  | "listTransfers"
  | "listRefunds"
  | "listBalanceTransactions"
>;

export type SimConnectDeps = {
  config: BillingConfig;
  store: SimStore;
  now: () => Date;
  idempotent: SimIdempotent;
  deliver: SimDelivery;
};

/**
 * Simulated Stripe Connect: Express accounts and their onboarding links (`accounts.ts`),
 * transfers and reversals (`transfers.ts`), and the platform's balance transactions
 * (`reports.ts`). Account changes are sent as Connect events (`event.account`) to the
 * Connect endpoint.
 */
export function createSimulatedConnect(deps: SimConnectDeps): SimConnectApi & SimConnectControls {
  return {
    ...createSimulatedAccounts(deps),
    ...createSimulatedTransfers(deps),
    ...createSimReports(deps.store),
  };
}

/** What the simulated Stripe must know of a seeded, already-paid consultation. */
export type SimSeededEarning = {
  advisorId: string;
  accountId: string;
  chargeId: string;
  paymentIntentId: string;
  price: number;
  currency: string;
};

/**
 * The provider's side of bulk-seeded earnings (load tests, the payout race test): each
 * advisor's connected account, onboarded (transfers active), and each consultation's
 * succeeded charge with its balance transaction (no fee, as the seeded payments record).
 * Accounts already there are kept, so a second round of earnings can be added.
 */
export async function seedSimulatedConnect(
  store: SimStore,
  earnings: readonly SimSeededEarning[],
  options: { now?: Date; concurrency?: number } = {},
): Promise<void> {
  const created = unixSeconds(options.now ?? new Date());
  const concurrency = options.concurrency ?? 25;
  const seedOne = async (e: SimSeededEarning) => {
    const currency = e.currency.toLowerCase();
    await store.putIfAbsent<SimAccountRecord>(KIND.account, e.accountId, {
      advisorId: e.advisorId,
      balance: {},
      account: {
        id: e.accountId,
        object: "account",
        business_type: "individual",
        capabilities: { transfers: "active" },
        charges_enabled: false,
        controller: {
          fees: { payer: "application" },
          is_controller: true,
          losses: { payments: "application" },
          requirement_collection: "stripe",
          stripe_dashboard: { type: "express" },
          type: "application",
        },
        country: "US",
        created,
        default_currency: currency,
        details_submitted: true,
        email: null,
        metadata: { advisor_id: e.advisorId },
        payouts_enabled: true,
        requirements: {
          current_deadline: null,
          currently_due: [],
          disabled_reason: null,
          errors: [],
          eventually_due: [],
          past_due: [],
          pending_verification: [],
        },
        tos_acceptance: { service_agreement: "full" },
        type: "express",
      },
    });
    const balanceTransaction = `txn_seed_${e.chargeId}`;
    await store.put<SimChargeRecord>(KIND.charge, e.chargeId, {
      fee: 0,
      sessionId: "",
      charge: {
        id: e.chargeId,
        object: "charge",
        amount: e.price,
        amount_captured: e.price,
        amount_refunded: 0,
        balance_transaction: balanceTransaction,
        captured: true,
        created,
        currency,
        disputed: false,
        livemode: false,
        metadata: {},
        paid: true,
        payment_intent: e.paymentIntentId,
        refunded: false,
        refunds: {
          object: "list",
          data: [],
          has_more: false,
          total_count: 0,
          url: `/v1/charges/${e.chargeId}/refunds`,
        },
        status: "succeeded",
        transfer_group: null,
      },
    });
    await recordSimBalanceTransaction(store, {
      id: balanceTransaction,
      type: "charge",
      amount: e.price,
      fee: 0,
      currency,
      source: e.chargeId,
      created,
    });
  };
  for (let i = 0; i < earnings.length; i += concurrency) {
    await Promise.all(earnings.slice(i, i + concurrency).map(seedOne));
  }
}
