import { and, eq, inArray, ne, sql } from "drizzle-orm";
import {
  isLiveSubscriptionStatus,
  LIVE_SUBSCRIPTION_STATUSES,
  type SubscriptionStatus,
} from "@an/domain";
import type { Db, Executor } from "../client";
import { billingCustomers, subscriptions, users } from "../schema";
import {
  type AllowlistedPrice,
  findAllowlistedPrices,
  findBillingCustomerByStripeId,
  findSubscriptionInvoices,
  lockCustomerSubscriptions,
  type SubscriptionRow,
} from "../queries/subscriptions";
import { storeInvoice } from "./billing-ledger";
import { subscriptionEffects } from "./billing-notices";
import { type BillingSyncCtx as Ctx, iso } from "./billing-sync-context";
import type {
  BillingSyncPorts,
  SyncedProviderInvoice,
  SyncedProviderSubscription,
} from "./billing-sync-port";

/** A field our stored row had that Stripe's state overrode (what the nightly report shows). */
export type BillingDifference = {
  field: string;
  ours: string | number | boolean | null;
  stripe: string | number | boolean | null;
  subscriptionId: string;
};

export type BillingSyncResult = {
  userId: string | null;
  changed: boolean;
  differences: BillingDifference[];
};

/** Our columns for a provider subscription, as the sync stores them. */
type SubscriptionColumns = Omit<
  typeof subscriptions.$inferInsert,
  "id" | "createdAt" | "updatedAt"
> & { status: SubscriptionStatus; duplicate: boolean };

/** The fields whose change the nightly report lists, and how they print. */
const COMPARED: {
  field: keyof SubscriptionColumns;
  show: (v: unknown) => string | number | boolean | null;
}[] = [
  { field: "status", show: (v) => (v as string) ?? null },
  { field: "stripePriceId", show: (v) => (v as string) ?? null },
  { field: "amount", show: (v) => (v as number) ?? null },
  { field: "currentPeriodEnd", show: (v) => iso(v as Date | null) },
  { field: "cancelAtPeriodEnd", show: (v) => v as boolean },
  { field: "cancelAt", show: (v) => iso(v as Date | null) },
  { field: "endedAt", show: (v) => iso(v as Date | null) },
  { field: "trialEnd", show: (v) => iso(v as Date | null) },
  { field: "pastDueSince", show: (v) => iso(v as Date | null) },
  { field: "duplicate", show: (v) => v as boolean },
  { field: "pendingStripePriceId", show: (v) => (v as string) ?? null },
];

/**
 * Re-reads one Stripe customer's subscriptions and invoices and stores them, in one
 * transaction holding a per-customer advisory lock around the provider reads and the
 * writes: syncs of one customer run one at a time across processes, so the last writer
 * always wrote the freshest read, and any order of webhook deliveries ends in Stripe's
 * state. What changed is written to the timeline, to the ledger (paid invoices, fees,
 * refunds and credit notes), and told to the user (notices deduplicated on provider
 * facts). A customer we don't know (no billing row, no `user_id` in any subscription's
 * metadata) changes nothing. Provider failures propagate (the caller retries).
 */
export async function syncBillingCustomer(
  db: Db,
  ports: BillingSyncPorts,
  input: { stripeCustomerId: string; source: string; now: Date },
): Promise<BillingSyncResult> {
  const { stripeCustomerId, source, now } = input;
  return db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(hashtext(${`billing-customer:${stripeCustomerId}`}))`,
    );
    const customer = await findBillingCustomerByStripeId(tx, { stripeCustomerId });
    const provided = await ports.subscriptions.listCustomerSubscriptions(stripeCustomerId);
    let userId = customer?.userId ?? null;
    if (!userId) {
      const claimed = provided.find((s) => s.userId)?.userId ?? null;
      if (claimed) {
        const [user] = await tx.select({ id: users.id }).from(users).where(eq(users.id, claimed));
        userId = user?.id ?? null;
      }
    }
    if (!userId) return { userId: null, changed: false, differences: [] };
    if (!customer) {
      // A customer made outside our checkout (or before our write landed): adopt it when
      // the user has none yet; a user's own row is never overwritten.
      await tx
        .insert(billingCustomers)
        .values({ userId, stripeCustomerId })
        .onConflictDoNothing({ target: billingCustomers.userId });
      await tx
        .update(billingCustomers)
        .set({ stripeCustomerId, updatedAt: now })
        .where(
          sql`${billingCustomers.userId} = ${userId} and ${billingCustomers.stripeCustomerId} is null`,
        );
    }
    const invoices = await ports.subscriptions.listCustomerInvoices(stripeCustomerId);
    const [user] = await tx
      .select({ locale: users.locale })
      .from(users)
      .where(eq(users.id, userId));
    const ctx: Ctx = {
      tx,
      userId,
      locale: user?.locale ?? "en",
      stripeCustomerId,
      source,
      now,
      changed: false,
    };

    const prices = await findAllowlistedPrices(tx, [
      ...provided.map((s) => s.priceId),
      ...provided.flatMap((s) => (s.pending ? [s.pending.priceId] : [])),
    ]);
    const existing = await lockCustomerSubscriptions(tx, {
      stripeCustomerId,
      stripeSubscriptionIds: provided.map((s) => s.id),
    });
    const stored = new Map(existing.map((r) => [r.stripeSubscriptionId, r]));
    const storedInvoices = new Map(
      (await findSubscriptionInvoices(tx, { stripeInvoiceIds: invoices.map((i) => i.id) })).map(
        (r) => [r.stripeInvoiceId, r],
      ),
    );

    // The oldest live subscription counts; any other live one is a duplicate (two
    // checkouts that both completed, a subscription made in the dashboard). A live row of
    // the user under another customer keeps its place too.
    const otherLive = await tx
      .select({ id: subscriptions.id })
      .from(subscriptions)
      .where(
        and(
          eq(subscriptions.userId, userId),
          ne(subscriptions.stripeCustomerId, stripeCustomerId),
          eq(subscriptions.duplicate, false),
          inArray(subscriptions.status, [...LIVE_SUBSCRIPTION_STATUSES]),
        ),
      );
    const live = provided
      .filter((s) => isLiveSubscriptionStatus(s.status))
      .sort((a, b) => a.created.getTime() - b.created.getTime() || a.id.localeCompare(b.id));
    const winner = otherLive.length > 0 ? null : (live[0]?.id ?? null);

    const planned = provided.map((s) => {
      const columns = columnsFor(s, {
        userId,
        price: prices.get(s.priceId) ?? null,
        invoices,
        duplicate: isLiveSubscriptionStatus(s.status) && s.id !== winner,
        now,
      });
      return { provider: s, columns, before: stored.get(s.id) ?? null };
    });
    // Rows leaving the live state first, then the rest: the "one live subscription per
    // user" index never sees two at once mid-sync.
    const takesLiveSlot = (c: SubscriptionColumns) =>
      isLiveSubscriptionStatus(c.status) && !c.duplicate;
    planned.sort((a, b) => Number(takesLiveSlot(a.columns)) - Number(takesLiveSlot(b.columns)));

    const differences: BillingDifference[] = [];
    const rows = new Map<string, SubscriptionRow>();
    for (const p of planned) {
      const { row, diffs } = await storeSubscription(ctx, p.before, p.columns);
      rows.set(p.provider.id, row);
      differences.push(...diffs);
      await subscriptionEffects(ctx, {
        before: p.before,
        row,
        provider: p.provider,
        price: prices.get(p.provider.priceId) ?? null,
      });
    }

    for (const invoice of invoices) {
      await storeInvoice(ctx, ports, {
        invoice,
        before: storedInvoices.get(invoice.id) ?? null,
        subscriptionBefore: invoice.subscriptionId
          ? (stored.get(invoice.subscriptionId) ?? null)
          : null,
        subscription: invoice.subscriptionId ? (rows.get(invoice.subscriptionId) ?? null) : null,
        prices,
      });
    }

    await tx
      .update(billingCustomers)
      .set({ syncedAt: now, lastSyncError: null, updatedAt: now })
      .where(eq(billingCustomers.userId, userId));
    return { userId, changed: ctx.changed, differences };
  });
}

/** Records why a customer's sync failed (its transaction rolled back), for the admin view. */
export async function recordBillingSyncError(
  db: Executor,
  input: { stripeCustomerId: string; error: string; now: Date },
): Promise<void> {
  await db
    .update(billingCustomers)
    .set({ lastSyncError: input.error.slice(0, 2000), updatedAt: input.now })
    .where(eq(billingCustomers.stripeCustomerId, input.stripeCustomerId));
}

function columnsFor(
  s: SyncedProviderSubscription,
  p: {
    userId: string;
    price: AllowlistedPrice | null;
    invoices: readonly SyncedProviderInvoice[];
    duplicate: boolean;
    now: Date;
  },
): SubscriptionColumns {
  const own = p.invoices.filter((i) => i.subscriptionId === s.id);
  const latest =
    own.find((i) => i.id === s.latestInvoiceId) ??
    [...own].sort((a, b) => b.created.getTime() - a.created.getTime())[0] ??
    null;
  // From the provider's invoices, not from when we heard of it: the grace period is the
  // same whatever order the events came in.
  const oldestOpen = own
    .filter((i) => i.status === "open")
    .sort((a, b) => a.created.getTime() - b.created.getTime())[0];
  const pastDue = s.status === "past_due" || s.status === "unpaid";
  const open = latest?.status === "open";
  return {
    userId: p.userId,
    stripeSubscriptionId: s.id,
    stripeCustomerId: s.customerId,
    stripePriceId: s.priceId,
    planId: p.price?.planId ?? null,
    planPriceId: p.price?.planPriceId ?? null,
    status: s.status,
    currency: s.currency.toUpperCase(),
    interval: s.interval === "month" || s.interval === "year" ? s.interval : null,
    amount: s.amount,
    currentPeriodStart: s.currentPeriodStart,
    currentPeriodEnd: s.currentPeriodEnd,
    cancelAtPeriodEnd: s.cancelAtPeriodEnd,
    cancelAt: s.cancelAt,
    canceledAt: s.canceledAt,
    endedAt: s.endedAt,
    trialEnd: s.trialEnd,
    pastDueSince: pastDue ? (oldestOpen?.created ?? null) : null,
    pendingStripePriceId: s.pending?.priceId ?? null,
    pendingChangeAt: s.pending?.at ?? null,
    cardBrand: s.card?.brand ?? null,
    cardLast4: s.card?.last4 ?? null,
    latestInvoiceId: latest?.id ?? s.latestInvoiceId,
    hostedInvoiceUrl: open ? latest.hostedInvoiceUrl : null,
    actionRequired: open && latest.paymentIntentStatus === "requires_action",
    duplicate: p.duplicate,
    startedAt: s.startDate ?? s.created,
    syncedAt: p.now,
  };
}

async function storeSubscription(
  ctx: Ctx,
  before: SubscriptionRow | null,
  columns: SubscriptionColumns,
): Promise<{ row: SubscriptionRow; diffs: BillingDifference[] }> {
  const diffs: BillingDifference[] = [];
  if (!before) {
    const [row] = await ctx.tx
      .insert(subscriptions)
      .values({ ...columns, updatedAt: ctx.now })
      .returning();
    ctx.changed = true;
    diffs.push({
      field: "subscription",
      ours: null,
      stripe: columns.status,
      subscriptionId: columns.stripeSubscriptionId,
    });
    return { row: row!, diffs };
  }
  for (const c of COMPARED) {
    const ours = c.show(before[c.field as keyof SubscriptionRow]);
    const stripe = c.show(columns[c.field]);
    if (ours !== stripe) {
      diffs.push({ field: c.field, ours, stripe, subscriptionId: columns.stripeSubscriptionId });
    }
  }
  const [row] = await ctx.tx
    .update(subscriptions)
    .set({ ...columns, updatedAt: diffs.length > 0 ? ctx.now : before.updatedAt })
    .where(eq(subscriptions.id, before.id))
    .returning();
  if (diffs.length > 0) ctx.changed = true;
  return { row: row!, diffs };
}
