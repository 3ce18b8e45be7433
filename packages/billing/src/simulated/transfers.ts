import { type PaymentPort, ProviderUnavailableError } from "../ports";
import type { TransferObject, TransferReversalObject } from "../wire/stripe";
import { simStripeId, unixSeconds } from "./ids";
import type { SimIdempotent } from "./idempotency";
import { SIM_KIND as KIND } from "./kinds";
import type { SimAccountRecord, SimChargeRecord, SimTransferFaults } from "./records";
import { missing, refused } from "./refusals";
import { recordSimBalanceTransaction, toTransferInfo } from "./reports";
import type { SimStore } from "./store";

const FAULT_ID = "transfer";
/** Stripe's message for a destination without the capability (stripe-connect.md §5.7). */
const NO_CAPABILITY_MESSAGE =
  "Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments";

/** The transfer half of the simulated Connect: the API calls and the tests' controls. */
export type SimTransfers = Pick<PaymentPort, "createTransfer" | "createTransferReversal"> & {
  getTransfer(transferId: string): Promise<TransferObject | null>;
  setTransferFaults(faults: SimTransferFaults | null): Promise<void>;
};

/**
 * Simulated transfers under Stripe's documented rules for separate charges and transfers
 * (an active `transfers` capability; a known `source_transaction` whose balance
 * transaction is in the transfer's currency, never transferring more than it brought in), and reversals limited by the connected
 * account's balance.
 */
export function createSimulatedTransfers(deps: {
  store: SimStore;
  now: () => Date;
  idempotent: SimIdempotent;
}): SimTransfers {
  const { store, now, idempotent } = deps;

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
            // A transfer is in a currency the balance holds: the one the charge settled in.
            const settled = cur.settlement ?? {
              currency: cur.charge.currency,
              amount: cur.charge.amount,
            };
            if (settled.currency !== currency) {
              throw refused(
                "parameter_invalid",
                `The currency of source_transaction's balance transaction (${settled.currency}) must be the same as the transfer currency (${currency}).`,
              );
            }
            const transferred = (cur.transferred ?? 0) + amount;
            if (transferred > settled.amount) {
              throw refused(
                "amount_too_large",
                `Transfers funded by ${cur.charge.id} would total ${transferred}, more than the charge's ${settled.amount}.`,
              );
            }
            return { ...cur, transferred };
          },
        );
        if (!charged) throw missing("source_transaction", input.sourceChargeId);
        await moveConnectedBalance(input.destinationAccountId, currency, amount);
        const at = now();
        const created: TransferObject = {
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
      const current = await store.get<TransferObject>(KIND.transfer, transfer.id);
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
        const reserved = await store.update<TransferObject>(
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
          await store.update<TransferObject>(KIND.transfer, input.transferId, (t) => {
            const reversed = t.amount_reversed - amount;
            return { ...t, amount_reversed: reversed, reversed: reversed === t.amount };
          });
          throw error;
        }
        const at = now();
        const created: TransferReversalObject = {
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

    getTransfer: (transferId) => store.get<TransferObject>(KIND.transfer, transferId),

    async setTransferFaults(faults) {
      await store.put<SimTransferFaults>(
        KIND.fault,
        FAULT_ID,
        faults ?? { mode: "unavailable", count: 0 },
      );
    },
  };
}
