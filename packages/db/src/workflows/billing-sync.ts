import { and, eq, inArray, ne, sql } from "drizzle-orm";
import {
  type BillingNotice,
  isLiveSubscriptionStatus,
  LIVE_SUBSCRIPTION_STATUSES,
  ledger,
  planTextFor,
  type SubscriptionStatus,
  TRIAL_REMINDER_DAYS,
} from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import {
  billingCustomers,
  billingEvents,
  billingReconciliationRuns,
  subscriptionInvoices,
  subscriptions,
  users,
} from "../schema";
import { raiseIncident } from "../queries/incidents";
import { postJournalEntry } from "../queries/ledger";
import { orThrow, storedMoney } from "../queries/stored-money";
import {
  type AllowlistedPrice,
  findAllowlistedPrices,
  findBillingCustomerByStripeId,
  findSubscriptionInvoices,
  listBillingCustomerIds,
  lockCustomerSubscriptions,
  type SubscriptionInvoiceRow,
  type SubscriptionRow,
} from "../queries/subscriptions";

/*
 * Structural copies of the provider's types (`ProviderSubscription`, `ProviderInvoice`,
 * `ChargeInfo` of @an/billing, which this package doesn't depend on): the real ports and
 * the simulator fit them as they are.
 */
export type SyncedProviderSubscription = {
  id: string;
  customerId: string;
  status: SubscriptionStatus;
  priceId: string;
  amount: number;
  currency: string;
  interval: "day" | "week" | "month" | "year" | null;
  currentPeriodStart: Date | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  cancelAt: Date | null;
  canceledAt: Date | null;
  endedAt: Date | null;
  trialEnd: Date | null;
  startDate: Date | null;
  created: Date;
  pending: { priceId: string; at: Date } | null;
  card: { brand: string; last4: string } | null;
  latestInvoiceId: string | null;
  userId: string | null;
};

export type SyncedProviderInvoice = {
  id: string;
  customerId: string;
  subscriptionId: string | null;
  status: "draft" | "open" | "paid" | "uncollectible" | "void";
  billingReason: string | null;
  currency: string;
  amountDue: number;
  amountPaid: number;
  creditedAfterPayment: number;
  attemptCount: number;
  nextPaymentAttempt: Date | null;
  hostedInvoiceUrl: string | null;
  periodStart: Date | null;
  periodEnd: Date | null;
  paidAt: Date | null;
  created: Date;
  paymentIntentId: string | null;
  paymentIntentStatus: string | null;
};

export type BillingSyncPorts = {
  subscriptions: {
    listCustomerSubscriptions(customerId: string): Promise<SyncedProviderSubscription[]>;
    listCustomerInvoices(customerId: string): Promise<SyncedProviderInvoice[]>;
  };
  payments: {
    retrieveCharge(input: { paymentIntentId: string }): Promise<{
      chargeId: string;
      amountRefunded: number;
      processingFee: number | null;
    }>;
  };
};

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

type Ctx = {
  tx: Executor;
  userId: string;
  locale: string;
  stripeCustomerId: string;
  source: string;
  now: Date;
  changed: boolean;
};

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

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

/**
 * Whether a sync from `source` re-reads the charges of paid invoices: refunds don't touch
 * the invoice, so only a refund's own event (`charge-refund:…`) and the nightly
 * reconciliation (`reconcile:…`) look for them.
 */
export function syncRereadsCharges(source: string): boolean {
  return source.startsWith("reconcile:") || source.startsWith("charge-refund:");
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

async function event(
  ctx: Ctx,
  e: { subscriptionId: string | null; kind: string; summary: string; details?: object },
): Promise<void> {
  ctx.changed = true;
  await ctx.tx.insert(billingEvents).values({
    userId: ctx.userId,
    stripeCustomerId: ctx.stripeCustomerId,
    stripeSubscriptionId: e.subscriptionId,
    kind: e.kind,
    summary: e.summary,
    details: e.details ?? {},
    source: ctx.source,
    at: ctx.now,
  });
}

async function notice(
  ctx: Ctx,
  n: {
    notice: BillingNotice;
    dedupeKey: string;
    plan: string;
    amount?: number;
    currency?: string;
    at?: Date | null;
    url?: string | null;
  },
): Promise<void> {
  await enqueueJob(ctx.tx, "send_notification", {
    userId: ctx.userId,
    dedupeKey: n.dedupeKey,
    template: "billing_notice",
    params: {
      notice: n.notice,
      plan: n.plan.slice(0, 200),
      ...(n.amount !== undefined && n.currency ? { amount: n.amount, currency: n.currency } : {}),
      ...(n.at ? { at: n.at.toISOString() } : {}),
      ...(n.url ? { url: n.url } : {}),
    },
  });
}

/** The plan's name in the user's locale; a price outside the allowlist shows as its id. */
const planName = (ctx: Ctx, price: AllowlistedPrice | null, priceId: string) =>
  price ? planTextFor(price.texts, ctx.locale).name : priceId;

const grantsAccess = (row: Pick<SubscriptionRow, "status" | "duplicate" | "planId">) =>
  !row.duplicate && row.planId !== null && (row.status === "active" || row.status === "trialing");

async function subscriptionEffects(
  ctx: Ctx,
  p: {
    before: SubscriptionRow | null;
    row: SubscriptionRow;
    provider: SyncedProviderSubscription;
    price: AllowlistedPrice | null;
  },
): Promise<void> {
  const { before, row, price } = p;
  const sub = row.stripeSubscriptionId;
  const plan = planName(ctx, price, row.stripePriceId);

  if (!price) {
    const incident = await raiseIncident(ctx.tx, {
      kind: "price_not_allowlisted",
      dedupeKey: `price_not_allowlisted:${sub}:${row.stripePriceId}`,
      message: `Subscription ${sub} of customer ${ctx.stripeCustomerId} carries price ${row.stripePriceId}, which is not on the plan allowlist; it grants nothing.`,
      details: { userId: ctx.userId, subscriptionId: sub, priceId: row.stripePriceId },
    });
    if (incident.created) {
      await event(ctx, {
        subscriptionId: sub,
        kind: "incident",
        summary: `price ${row.stripePriceId} is not on the allowlist`,
        details: { incidentId: incident.id, incident: "price_not_allowlisted" },
      });
    }
  }
  if (row.duplicate && isLiveSubscriptionStatus(row.status)) {
    const incident = await raiseIncident(ctx.tx, {
      kind: "duplicate_subscription",
      dedupeKey: `duplicate_subscription:${sub}`,
      message: `Customer ${ctx.stripeCustomerId} has more than one live subscription; ${sub} is a duplicate and grants nothing.`,
      details: { userId: ctx.userId, subscriptionId: sub },
    });
    if (incident.created) {
      await event(ctx, {
        subscriptionId: sub,
        kind: "incident",
        summary: `duplicate live subscription`,
        details: { incidentId: incident.id, incident: "duplicate_subscription" },
      });
    }
  }

  if (!before || before.status !== row.status) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "status_changed",
      summary: `${before?.status ?? "none"} → ${row.status}`,
      details: { from: before?.status ?? null, to: row.status },
    });
  }
  if (before && before.stripePriceId !== row.stripePriceId) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "plan_changed",
      summary: `${before.stripePriceId} → ${row.stripePriceId}`,
      details: { from: before.stripePriceId, to: row.stripePriceId },
    });
    if (price) {
      await notice(ctx, {
        notice: "plan_changed",
        dedupeKey: `billing:plan_changed:${sub}:${row.stripePriceId}`,
        plan,
        amount: row.amount,
        currency: row.currency,
      });
    }
  }
  // Once per subscription, when it first grants access (not again when a past-due one
  // recovers: that has its own notice).
  const grantedBefore =
    before !== null &&
    before.status !== "incomplete" &&
    before.status !== "incomplete_expired" &&
    before.planId !== null &&
    !before.duplicate;
  if (grantsAccess(row) && !grantedBefore) {
    await notice(ctx, {
      notice: "subscription_started",
      dedupeKey: `billing:started:${sub}`,
      plan,
      amount: row.amount,
      currency: row.currency,
      at: row.trialEnd && row.status === "trialing" ? row.trialEnd : row.currentPeriodEnd,
    });
  }
  const cancelAt = row.cancelAt ?? (row.cancelAtPeriodEnd ? row.currentPeriodEnd : null);
  const beforeCancelAt = before
    ? (before.cancelAt ?? (before.cancelAtPeriodEnd ? before.currentPeriodEnd : null))
    : null;
  if (cancelAt && isLiveSubscriptionStatus(row.status) && iso(cancelAt) !== iso(beforeCancelAt)) {
    await event(ctx, {
      subscriptionId: sub,
      kind: "cancel_scheduled",
      summary: `ends ${cancelAt.toISOString()}`,
      details: { at: cancelAt.toISOString() },
    });
    await notice(ctx, {
      notice: "subscription_canceling",
      dedupeKey: `billing:subscription_canceling:${sub}:${cancelAt.toISOString()}`,
      plan,
      at: cancelAt,
    });
  }
  if (row.status === "canceled" && before?.status !== "canceled") {
    await event(ctx, {
      subscriptionId: sub,
      kind: "ended",
      summary: `ended ${iso(row.endedAt) ?? ""}`.trim(),
      details: { endedAt: iso(row.endedAt) },
    });
    await notice(ctx, {
      notice: "subscription_ended",
      dedupeKey: `billing:subscription_ended:${sub}`,
      plan,
      at: row.endedAt ?? ctx.now,
    });
  }
  if (row.status === "trialing" && row.trialEnd && row.trialEnd.getTime() > ctx.now.getTime()) {
    // The job key keeps one reminder per subscription; a moved trial end moves it.
    const runAt = new Date(
      Math.max(row.trialEnd.getTime() - TRIAL_REMINDER_DAYS * 86_400_000, ctx.now.getTime()),
    );
    await enqueueJob(
      ctx.tx,
      "subscription_trial_reminder",
      { subscriptionId: row.id },
      { runAt, jobKey: `trial-reminder:${row.id}` },
    );
  }
}

async function storeInvoice(
  ctx: Ctx,
  ports: BillingSyncPorts,
  p: {
    invoice: SyncedProviderInvoice;
    before: SubscriptionInvoiceRow | null;
    subscriptionBefore: SubscriptionRow | null;
    subscription: SubscriptionRow | null;
    prices: Map<string, AllowlistedPrice>;
  },
): Promise<void> {
  const { invoice: inv, before } = p;
  const currency = inv.currency.toUpperCase();
  const paid = inv.status === "paid";
  let chargeId = before?.stripeChargeId ?? null;
  let fee = before?.processingFee ?? null;
  let refunded = 0;
  const reversedBefore = before?.amountReversed ?? 0;
  // The charge is read while its fee is unknown, and again when the invoice changed or a
  // reconciliation asks: refunds don't touch the invoice, so the nightly run finds them.
  const invoiceChanged =
    !before ||
    before.status !== inv.status ||
    before.amountPaid !== inv.amountPaid ||
    before.amountReversed < inv.creditedAfterPayment;
  if (
    paid &&
    inv.amountPaid > 0 &&
    inv.paymentIntentId &&
    (fee === null || invoiceChanged || syncRereadsCharges(ctx.source))
  ) {
    try {
      const charge = await ports.payments.retrieveCharge({ paymentIntentId: inv.paymentIntentId });
      chargeId = charge.chargeId;
      fee = charge.processingFee ?? fee;
      refunded = charge.amountRefunded;
    } catch (error) {
      // A refusal (no such charge) is kept as "unknown" for the next sync; an unavailable
      // provider rolls the whole sync back to be retried.
      if ((error as { kind?: string } | null)?.kind !== "rejected") throw error;
    }
  }
  const postedPaidBefore = before?.postedPaid ?? 0;
  const postedPaid =
    paid && inv.amountPaid > 0 ? Math.max(postedPaidBefore, inv.amountPaid) : postedPaidBefore;
  // Refunds and credit notes overlap (a credit note can be paid out as a refund): the larger.
  const reversed = Math.min(
    postedPaid,
    Math.max(reversedBefore, inv.creditedAfterPayment, refunded),
  );
  const postedReversedBefore = before?.postedReversed ?? 0;
  const keyBase = `subscription-invoice:${inv.id}`;

  if (postedPaid > postedPaidBefore) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(
        ledger.subscriptionPayment({
          amount: storedMoney(postedPaid - postedPaidBefore, currency),
        }),
      ),
      dedupeKey: postedPaidBefore === 0 ? `${keyBase}:paid` : `${keyBase}:paid:${postedPaid}`,
      memo: `subscription invoice ${inv.id}`,
    });
  }
  if (fee !== null && fee > 0 && (before?.processingFee ?? null) === null) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(ledger.subscriptionProcessingFee({ fee: storedMoney(fee, currency) })),
      dedupeKey: `${keyBase}:fee`,
      memo: `processing fee of subscription invoice ${inv.id}`,
    });
  }
  if (reversed > postedReversedBefore) {
    await postJournalEntry(ctx.tx, {
      entry: orThrow(
        ledger.subscriptionReversal({
          amount: storedMoney(reversed - postedReversedBefore, currency),
        }),
      ),
      dedupeKey: `${keyBase}:reversed:${reversed}`,
      memo: `refunded or credited on subscription invoice ${inv.id}`,
    });
  }

  const columns = {
    stripeInvoiceId: inv.id,
    userId: ctx.userId,
    stripeCustomerId: inv.customerId,
    stripeSubscriptionId: inv.subscriptionId,
    status: inv.status,
    billingReason: inv.billingReason,
    currency,
    amountDue: inv.amountDue,
    amountPaid: inv.amountPaid,
    amountReversed: reversed,
    attemptCount: inv.attemptCount,
    nextPaymentAttempt: inv.nextPaymentAttempt,
    hostedInvoiceUrl: inv.hostedInvoiceUrl,
    periodStart: inv.periodStart,
    periodEnd: inv.periodEnd,
    paidAt: inv.paidAt,
    stripeChargeId: chargeId,
    processingFee: fee,
    postedPaid,
    postedReversed: Math.max(postedReversedBefore, reversed),
    invoiceCreatedAt: inv.created,
    updatedAt: ctx.now,
  };
  await ctx.tx
    .insert(subscriptionInvoices)
    .values(columns)
    .onConflictDoUpdate({ target: subscriptionInvoices.stripeInvoiceId, set: columns });

  const sub = p.subscription;
  const price = sub ? (p.prices.get(sub.stripePriceId) ?? null) : null;
  const plan = sub ? planName(ctx, price, sub.stripePriceId) : inv.id;
  if (paid && before?.status !== "paid") {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_paid",
      summary: `invoice ${inv.id} paid`,
      details: { invoiceId: inv.id, amount: inv.amountPaid, currency },
    });
    const wasDunning =
      (before?.status === "open" && before.attemptCount > 0) ||
      p.subscriptionBefore?.status === "past_due" ||
      p.subscriptionBefore?.status === "unpaid";
    if (wasDunning) {
      await notice(ctx, {
        notice: "payment_recovered",
        dedupeKey: `billing:payment_recovered:${inv.id}`,
        plan,
        amount: inv.amountPaid,
        currency,
      });
    }
  }
  if (
    inv.status === "open" &&
    inv.attemptCount > 0 &&
    inv.attemptCount !== (before?.attemptCount ?? 0)
  ) {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_payment_failed",
      summary: `invoice ${inv.id} payment attempt ${inv.attemptCount} failed`,
      details: { invoiceId: inv.id, attempt: inv.attemptCount, next: iso(inv.nextPaymentAttempt) },
    });
  }
  // Told when the attempt is new to us (the dedupe keys hold across retried jobs).
  const newAttempt =
    !before || before.status !== inv.status || before.attemptCount !== inv.attemptCount;
  if (newAttempt && inv.status === "open" && inv.paymentIntentStatus === "requires_action") {
    await notice(ctx, {
      notice: "payment_action_required",
      dedupeKey: `billing:payment_action_required:${inv.id}`,
      plan,
      amount: inv.amountDue,
      currency,
      url: inv.hostedInvoiceUrl,
    });
  } else if (newAttempt && inv.status === "open" && inv.attemptCount > 0) {
    await notice(ctx, {
      notice: "payment_failed",
      dedupeKey: `billing:payment_failed:${inv.id}:${inv.attemptCount}`,
      plan,
      amount: inv.amountDue,
      currency,
      at: inv.nextPaymentAttempt,
      url: inv.hostedInvoiceUrl,
    });
  }
  if (reversed > reversedBefore) {
    await event(ctx, {
      subscriptionId: inv.subscriptionId,
      kind: "invoice_reversed",
      summary: `invoice ${inv.id}: ${reversed} refunded or credited`,
      details: { invoiceId: inv.id, amount: reversed, currency },
    });
  }
}

/** Starts a reconciliation run (nightly, or an admin's), returning its id. */
export async function startBillingReconciliation(
  ex: Executor,
  input: { now: Date; requestedBy?: string | null },
): Promise<{ runId: string }> {
  const [row] = await ex
    .insert(billingReconciliationRuns)
    .values({ startedAt: input.now, requestedBy: input.requestedBy ?? null })
    .returning({ id: billingReconciliationRuns.id });
  return { runId: row!.id };
}

export type BillingReconciliationOutcome = {
  runId: string;
  customersChecked: number;
  customersDiffering: number;
  failures: number;
  differences: {
    stripeCustomerId: string;
    userId: string | null;
    differences: BillingDifference[];
  }[];
};

/**
 * Re-syncs every billing customer (ours, and any at the provider carrying one of our user
 * ids) and records what differed from Stripe in the run; raises one
 * `subscription_out_of_sync` incident per run that found differences. A customer whose
 * sync fails is counted and keeps its error; the others still run.
 */
export async function runBillingReconciliation(
  db: Db,
  ports: BillingSyncPorts & {
    subscriptions: { listCustomers(): Promise<{ id: string; userId: string | null }[]> };
  },
  input: { runId: string; now: () => Date },
): Promise<BillingReconciliationOutcome> {
  const ours = await listBillingCustomerIds(db);
  const theirs = await ports.subscriptions.listCustomers();
  const ids = [...new Set([...ours, ...theirs.filter((c) => c.userId).map((c) => c.id)])];
  const outcome: BillingReconciliationOutcome = {
    runId: input.runId,
    customersChecked: 0,
    customersDiffering: 0,
    failures: 0,
    differences: [],
  };
  for (const stripeCustomerId of ids) {
    try {
      const result = await syncBillingCustomer(db, ports, {
        stripeCustomerId,
        source: `reconcile:${input.runId}`,
        now: input.now(),
      });
      outcome.customersChecked += 1;
      if (result.differences.length > 0) {
        outcome.customersDiffering += 1;
        outcome.differences.push({
          stripeCustomerId,
          userId: result.userId,
          differences: result.differences,
        });
      }
    } catch (error) {
      outcome.failures += 1;
      await recordBillingSyncError(db, {
        stripeCustomerId,
        error: error instanceof Error ? error.message : String(error),
        now: input.now(),
      });
    }
  }
  await db.transaction(async (tx) => {
    await tx
      .update(billingReconciliationRuns)
      .set({
        finishedAt: input.now(),
        customersChecked: outcome.customersChecked,
        customersDiffering: outcome.customersDiffering,
        failures: outcome.failures,
        differences: outcome.differences,
      })
      .where(eq(billingReconciliationRuns.id, input.runId));
    if (outcome.differences.length > 0) {
      await raiseIncident(tx, {
        kind: "subscription_out_of_sync",
        dedupeKey: `subscription_out_of_sync:${input.runId}`,
        message: `Subscription reconciliation found ${outcome.customersDiffering} customer(s) whose stored state differed from Stripe's; they were re-synced.`,
        details: { runId: input.runId, customers: outcome.customersDiffering },
      });
    }
  });
  return outcome;
}
