import type { BillingConfig } from "../config";
import {
  type AccountLink,
  type BalanceTransactionInfo,
  type ConnectAccount,
  type PaymentPort,
  ProviderRejectedError,
  ProviderUnavailableError,
  type RefundInfo,
  type TransferInfo,
} from "../ports";
import {
  type SimAccountObject,
  type SimPlatformBalanceTransaction,
  type SimRefundObject,
  type SimTransferObject,
  type SimTransferReversalObject,
  simStripeId,
  stripeEvent,
  unixSeconds,
} from "./events";
import type { SimIdempotent } from "./idempotency";
import { SIM_KIND as KIND } from "./kinds";
import type { SimChargeRecord } from "./payments";
import type { SimDelivery, SimStore } from "./store";

/** A connected account with what Stripe keeps beside it: its balance per currency. */
export type SimAccountRecord = {
  account: SimAccountObject;
  advisorId: string;
  /** Available balance, minor units, by lowercase currency. */
  balance: Record<string, number>;
};

/** A single-use onboarding link (Stripe's expire 300 s after creation). */
export type SimAccountLinkRecord = {
  id: string;
  accountId: string;
  refreshUrl: string;
  returnUrl: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
};

export type SimAccountLinkState = {
  link: SimAccountLinkRecord;
  account: SimAccountRecord;
  /** `valid` until submitted once or past `expiresAt`. */
  state: "valid" | "used" | "expired";
};

/** Injected failures of `createTransfer`, shared by every process through the store. */
export type SimTransferFaults = {
  /**
   * `balance_insufficient`: refused (400); `unavailable`: a 5xx before anything happens;
   * `timeout_after_send`: the transfer is made, then the answer is lost (a retry with the
   * same key must get the same transfer).
   */
  mode: "balance_insufficient" | "timeout_after_send" | "unavailable";
  /** How many of the next transfer requests fail this way. */
  count: number;
};

/** What the simulator's pages and tests do beyond the API: the advisor's and Stripe's side. */
export type SimConnectControls = {
  getAccount(accountId: string): Promise<SimAccountRecord | null>;
  getAccountLink(linkId: string): Promise<SimAccountLinkState | null>;
  /**
   * The advisor submits the onboarding form behind a link: `complete` activates the
   * account, `incomplete` leaves it pending with requirements still due. The link is used
   * up; returns where Stripe would send the advisor (`return_url`).
   */
  submitOnboarding(linkId: string, outcome: "complete" | "incomplete"): Promise<string>;
  /** Transfers active, payouts enabled, nothing due; sends `account.updated`. */
  completeOnboarding(accountId: string): Promise<SimAccountRecord>;
  /**
   * Stripe changes the `transfers` capability (e.g. disables an account for missing
   * information); sends `account.updated`. `currentlyDue` defaults to what is due now (or
   * nothing when active).
   */
  setAccountCapability(
    accountId: string,
    state: "active" | "inactive" | "pending",
    currentlyDue?: string[],
  ): Promise<SimAccountRecord>;
  /** The advisor's balance goes to their bank (`payout.paid`); later reversals can't be covered. */
  payOutConnectedBalance(accountId: string): Promise<SimAccountRecord>;
  getTransfer(transferId: string): Promise<SimTransferObject | null>;
  setTransferFaults(faults: SimTransferFaults | null): Promise<void>;
};

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

/** Stripe's link lifetime in its own example (`expires_at - created`). */
const LINK_TTL_MS = 300_000;
/** What a new Express account still needs, as Stripe lists it for a US individual. */
export const SIM_INITIAL_REQUIREMENTS = [
  "business_profile.url",
  "external_account",
  "individual.dob.day",
  "tos_acceptance.date",
];
const FAULT_ID = "transfer";
/** Stripe's message for a destination without the capability (stripe-connect.md §5.7). */
const NO_CAPABILITY_MESSAGE =
  "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments";

const CURRENCY_OF_COUNTRY: Record<string, string> = {
  AT: "eur", BE: "eur", DE: "eur", ES: "eur", FI: "eur", FR: "eur", IE: "eur", IT: "eur",
  NL: "eur", PT: "eur", GB: "gbp", CA: "cad", AU: "aud", CH: "chf", JP: "jpy",
}; // prettier-ignore

const missing = (what: string, id: string) =>
  new ProviderRejectedError(`No such ${what}: '${id}'`, { code: "resource_missing" });

const refused = (code: string, message: string) => new ProviderRejectedError(message, { code });

function toConnectAccount(account: SimAccountObject): ConnectAccount {
  return {
    id: account.id,
    transfersCapability: account.capabilities.transfers,
    payoutsEnabled: account.payouts_enabled,
    detailsSubmitted: account.details_submitted,
    currentlyDue: account.requirements.currently_due,
    eventuallyDue: account.requirements.eventually_due,
    pastDue: account.requirements.past_due,
    disabledReason: account.requirements.disabled_reason,
  };
}

function toTransferInfo(t: SimTransferObject): TransferInfo {
  return {
    id: t.id,
    amount: t.amount,
    currency: t.currency.toUpperCase(),
    destination: t.destination,
    sourceTransaction: t.source_transaction,
    transferGroup: t.transfer_group,
    amountReversed: t.amount_reversed,
    payoutItemId: t.metadata.payout_item_id ?? null,
    consultationId: t.metadata.consultation_id ?? null,
    created: new Date(t.created * 1000),
  };
}

function toRefundInfo(r: SimRefundObject): RefundInfo {
  return {
    id: r.id,
    amount: r.amount,
    currency: r.currency.toUpperCase(),
    status: r.status,
    paymentIntentId: r.payment_intent,
    chargeId: r.charge,
    refundId: r.metadata.refund_id ?? null,
    created: new Date(r.created * 1000),
  };
}

function toBalanceTransactionInfo(t: SimPlatformBalanceTransaction): BalanceTransactionInfo {
  return {
    id: t.id,
    type: t.type,
    amount: t.amount,
    fee: t.fee,
    net: t.net,
    currency: t.currency.toUpperCase(),
    source: t.source,
    created: new Date(t.created * 1000),
  };
}

/** Records `[from, to)` by `created`, in whole seconds as Stripe's `created` filter is. */
function inPeriod<T extends { created: number }>(items: T[], from: Date, to: Date): T[] {
  const gte = unixSeconds(from);
  const lt = unixSeconds(to);
  return items
    .filter((i) => i.created >= gte && i.created < lt)
    .sort((a, b) => a.created - b.created);
}

/** Books one movement of the simulated platform balance (reconciliation reads them). */
export async function recordSimBalanceTransaction(
  store: SimStore,
  txn: Omit<SimPlatformBalanceTransaction, "object" | "net"> & { net?: number },
): Promise<void> {
  await store.put<SimPlatformBalanceTransaction>(KIND.balanceTransaction, txn.id, {
    ...txn,
    object: "balance_transaction",
    net: txn.net ?? txn.amount - txn.fee,
  });
}

/**
 * Simulated Stripe Connect: Express accounts and their onboarding links, transfers under
 * Stripe's documented rules for separate charges and transfers (an active `transfers`
 * capability; a known `source_transaction` in the same currency, never transferring more
 * than the charge), reversals limited by the connected account's balance, and the
 * platform's balance transactions. Account changes are sent as Connect events
 * (`event.account`) to the Connect endpoint.
 */
export function createSimulatedConnect(deps: SimConnectDeps): SimConnectApi & SimConnectControls {
  const { store, now, idempotent, config } = deps;
  const deliverConnect = (event: unknown) => deps.deliver("stripe_connect", JSON.stringify(event));

  async function loadAccount(accountId: string): Promise<SimAccountRecord> {
    const record = await store.get<SimAccountRecord>(KIND.account, accountId);
    if (!record) throw missing("account", accountId);
    return record;
  }

  /** Changes an account under the store's lock and sends `account.updated` with what changed. */
  async function changeAccount(
    accountId: string,
    change: (account: SimAccountObject) => SimAccountObject,
  ): Promise<SimAccountRecord> {
    const before: { account: SimAccountObject | null } = { account: null };
    const record = await store.update<SimAccountRecord>(KIND.account, accountId, (current) => {
      before.account = current.account;
      return { ...current, account: change(current.account) };
    });
    if (!record || !before.account) throw missing("account", accountId);
    const previous: Record<string, unknown> = {};
    for (const key of [
      "capabilities",
      "payouts_enabled",
      "details_submitted",
      "requirements",
    ] as const) {
      if (JSON.stringify(before.account[key]) !== JSON.stringify(record.account[key])) {
        previous[key] = before.account[key];
      }
    }
    await deliverConnect(
      stripeEvent("account.updated", record.account, {
        now: now(),
        previousAttributes: previous,
        account: accountId,
      }),
    );
    return record;
  }

  function setCapability(
    accountId: string,
    state: "active" | "inactive" | "pending",
    currentlyDue?: string[],
  ): Promise<SimAccountRecord> {
    return changeAccount(accountId, (a) => {
      const due = currentlyDue ?? (state === "active" ? [] : a.requirements.currently_due);
      return {
        ...a,
        capabilities: { ...a.capabilities, transfers: state },
        details_submitted: state === "active" ? true : a.details_submitted || state === "pending",
        payouts_enabled: state === "active",
        requirements: {
          ...a.requirements,
          currently_due: due,
          eventually_due:
            state === "active" ? due : [...new Set([...a.requirements.eventually_due, ...due])],
          past_due: state === "inactive" ? due : [],
          pending_verification: [],
          disabled_reason:
            state === "active"
              ? null
              : due.length > 0
                ? "requirements.past_due"
                : "requirements.pending_verification",
        },
      };
    });
  }

  /** Takes one injected transfer fault, if any are left. */
  async function takeFault(): Promise<SimTransferFaults["mode"] | null> {
    const taken: { mode: SimTransferFaults["mode"] | null } = { mode: null };
    // Faults are rare: a plain read first spares every transfer a write.
    const current = await store.get<SimTransferFaults>(KIND.fault, FAULT_ID);
    if (!current || current.count <= 0) return null;
    await store.update<SimTransferFaults>(KIND.fault, FAULT_ID, (f) => {
      if (f.count <= 0) return f;
      taken.mode = f.mode;
      return { ...f, count: f.count - 1 };
    });
    return taken.mode;
  }

  /** Adds `delta` to a connected balance; refuses to take it below zero. */
  async function moveConnectedBalance(accountId: string, currency: string, delta: number) {
    const updated = await store.update<SimAccountRecord>(KIND.account, accountId, (cur) => {
      const next = (cur.balance[currency] ?? 0) + delta;
      if (next < 0) {
        throw refused(
          "balance_insufficient",
          `Insufficient funds in the connected account ${accountId} to reverse this transfer (available ${cur.balance[currency] ?? 0} ${currency}).`,
        );
      }
      return { ...cur, balance: { ...cur.balance, [currency]: next } };
    });
    if (!updated) throw missing("account", accountId);
  }

  return {
    async createExpressAccount(input) {
      const params = { advisorId: input.advisorId, email: input.email, country: input.country };
      const accountId = await idempotent(
        input.idempotencyKey,
        "accounts.create",
        params,
        async () => {
          const id = simStripeId("acct");
          const account: SimAccountObject = {
            id,
            object: "account",
            business_type: "individual",
            capabilities: { transfers: "inactive" },
            charges_enabled: false,
            controller: {
              fees: { payer: "application" },
              is_controller: true,
              losses: { payments: "application" },
              requirement_collection: "stripe",
              stripe_dashboard: { type: "express" },
              type: "application",
            },
            country: input.country,
            created: unixSeconds(now()),
            default_currency: CURRENCY_OF_COUNTRY[input.country] ?? "usd",
            details_submitted: false,
            email: input.email,
            metadata: { advisor_id: input.advisorId },
            payouts_enabled: false,
            requirements: {
              current_deadline: null,
              currently_due: [...SIM_INITIAL_REQUIREMENTS],
              disabled_reason: "requirements.past_due",
              errors: [],
              eventually_due: [...SIM_INITIAL_REQUIREMENTS],
              past_due: [],
              pending_verification: [],
            },
            type: "express",
          };
          await store.put<SimAccountRecord>(KIND.account, id, {
            account,
            advisorId: input.advisorId,
            balance: {},
          });
          return id;
        },
      );
      return toConnectAccount((await loadAccount(accountId)).account);
    },

    async createAccountLink({ accountId, refreshUrl, returnUrl }): Promise<AccountLink> {
      await loadAccount(accountId);
      const at = now();
      const id = simStripeId("link");
      const expiresAt = new Date(at.getTime() + LINK_TTL_MS);
      await store.put<SimAccountLinkRecord>(KIND.accountLink, id, {
        id,
        accountId,
        refreshUrl,
        returnUrl,
        createdAt: at.toISOString(),
        expiresAt: expiresAt.toISOString(),
        usedAt: null,
      });
      return { url: `${config.publicApiUrl}/sim/connect/onboarding/${id}`, expiresAt };
    },

    async retrieveAccount(accountId) {
      return toConnectAccount((await loadAccount(accountId)).account);
    },

    async createTransfer(input) {
      const fault = await takeFault();
      if (fault === "unavailable") {
        throw new ProviderUnavailableError("Simulated Stripe API error (injected fault).");
      }
      if (fault === "balance_insufficient") {
        throw refused(
          "balance_insufficient",
          "You have insufficient available funds in your Stripe account (injected fault).",
        );
      }
      const currency = input.amount.currency.toLowerCase();
      const params = {
        amount: input.amount.amount,
        currency,
        destination: input.destinationAccountId,
        sourceTransaction: input.sourceChargeId,
        transferGroup: input.transferGroup,
        payoutItemId: input.payoutItemId,
        consultationId: input.consultationId,
      };
      const key = `transfer:${input.payoutItemId}`;
      const transfer = await idempotent(key, "transfers.create", params, async () => {
        const amount = input.amount.amount;
        if (!Number.isInteger(amount) || amount <= 0) {
          throw refused("parameter_invalid_integer", "amount must be a positive integer");
        }
        const destination = await store.get<SimAccountRecord>(
          KIND.account,
          input.destinationAccountId,
        );
        if (!destination) throw missing("destination", input.destinationAccountId);
        if (destination.account.capabilities.transfers !== "active") {
          throw refused("insufficient_capabilities_for_transfer", NO_CAPABILITY_MESSAGE);
        }
        const charged = await store.update<SimChargeRecord>(
          KIND.charge,
          input.sourceChargeId,
          (cur) => {
            if (cur.charge.currency !== currency) {
              throw refused(
                "parameter_invalid",
                `The currency of source_transaction's balance transaction (${cur.charge.currency}) must be the same as the transfer currency (${currency}).`,
              );
            }
            const transferred = (cur.transferred ?? 0) + amount;
            if (transferred > cur.charge.amount) {
              throw refused(
                "amount_too_large",
                `Transfers funded by ${cur.charge.id} would total ${transferred}, more than the charge's ${cur.charge.amount}.`,
              );
            }
            return { ...cur, transferred };
          },
        );
        if (!charged) throw missing("source_transaction", input.sourceChargeId);
        await moveConnectedBalance(input.destinationAccountId, currency, amount);
        const at = now();
        const created: SimTransferObject = {
          id: simStripeId("tr"),
          object: "transfer",
          amount,
          amount_reversed: 0,
          balance_transaction: simStripeId("txn"),
          created: unixSeconds(at),
          currency,
          destination: input.destinationAccountId,
          livemode: false,
          metadata: { payout_item_id: input.payoutItemId, consultation_id: input.consultationId },
          reversed: false,
          source_transaction: input.sourceChargeId,
          transfer_group: input.transferGroup,
        };
        await store.put(KIND.transfer, created.id, created);
        await recordSimBalanceTransaction(store, {
          id: created.balance_transaction,
          type: "transfer",
          amount: -amount,
          fee: 0,
          currency,
          source: created.id,
          created: created.created,
        });
        return created;
      });
      if (fault === "timeout_after_send") {
        throw new ProviderUnavailableError(
          "Simulated Stripe request timed out; the request may have been processed.",
        );
      }
      const current = await store.get<SimTransferObject>(KIND.transfer, transfer.id);
      return toTransferInfo(current ?? transfer);
    },

    async createTransferReversal(input) {
      const currency = input.amount.currency.toLowerCase();
      const params = {
        transferId: input.transferId,
        amount: input.amount.amount,
        currency,
        consultationId: input.consultationId,
      };
      const key = `reversal:${input.reversalId}`;
      const reversal = await idempotent(key, "transfers.createReversal", params, async () => {
        const amount = input.amount.amount;
        if (!Number.isInteger(amount) || amount <= 0) {
          throw refused("parameter_invalid_integer", "amount must be a positive integer");
        }
        const reserved = await store.update<SimTransferObject>(
          KIND.transfer,
          input.transferId,
          (t) => {
            if (t.currency !== currency) {
              throw refused(
                "parameter_invalid",
                `The reversal's currency (${currency}) differs from the transfer's (${t.currency}).`,
              );
            }
            const left = t.amount - t.amount_reversed;
            if (amount > left) {
              throw refused(
                "amount_too_large",
                `Reversal amount (${amount}) is greater than the amount of transfer ${t.id} not yet reversed (${left}).`,
              );
            }
            const reversed = t.amount_reversed + amount;
            return { ...t, amount_reversed: reversed, reversed: reversed === t.amount };
          },
        );
        if (!reserved) throw missing("transfer", input.transferId);
        try {
          await moveConnectedBalance(reserved.destination, currency, -amount);
        } catch (error) {
          // The connected account can't cover it: the transfer is left as it was.
          await store.update<SimTransferObject>(KIND.transfer, input.transferId, (t) => {
            const reversed = t.amount_reversed - amount;
            return { ...t, amount_reversed: reversed, reversed: reversed === t.amount };
          });
          throw error;
        }
        const at = now();
        const created: SimTransferReversalObject = {
          id: simStripeId("trr"),
          object: "transfer_reversal",
          amount,
          balance_transaction: simStripeId("txn"),
          created: unixSeconds(at),
          currency,
          metadata: { reversal_id: input.reversalId, consultation_id: input.consultationId },
          transfer: input.transferId,
        };
        await store.put(KIND.transferReversal, created.id, created);
        await recordSimBalanceTransaction(store, {
          id: created.balance_transaction,
          type: "transfer_refund",
          amount,
          fee: 0,
          currency,
          source: created.id,
          created: created.created,
        });
        return created;
      });
      return {
        id: reversal.id,
        transferId: reversal.transfer,
        amount: reversal.amount,
        currency: reversal.currency.toUpperCase(),
      };
    },

    async listTransfers({ from, to }) {
      const all = await store.list<SimTransferObject>(KIND.transfer);
      return inPeriod(all, from, to).map(toTransferInfo);
    },

    async listRefunds({ from, to }) {
      const all = await store.list<SimRefundObject>(KIND.refund);
      return inPeriod(all, from, to).map(toRefundInfo);
    },

    async listBalanceTransactions({ from, to }) {
      const all = await store.list<SimPlatformBalanceTransaction>(KIND.balanceTransaction);
      return inPeriod(all, from, to).map(toBalanceTransactionInfo);
    },

    getAccount: (accountId) => store.get<SimAccountRecord>(KIND.account, accountId),

    async getAccountLink(linkId) {
      const link = await store.get<SimAccountLinkRecord>(KIND.accountLink, linkId);
      if (!link) return null;
      const account = await store.get<SimAccountRecord>(KIND.account, link.accountId);
      if (!account) return null;
      const state = link.usedAt
        ? "used"
        : now().getTime() >= new Date(link.expiresAt).getTime()
          ? "expired"
          : "valid";
      return { link, account, state };
    },

    async submitOnboarding(linkId, outcome) {
      const at = now();
      const used = await store.update<SimAccountLinkRecord>(KIND.accountLink, linkId, (link) => {
        if (link.usedAt) {
          throw refused("account_link_used", "This onboarding link has already been used.");
        }
        if (at.getTime() >= new Date(link.expiresAt).getTime()) {
          throw refused("account_link_expired", "This onboarding link has expired.");
        }
        return { ...link, usedAt: at.toISOString() };
      });
      if (!used) throw missing("account_link", linkId);
      await setCapability(used.accountId, outcome === "complete" ? "active" : "pending");
      return used.returnUrl;
    },

    completeOnboarding: (accountId) => setCapability(accountId, "active", []),

    setAccountCapability: setCapability,

    async payOutConnectedBalance(accountId) {
      const paid: { amounts: Record<string, number> } = { amounts: {} };
      const record = await store.update<SimAccountRecord>(KIND.account, accountId, (cur) => {
        paid.amounts = cur.balance;
        return { ...cur, balance: {} };
      });
      if (!record) throw missing("account", accountId);
      const at = now();
      for (const [currency, amount] of Object.entries(paid.amounts)) {
        if (amount <= 0) continue;
        await deliverConnect(
          stripeEvent(
            "payout.paid",
            {
              id: simStripeId("po"),
              object: "payout",
              amount,
              arrival_date: unixSeconds(at),
              created: unixSeconds(at),
              currency,
              method: "standard",
              status: "paid",
              type: "bank_account",
            },
            { now: at, account: accountId },
          ),
        );
      }
      return record;
    },

    getTransfer: (transferId) => store.get<SimTransferObject>(KIND.transfer, transferId),

    async setTransferFaults(faults) {
      await store.put<SimTransferFaults>(
        KIND.fault,
        FAULT_ID,
        faults ?? { mode: "unavailable", count: 0 },
      );
    },
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
