import { and, eq, isNull } from "drizzle-orm";
import {
  type BillingInterval,
  DAY_MS,
  type Entitlements,
  err,
  FREE_PLAN_KEY,
  ok,
  type PlanStatus,
  type PlanText,
  planTextFor,
  type Result,
} from "@an/domain";
import type { Db, Executor } from "../client";
import { enqueueJob } from "../jobs";
import { type Actor, writeAudit } from "../queries/audit";
import {
  claimPlanPrice,
  findClaimedPrice,
  getPlanByKey,
  insertPlan,
  findActivePrice,
  lockPlanByKey,
  type PlanPriceRow,
  type PlanRow,
  updatePlanPriceRow,
  updatePlanRow,
} from "../queries/plans";
import { getUserWithRoles } from "../queries/users";
import { billingEvents, complimentaryGrants } from "../schema";
import type { SubscriptionProviderCalls } from "./billing-sync-port";

/** Why an admin's plan change was refused; nothing was asked of the provider. */
export type PlanError =
  | { code: "PLAN_NOT_FOUND"; planKey: string }
  | { code: "PLAN_EXISTS"; planKey: string }
  | { code: "PLAN_INVALID"; reason: "duplicate_price" | "free_plan_prices" }
  | { code: "PLAN_PRICE_NOT_OFFERED"; planKey: string; currency: string; interval: BillingInterval }
  | { code: "USER_NOT_FOUND"; ref: string }
  | { code: "GRANT_NOT_FOUND"; ref: string }
  | { code: "GRANT_END_OUT_OF_RANGE"; maxDays: number };

type AdminCommand = { actor: Actor; reason: string; now: Date; requestId?: string | null };

export type PriceInput = {
  currency: string;
  interval: BillingInterval;
  /** Minor units per interval, > 0. */
  amount: number;
  trialDays: number;
};

/** Longest complimentary grant: two years. */
export const MAX_GRANT_DAYS = 730;

type PlanPort = Pick<
  SubscriptionProviderCalls,
  "createPlanProduct" | "createPlanPrice" | "deactivatePlanPrice"
>;

const SUBJECT = "plan";

function planAudit(plan: PlanRow) {
  return {
    key: plan.key,
    texts: plan.texts,
    entitlements: plan.entitlements,
    status: plan.status,
    sortOrder: plan.sortOrder,
  };
}

/** The plan's Stripe product, created once (`product:<plan id>` makes a retry reuse it). */
async function ensureProduct(db: Db, port: PlanPort, plan: PlanRow, now: Date): Promise<string> {
  if (plan.stripeProductId) return plan.stripeProductId;
  const product = await port.createPlanProduct({
    planId: plan.id,
    planKey: plan.key,
    name: planTextFor(plan.texts, "en").name,
    idempotencyKey: `product:${plan.id}`,
  });
  await updatePlanRow(db, plan.id, { stripeProductId: product.id }, now);
  return product.id;
}

/**
 * Creates the price at the provider for a claimed row and makes it the active one,
 * deactivating the price it replaces (which stays allowlisted for its subscribers).
 * Returns the replaced row, whose provider price the caller deactivates after commit.
 */
async function storePrice(
  db: Db,
  port: PlanPort,
  productId: string,
  claimed: PlanPriceRow,
  now: Date,
): Promise<{ stored: PlanPriceRow; replaced: PlanPriceRow | null }> {
  const created = await port.createPlanPrice({
    planPriceId: claimed.id,
    productId,
    currency: claimed.currency,
    interval: claimed.interval,
    amount: claimed.amount,
    idempotencyKey: `price:${claimed.id}`,
  });
  return db.transaction(async (tx) => {
    const replaced = await findActivePrice(tx, { ...claimed, lock: true });
    if (replaced) await updatePlanPriceRow(tx, replaced.id, { active: false }, now);
    const stored = await updatePlanPriceRow(
      tx,
      claimed.id,
      { stripePriceId: created.id, active: true },
      now,
    );
    return { stored, replaced };
  });
}

/**
 * Creates a plan and, for each price, the Stripe product and price. The plan and its
 * price rows are committed first (audited with the reason); provider calls follow outside
 * any transaction, keyed by those rows, so a failed call is retried with `setPlanPrice`
 * and reuses the same product and price.
 */
export async function createPlan(
  db: Db,
  port: PlanPort,
  input: AdminCommand & {
    key: string;
    texts: Record<string, PlanText>;
    entitlements: Entitlements;
    prices: PriceInput[];
    sortOrder?: number;
  },
): Promise<Result<PlanRow, PlanError>> {
  const seen = new Set(input.prices.map((p) => `${p.currency}:${p.interval}`));
  if (seen.size !== input.prices.length) {
    return err({ code: "PLAN_INVALID", reason: "duplicate_price" });
  }
  if (input.key === FREE_PLAN_KEY && input.prices.length > 0) {
    return err({ code: "PLAN_INVALID", reason: "free_plan_prices" });
  }
  const claimed = await db.transaction(async (tx) => {
    const plan = await insertPlan(tx, {
      key: input.key,
      texts: input.texts,
      entitlements: input.entitlements,
      sortOrder: input.sortOrder ?? 0,
      now: input.now,
    });
    if (!plan) return null;
    const prices: PlanPriceRow[] = [];
    for (const p of input.prices) {
      prices.push(await claimPlanPrice(tx, { planId: plan.id, ...p, now: input.now }));
    }
    await writeAudit(tx, {
      actor: input.actor,
      action: "plan.created",
      subjectType: SUBJECT,
      subjectId: plan.id,
      after: { ...planAudit(plan), prices: input.prices, reason: input.reason },
      requestId: input.requestId ?? null,
    });
    return { plan, prices };
  });
  if (!claimed) return err({ code: "PLAN_EXISTS", planKey: input.key });
  if (claimed.prices.length === 0) return ok(claimed.plan);
  const productId = await ensureProduct(db, port, claimed.plan, input.now);
  for (const price of claimed.prices) await storePrice(db, port, productId, price, input.now);
  return ok((await getPlanByKey(db, input.key))!);
}

/** Changes a plan's texts, entitlements or order (audited with before and after). */
export async function updatePlan(
  tx: Executor,
  input: AdminCommand & {
    key: string;
    texts?: Record<string, PlanText>;
    entitlements?: Entitlements;
    sortOrder?: number;
  },
): Promise<Result<PlanRow, PlanError>> {
  const plan = await lockPlanByKey(tx, input.key);
  if (!plan) return err({ code: "PLAN_NOT_FOUND", planKey: input.key });
  const updated = await updatePlanRow(
    tx,
    plan.id,
    {
      ...(input.texts ? { texts: input.texts } : {}),
      ...(input.entitlements ? { entitlements: input.entitlements } : {}),
      ...(input.sortOrder !== undefined ? { sortOrder: input.sortOrder } : {}),
    },
    input.now,
  );
  await writeAudit(tx, {
    actor: input.actor,
    action: "plan.updated",
    subjectType: SUBJECT,
    subjectId: plan.id,
    before: planAudit(plan),
    after: { ...planAudit(updated), reason: input.reason },
    requestId: input.requestId ?? null,
  });
  return ok(updated);
}

/** Retires a plan (no new checkouts; subscribers keep it) or brings it back. Audited. */
export async function setPlanStatus(
  tx: Executor,
  input: AdminCommand & { key: string; status: PlanStatus },
): Promise<Result<PlanRow, PlanError>> {
  const plan = await lockPlanByKey(tx, input.key);
  if (!plan) return err({ code: "PLAN_NOT_FOUND", planKey: input.key });
  const updated = await updatePlanRow(tx, plan.id, { status: input.status }, input.now);
  await writeAudit(tx, {
    actor: input.actor,
    action: "plan.status_set",
    subjectType: SUBJECT,
    subjectId: plan.id,
    before: { status: plan.status },
    after: { status: updated.status, reason: input.reason },
    requestId: input.requestId ?? null,
  });
  return ok(updated);
}

/**
 * Sets a plan's price for a currency and interval. Only a trial change edits the row; a
 * new amount adds a row with a new Stripe price and deactivates the old one (its
 * subscribers keep it: it stays on the allowlist). Audited with the reason.
 */
export async function setPlanPrice(
  db: Db,
  port: PlanPort,
  input: AdminCommand & { key: string } & PriceInput,
): Promise<Result<PlanPriceRow, PlanError>> {
  const step = await db.transaction(async (tx) => {
    const plan = await lockPlanByKey(tx, input.key);
    if (!plan) return err({ code: "PLAN_NOT_FOUND" as const, planKey: input.key });
    if (plan.key === FREE_PLAN_KEY) {
      return err({ code: "PLAN_INVALID" as const, reason: "free_plan_prices" as const });
    }
    const where = { planId: plan.id, currency: input.currency, interval: input.interval };
    const current = await findActivePrice(tx, { ...where, lock: true });
    if (current && current.amount === input.amount) {
      // Same Stripe price: the trial is applied at checkout, so only our row changes.
      const stored = await updatePlanPriceRow(
        tx,
        current.id,
        { trialDays: input.trialDays },
        input.now,
      );
      await writeAudit(tx, {
        actor: input.actor,
        action: "plan.price_set",
        subjectType: SUBJECT,
        subjectId: plan.id,
        before: { priceId: current.id, trialDays: current.trialDays },
        after: { priceId: stored.id, trialDays: stored.trialDays, reason: input.reason },
        requestId: input.requestId ?? null,
      });
      return ok({ plan, claimed: null, stored });
    }
    const claimed =
      (await findClaimedPrice(tx, { ...where, amount: input.amount })) ??
      (await claimPlanPrice(tx, {
        ...where,
        amount: input.amount,
        trialDays: input.trialDays,
        now: input.now,
      }));
    await writeAudit(tx, {
      actor: input.actor,
      action: "plan.price_set",
      subjectType: SUBJECT,
      subjectId: plan.id,
      before: current ? { priceId: current.id, amount: current.amount } : null,
      after: {
        priceId: claimed.id,
        currency: input.currency,
        interval: input.interval,
        amount: input.amount,
        trialDays: input.trialDays,
        reason: input.reason,
      },
      requestId: input.requestId ?? null,
    });
    return ok({ plan, claimed, stored: null });
  });
  if (!step.ok) return step;
  if (!step.value.claimed) return ok(step.value.stored);
  const productId = await ensureProduct(db, port, step.value.plan, input.now);
  const { stored, replaced } = await storePrice(
    db,
    port,
    productId,
    { ...step.value.claimed, trialDays: input.trialDays },
    input.now,
  );
  if (stored.trialDays !== input.trialDays) {
    await updatePlanPriceRow(db, stored.id, { trialDays: input.trialDays }, input.now);
  }
  if (replaced) await port.deactivatePlanPrice({ priceId: replaced.stripePriceId });
  return ok({ ...stored, trialDays: input.trialDays });
}

/**
 * Stops offering a plan's price for a currency and interval (the row stays, inactive and
 * allowlisted for its subscribers) and deactivates it at the provider. Audited.
 */
export async function removePlanPrice(
  db: Db,
  port: PlanPort,
  input: AdminCommand & { key: string; currency: string; interval: BillingInterval },
): Promise<Result<PlanPriceRow, PlanError>> {
  const removed = await db.transaction(async (tx) => {
    const plan = await lockPlanByKey(tx, input.key);
    if (!plan) return err({ code: "PLAN_NOT_FOUND" as const, planKey: input.key });
    const current = await findActivePrice(tx, {
      lock: true,
      planId: plan.id,
      currency: input.currency,
      interval: input.interval,
    });
    if (!current) {
      return err({
        code: "PLAN_PRICE_NOT_OFFERED" as const,
        planKey: input.key,
        currency: input.currency,
        interval: input.interval,
      });
    }
    const row = await updatePlanPriceRow(tx, current.id, { active: false }, input.now);
    await writeAudit(tx, {
      actor: input.actor,
      action: "plan.price_removed",
      subjectType: SUBJECT,
      subjectId: plan.id,
      before: { priceId: current.id, amount: current.amount, active: true },
      after: { priceId: current.id, active: false, reason: input.reason },
      requestId: input.requestId ?? null,
    });
    return ok(row);
  });
  if (!removed.ok) return removed;
  await port.deactivatePlanPrice({ priceId: removed.value.stripePriceId });
  return removed;
}

/**
 * Gives a user a plan without payment until `endsAt` (after now, at most two years out),
 * with a reason. Audited, on the subscriber's billing timeline, and the user is told.
 */
export async function grantComplimentary(
  tx: Executor,
  input: AdminCommand & { userId: string; planKey: string; endsAt: Date },
): Promise<Result<typeof complimentaryGrants.$inferSelect, PlanError>> {
  const plan = await getPlanByKey(tx, input.planKey);
  if (!plan) return err({ code: "PLAN_NOT_FOUND", planKey: input.planKey });
  const user = await getUserWithRoles(tx, { id: input.userId });
  if (!user) return err({ code: "USER_NOT_FOUND", ref: input.userId });
  const until = input.endsAt.getTime() - input.now.getTime();
  if (until <= 0 || until > MAX_GRANT_DAYS * DAY_MS) {
    return err({ code: "GRANT_END_OUT_OF_RANGE", maxDays: MAX_GRANT_DAYS });
  }
  const [grant] = await tx
    .insert(complimentaryGrants)
    .values({
      userId: input.userId,
      planId: plan.id,
      reason: input.reason,
      grantedBy: input.actor.kind === "user" ? input.actor.userId : null,
      startsAt: input.now,
      endsAt: input.endsAt,
      createdAt: input.now,
      updatedAt: input.now,
    })
    .returning();
  await tx.insert(billingEvents).values({
    userId: input.userId,
    kind: "complimentary_granted",
    summary: `Complimentary ${plan.key} until ${input.endsAt.toISOString()}`,
    details: { grantId: grant!.id, planKey: plan.key, reason: input.reason },
    source: input.actor.kind === "user" ? `admin:${input.actor.userId}` : input.actor.label,
    at: input.now,
  });
  // The plan's name in the recipient's language: the notice names it as they'd read it.
  await enqueueJob(tx, "send_notification", {
    userId: input.userId,
    template: "billing_notice",
    params: {
      notice: "complimentary_granted",
      plan: planTextFor(plan.texts, user.locale).name.slice(0, 200),
      at: input.endsAt.toISOString(),
    },
    dedupeKey: `billing:complimentary_granted:${grant!.id}`,
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: "billing.complimentary_granted",
    subjectType: "user",
    subjectId: input.userId,
    after: {
      grantId: grant!.id,
      planKey: plan.key,
      endsAt: input.endsAt.toISOString(),
      reason: input.reason,
    },
    requestId: input.requestId ?? null,
  });
  return ok(grant!);
}

/** Ends a complimentary grant now, with a reason (the row stays). Audited. */
export async function revokeComplimentary(
  tx: Executor,
  input: AdminCommand & { grantId: string },
): Promise<Result<typeof complimentaryGrants.$inferSelect, PlanError>> {
  const [grant] = await tx
    .select()
    .from(complimentaryGrants)
    .where(and(eq(complimentaryGrants.id, input.grantId), isNull(complimentaryGrants.revokedAt)))
    .for("update");
  if (!grant) return err({ code: "GRANT_NOT_FOUND", ref: input.grantId });
  const [revoked] = await tx
    .update(complimentaryGrants)
    .set({
      revokedAt: input.now,
      revokedBy: input.actor.kind === "user" ? input.actor.userId : null,
      revokeReason: input.reason,
      updatedAt: input.now,
    })
    .where(eq(complimentaryGrants.id, grant.id))
    .returning();
  await tx.insert(billingEvents).values({
    userId: grant.userId,
    kind: "complimentary_revoked",
    summary: "Complimentary plan revoked",
    details: { grantId: grant.id, reason: input.reason },
    source: input.actor.kind === "user" ? `admin:${input.actor.userId}` : input.actor.label,
    at: input.now,
  });
  await writeAudit(tx, {
    actor: input.actor,
    action: "billing.complimentary_revoked",
    subjectType: "user",
    subjectId: grant.userId,
    before: { grantId: grant.id, endsAt: grant.endsAt.toISOString() },
    after: { grantId: grant.id, revokedAt: input.now.toISOString(), reason: input.reason },
    requestId: input.requestId ?? null,
  });
  return ok(revoked!);
}
