import { planConnectAccount } from "@an/domain";
import type { BillingConfig } from "../config";
import type { AccountLink, ConnectAccount, PaymentPort } from "../ports";
import type { AccountObject, PayoutObject } from "../wire/stripe";
import { simStripeId, unixSeconds } from "./ids";
import type { SimIdempotent } from "./idempotency";
import { SIM_KIND as KIND } from "./kinds";
import type { SimAccountLinkRecord, SimAccountLinkState, SimAccountRecord } from "./records";
import { missing, refused } from "./refusals";
import type { SimDelivery, SimStore } from "./store";
import { stripeEvent } from "./stripe-events";

/** Stripe's link lifetime in its own example (`expires_at - created`). */
const LINK_TTL_MS = 300_000;
/** What a new Express account still needs, as Stripe lists it for a US individual. */
export const SIM_INITIAL_REQUIREMENTS = [
  "business_profile.url",
  "external_account",
  "individual.dob.day",
  "tos_acceptance.date",
];

const CURRENCY_OF_COUNTRY: Record<string, string> = {
  AT: "eur", BE: "eur", DE: "eur", ES: "eur", FI: "eur", FR: "eur", IE: "eur", IT: "eur",
  NL: "eur", PT: "eur", GB: "gbp", CA: "cad", AU: "aud", CH: "chf", JP: "jpy",
}; // prettier-ignore

function toConnectAccount(account: AccountObject): ConnectAccount {
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

/** What the simulator's pages and tests do with accounts beyond the API. */
export type SimConnectAccountControls = {
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
};

/** The account half of the simulated Connect: the API calls and the controls above. */
export type SimAccounts = Pick<
  PaymentPort,
  "createExpressAccount" | "createAccountLink" | "retrieveAccount"
> &
  SimConnectAccountControls;

/**
 * Simulated Express accounts and their onboarding links. Account changes are sent as
 * Connect events (`event.account`) to the Connect endpoint.
 */
export function createSimulatedAccounts(deps: {
  config: BillingConfig;
  store: SimStore;
  now: () => Date;
  idempotent: SimIdempotent;
  deliver: SimDelivery;
}): SimAccounts {
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
    change: (account: AccountObject) => AccountObject,
  ): Promise<SimAccountRecord> {
    const before: { account: AccountObject | null } = { account: null };
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

  /**
   * Stripe's region rule as our model has it: an account outside the platform's region
   * needs the recipient agreement, and one outside the cross-border regions can't be paid
   * at all. The app asks the domain first, so reaching this is a bug worth a loud refusal.
   */
  function checkRegion(country: string, agreement: "full" | "recipient"): void {
    const plan = planConnectAccount({
      platformCountry: config.connect.country,
      advisorCountry: country,
    });
    if (!plan.ok) {
      throw refused(
        "country_unsupported",
        `Connected accounts in ${country} can't receive transfers from a platform in ${config.connect.country}.`,
      );
    }
    if (plan.value.serviceAgreement === "recipient" && agreement !== "recipient") {
      throw refused(
        "parameter_invalid_cross_border",
        `A connected account in ${country} needs tos_acceptance[service_agreement]=recipient to receive cross-border transfers from ${config.connect.country}.`,
      );
    }
  }

  return {
    async createExpressAccount(input) {
      checkRegion(input.country, input.serviceAgreement);
      const params = {
        advisorId: input.advisorId,
        email: input.email,
        country: input.country,
        serviceAgreement: input.serviceAgreement,
      };
      const accountId = await idempotent(
        input.idempotencyKey,
        "accounts.create",
        params,
        async () => {
          const id = simStripeId("acct");
          const account: AccountObject = {
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
            tos_acceptance: { service_agreement: input.serviceAgreement },
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
          stripeEvent<PayoutObject>(
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
  };
}
