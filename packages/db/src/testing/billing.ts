import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { DEFAULT_FREE_ENTITLEMENTS, type Entitlements, entitlementsFor } from "@an/domain";
import type { Db, Executor } from "../client";
import { insertPlan, getPlanByKey } from "../queries/plans";
import { listUserSubscriptions } from "../queries/subscriptions";
import { billingCustomers, complimentaryGrants, planPrices, plans, users } from "../schema";

/** What {@link grantTestPlan} grants unless told otherwise: room for several advisors, passes. */
export const TEST_PLAN_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 10,
  buyPasses: true,
};

/**
 * Gives `userId` a plan with `entitlements` for the whole of any test's clock (a
 * complimentary grant from 2000 to 2100), for tests that need more than the free tier
 * (several advisors in one project). The plan is created once per set of entitlements.
 */
export async function grantTestPlan(
  db: Executor,
  userId: string,
  entitlements: Entitlements = TEST_PLAN_ENTITLEMENTS,
): Promise<{ planId: string; grantId: string }> {
  const key = `test-${entitlements.inviteAdvisors ? "i" : "n"}${entitlements.maxAdvisorsPerProject}${entitlements.buyPasses ? "p" : "n"}`;
  const now = new Date("2000-01-01T00:00:00Z");
  const plan =
    (await insertPlan(db, {
      key,
      texts: { en: { name: `Test plan ${key}`, description: "For tests" } },
      entitlements,
      sortOrder: 0,
      now,
    })) ?? (await getPlanByKey(db, key));
  const [grant] = await db
    .insert(complimentaryGrants)
    .values({
      userId,
      planId: plan!.id,
      reason: "test fixture",
      startsAt: now,
      endsAt: new Date("2100-01-01T00:00:00Z"),
    })
    .returning({ id: complimentaryGrants.id });
  return { planId: plan!.id, grantId: grant!.id };
}

/*
 * The subscription tests' rows: plans on the allowlist, a subscriber with a Stripe
 * customer, and what the synced rows grant and posted to the ledger.
 */

/** The entitlements of the subscription tests' "Pro" and "Team" plans. */
export const TEST_PRO_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 5,
  buyPasses: true,
};
export const TEST_TEAM_ENTITLEMENTS: Entitlements = {
  inviteAdvisors: true,
  maxAdvisorsPerProject: 20,
  buyPasses: true,
};

/** Two plans with a USD monthly price each; returns their Stripe price ids. */
export async function seedSubscriptionPlans(db: Db): Promise<{ pro: string; team: string }> {
  const suffix = randomBytes(4).toString("hex");
  const ids = { pro: `price_pro_${suffix}`, team: `price_team_${suffix}` };
  for (const [key, entitlements, priceId, amount] of [
    [`pro-${suffix}`, TEST_PRO_ENTITLEMENTS, ids.pro, 1_500],
    [`team-${suffix}`, TEST_TEAM_ENTITLEMENTS, ids.team, 4_900],
  ] as const) {
    const [plan] = await db
      .insert(plans)
      .values({
        key,
        texts: {
          en: { name: key.startsWith("pro") ? "Pro" : "Team", description: "" },
          de: { name: key.startsWith("pro") ? "Profi" : "Team", description: "" },
        },
        entitlements,
      })
      .returning();
    await db.insert(planPrices).values({
      planId: plan!.id,
      currency: "USD",
      interval: "month",
      amount,
      stripePriceId: priceId,
    });
  }
  return ids;
}

/** A new subscriber with a Stripe customer of ours. */
export async function seedSubscriber(
  db: Db,
  options: { locale?: string; withCustomer?: boolean } = {},
): Promise<{ userId: string; customerId: string }> {
  const suffix = randomBytes(5).toString("hex");
  const userId = `test|sub-${suffix}`;
  const customerId = `cus_${suffix}`;
  await db.insert(users).values({
    id: userId,
    email: `sub-${suffix}@example.test`,
    firstName: "Noor",
    locale: options.locale ?? "en",
  });
  if (options.withCustomer !== false) {
    await db.insert(billingCustomers).values({ userId, stripeCustomerId: customerId });
  }
  return { userId, customerId };
}

/**
 * What a user may do, computed from the synced rows by the domain's rule (the free tier
 * is the default: these tests hold no `free` plan).
 */
export async function entitlementsOf(db: Db, userId: string, now: Date): Promise<Entitlements> {
  const rows = await listUserSubscriptions(db, { userId });
  const planRows = await db.select().from(plans);
  const byId = new Map(planRows.map((p) => [p.id, p.entitlements]));
  return entitlementsFor({
    free: DEFAULT_FREE_ENTITLEMENTS,
    subscriptions: rows.map((r) => ({
      status: r.status,
      entitlements: r.planId ? (byId.get(r.planId) ?? null) : null,
      pastDueSince: r.pastDueSince,
      duplicate: r.duplicate,
    })),
    grants: [],
    now,
  });
}

/** The ledger's subscription entries about some invoices: kind, dedupe key and postings. */
export async function subscriptionLedger(db: Db, invoicePrefix: string) {
  const rows = await db.execute<{
    kind: string;
    dedupe_key: string;
    account: string;
    amount: string;
    currency: string;
  }>(sql`
    select e.kind::text as kind, e.dedupe_key, p.account, p.amount::text as amount, p.currency
    from journal_entries e join journal_postings p on p.entry_id = e.id
    where e.dedupe_key like ${`subscription-invoice:${invoicePrefix}%`}
    order by e.dedupe_key, p.account
  `);
  return rows.map((r) => ({ ...r, amount: Number(r.amount) }));
}
