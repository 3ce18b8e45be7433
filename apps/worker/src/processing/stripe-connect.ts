import { type ConnectAccount, isProviderError, stripeWire } from "@an/billing";
import { type Executor, requeueCapabilityFailedItems, savePayoutAccountState } from "@an/db";
import type { WorkerDeps } from "../tasks/types";
import { ignored, type Outcome, processed, type ProcessingContext } from "./outcome";
import type { StripePlan } from "./stripe";

/**
 * Reads a stored Connect event and picks its handler. For account and capability changes
 * the account is fetched from the provider here, before the transaction: events arrive in
 * any order, so the state saved is always the provider's current one, never the event's.
 * A provider that is unreachable throws (the job retries); one that refuses to show the
 * account (deleted, not ours) is recorded as ignored.
 */
export async function planStripeConnectEvent(body: unknown, deps: WorkerDeps): Promise<StripePlan> {
  const parsed = stripeWire.connectEvent.safeParse(body);
  if (!parsed.success) return { ok: false, reason: "not a Stripe Connect event" };
  const event = parsed.data;
  const { id: eventId, type } = event;
  const plan = (handler: (tx: Executor, ctx: ProcessingContext) => Promise<Outcome>) =>
    ({ ok: true, type, eventId, handler }) as const;

  if (type === "account.updated" || type === "capability.updated") {
    const object = event.data.object;
    const accountId =
      event.account ?? (type === "account.updated" ? object.id : object.account) ?? null;
    if (!accountId) return { ok: false, reason: `${type} names no connected account` };
    let account: ConnectAccount;
    try {
      account = await deps.payments.retrieveAccount(accountId);
    } catch (error) {
      if (!isProviderError(error, "rejected")) throw error;
      return plan(() =>
        Promise.resolve(ignored(`${type}: account ${accountId} unreadable: ${error.message}`)),
      );
    }
    return plan((tx, ctx) => accountChanged(tx, ctx, { type, account }));
  }
  if (type.startsWith("payout.")) {
    return plan(() =>
      Promise.resolve(
        ignored(
          `${type}: payouts from connected balances to banks are the advisor's, not acted on`,
          null,
          { account: event.account ?? null },
        ),
      ),
    );
  }
  return plan(() => Promise.resolve(ignored(`${type} is not acted on`)));
}

/**
 * Saves the account's fresh state; when it can receive transfers, items that failed for
 * want of the capability go back to the queue (none: nothing to do).
 */
async function accountChanged(
  tx: Executor,
  ctx: ProcessingContext,
  input: { type: string; account: ConnectAccount },
): Promise<Outcome> {
  const { account } = input;
  const saved = await savePayoutAccountState(tx, { account, now: ctx.now });
  if (!saved) {
    return ignored(`${input.type}: connected account ${account.id} belongs to no advisor here`);
  }
  const requeued =
    account.transfersCapability === "active"
      ? await requeueCapabilityFailedItems(tx, { advisorId: saved.advisorId, now: ctx.now })
      : 0;
  const was = saved.previousTransfersCapability ?? "none";
  const now = account.transfersCapability ?? "none";
  return processed(
    `${input.type}: ${account.id} transfers ${was === now ? now : `${was} → ${now}`}` +
      (account.currentlyDue.length > 0 ? `, due: ${account.currentlyDue.join(", ")}` : "") +
      (requeued > 0 ? `; ${requeued} payout item(s) requeued` : ""),
    null,
    {
      advisorId: saved.advisorId,
      accountId: account.id,
      transfersCapability: account.transfersCapability,
      payoutsEnabled: account.payoutsEnabled,
      currentlyDue: account.currentlyDue,
      requeued,
    },
  );
}
