import { ProviderRejectedError } from "../ports";
import type { DisputeBalanceTransactionObject, DisputeObject } from "../wire/stripe";
import { simStripeId, unixSeconds } from "./ids";
import { SIM_KIND as KIND } from "./kinds";
import type { SimChargeRecord } from "./records";
import { missing } from "./refusals";
import { recordSimBalanceTransaction } from "./reports";
import type { SimStore } from "./store";
import { SIM_DISPUTE_FEE, stripeEvent } from "./stripe-events";

/** The card network's side of the simulated Stripe: disputes of a charge. */
export type SimDisputes = {
  /** Disputes of one charge, oldest first. */
  listDisputes(chargeId: string): Promise<DisputeObject[]>;
  /** The cardholder disputes the charge: `charge.dispute.created`, 15.00 fee withdrawn. */
  openDispute(chargeId: string): Promise<DisputeObject>;
  /**
   * The card network decides: `charge.dispute.closed`. Won reinstates the disputed amount
   * (one more balance transaction) while the 15.00 dispute fee stays charged, as Stripe
   * does today and as our ledger books it; lost keeps both withdrawn.
   */
  closeDispute(disputeId: string, outcome: "won" | "lost"): Promise<DisputeObject>;
};

/**
 * Simulated disputes: opening one withdraws the disputed amount and the dispute fee from
 * the platform balance; winning it reinstates the amount.
 */
export function createSimulatedDisputes(deps: {
  store: SimStore;
  now: () => Date;
  deliver: (event: unknown) => Promise<void>;
}): SimDisputes {
  const { store, now, deliver } = deps;

  async function disputesOf(chargeId: string): Promise<DisputeObject[]> {
    const all = await store.list<DisputeObject>(KIND.dispute);
    return all.filter((d) => d.charge === chargeId);
  }

  return {
    listDisputes: disputesOf,

    async openDispute(chargeId) {
      const found = await store.get<SimChargeRecord>(KIND.charge, chargeId);
      if (!found) throw missing("charge", chargeId);
      const at = now();
      const disputeId = simStripeId("dp");
      const seen = { amount: 0 };
      const updated = await store.update<SimChargeRecord>(KIND.charge, chargeId, (cur) => {
        if (cur.charge.disputed) {
          throw new ProviderRejectedError(`Charge ${chargeId} is already disputed.`, {
            code: "charge_disputed",
          });
        }
        seen.amount = cur.charge.amount - cur.charge.amount_refunded;
        if (seen.amount <= 0) {
          throw new ProviderRejectedError(
            `Charge ${chargeId} is fully refunded; there is nothing to dispute.`,
            { code: "charge_already_refunded" },
          );
        }
        return { ...cur, charge: { ...cur.charge, disputed: true } };
      });
      if (!updated) throw missing("charge", chargeId);
      const { amount } = seen;
      const currency = updated.charge.currency;
      const withdrawal: DisputeBalanceTransactionObject = {
        id: simStripeId("txn"),
        object: "balance_transaction",
        amount: -amount,
        created: unixSeconds(at),
        currency,
        description: `Chargeback withdrawal for ${chargeId}`,
        fee: SIM_DISPUTE_FEE,
        fee_details: [
          { amount: SIM_DISPUTE_FEE, currency, description: "Dispute fee", type: "stripe_fee" },
        ],
        net: -amount - SIM_DISPUTE_FEE,
        reporting_category: "dispute",
        status: "available",
        type: "adjustment",
      };
      const dispute: DisputeObject = {
        id: disputeId,
        object: "dispute",
        amount,
        balance_transactions: [withdrawal],
        charge: chargeId,
        created: unixSeconds(at),
        currency,
        evidence_details: {
          due_by: unixSeconds(at) + 7 * 24 * 3600,
          has_evidence: false,
          past_due: false,
          submission_count: 0,
        },
        is_charge_refundable: false,
        livemode: false,
        metadata: {},
        payment_intent: updated.charge.payment_intent,
        reason: "fraudulent",
        status: "needs_response",
      };
      await store.put(KIND.dispute, disputeId, dispute);
      await recordSimBalanceTransaction(store, {
        id: withdrawal.id,
        type: "adjustment",
        amount: withdrawal.amount,
        fee: withdrawal.fee,
        net: withdrawal.net,
        currency,
        source: disputeId,
        created: withdrawal.created,
      });
      await deliver(stripeEvent("charge.dispute.created", dispute, { now: at }));
      return dispute;
    },

    async closeDispute(disputeId, outcome) {
      const at = now();
      const seen: { status: DisputeObject["status"] } = { status: "needs_response" };
      const dispute = await store.update<DisputeObject>(KIND.dispute, disputeId, (cur) => {
        if (cur.status === "won" || cur.status === "lost") {
          throw new ProviderRejectedError(
            `Dispute ${disputeId} is already closed (${cur.status}).`,
            {
              code: "dispute_already_closed",
            },
          );
        }
        seen.status = cur.status;
        const reinstatement: DisputeBalanceTransactionObject[] =
          outcome === "won"
            ? [
                {
                  id: simStripeId("txn"),
                  object: "balance_transaction",
                  amount: cur.amount,
                  created: unixSeconds(at),
                  currency: cur.currency,
                  description: `Chargeback reversal for ${cur.charge}`,
                  fee: 0,
                  fee_details: [],
                  net: cur.amount,
                  reporting_category: "dispute_reversal",
                  status: "available",
                  type: "adjustment",
                },
              ]
            : [];
        return {
          ...cur,
          status: outcome,
          is_charge_refundable: false,
          balance_transactions: [...cur.balance_transactions, ...reinstatement],
        };
      });
      if (!dispute) throw missing("dispute", disputeId);
      const reinstated = dispute.balance_transactions.find(
        (t) => t.reporting_category === "dispute_reversal",
      );
      if (outcome === "won" && reinstated) {
        await recordSimBalanceTransaction(store, {
          id: reinstated.id,
          type: "adjustment",
          amount: reinstated.amount,
          fee: reinstated.fee,
          net: reinstated.net,
          currency: reinstated.currency,
          source: disputeId,
          created: reinstated.created,
        });
      }
      await deliver(
        stripeEvent("charge.dispute.closed", dispute, {
          now: at,
          previousAttributes: { status: seen.status },
        }),
      );
      return dispute;
    },
  };
}
