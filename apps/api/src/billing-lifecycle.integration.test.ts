import type { ChildProcess } from "node:child_process";
import { accountBalances, findUnbalancedEntries, seedDemoMarketplace } from "@an/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  call as callHttp,
  spawnTestWorker,
  startTestApi,
  type TestApi,
  tokenFor,
  waitFor,
} from "./testing";

/**
 * A platform subscription's whole life, offline, through the real HTTP routes, the
 * simulated Stripe Billing (its checkout page and test clock) and a worker process that
 * takes the Stripe-signed webhooks and syncs: the free tier refuses a second advisor, the
 * client subscribes and may invite more, a renewal fails (past due, within grace, a notice
 * in the client's language), the retries run out and the subscription ends (access back to
 * the free tier, a notice), and the subscription's money is in the ledger, balanced.
 */

const AMIRA = { id: "demo|advisor-amira" };
const LUCAS = { id: "demo|advisor-lucas" };
const SAM = { id: "demo|client-sam", email: "sam@demo.advisor.network", name: "Sam Carter" };
const ADMIN = { id: "demo|admin" };
const PLAN = "lifecycle-team";

type Status = {
  subscription: null | {
    planKey: string | null;
    status: string;
    amount: number;
    currency: string;
    pastDueSince: string | null;
    graceEndsAt: string | null;
    currentPeriodEnd: string | null;
  };
  entitlements: { inviteAdvisors: boolean; maxAdvisorsPerProject: number; buyPasses: boolean };
  source: "free" | "subscription" | "complimentary";
};

describe("a platform subscription from checkout to the end of access", () => {
  let api: TestApi;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    api = await startTestApi();
    await seedDemoMarketplace(api.db.db);
    worker = spawnTestWorker(api);
  });
  afterAll(async () => {
    worker?.kill("SIGKILL");
    await api?.close();
    await api?.db.drop();
  });

  const request = async (
    user: { id: string },
    path: string,
    input: unknown,
    kind: "query" | "mutation",
  ) => callHttp(api.url, kind, path, { token: await tokenFor(user), input });

  async function call<T>(
    user: { id: string },
    path: string,
    input: unknown,
    kind: "query" | "mutation",
  ): Promise<T> {
    const { status, body } = await request(user, path, input, kind);
    if (status >= 300) throw new Error(`${path}: ${status} ${JSON.stringify(body.error)}`);
    return body.result!.data as T;
  }

  const status = () => call<Status>(SAM, "billing.status", {}, "query");
  const invite = (projectId: string, advisorId: string) =>
    request(SAM, "invitations.create", { projectId, advisorId }, "mutation");
  const noticesFor = async (notice: string) =>
    (await api.db.db.execute<{ subject: string; body: string; locale: string }>(sql`
      select subject, body, locale from notifications
      where user_id = ${SAM.id} and template = 'billing_notice' and params->>'notice' = ${notice}
    `)) as unknown as { subject: string; body: string; locale: string }[];

  it(
    "free tier → checkout → more advisors → failed renewal in grace → retries exhausted → free tier again",
    { timeout: 180_000 },
    async () => {
      // The operator offers a plan: three advisors per project, 19.00 USD a month.
      await call(
        ADMIN,
        "billingAdmin.createPlan",
        {
          key: PLAN,
          texts: { en: { name: "Team", description: "Three advisors per project" } },
          entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 3, buyPasses: true },
          prices: [{ currency: "USD", interval: "month", amount: 1900, trialDays: 0 }],
          reason: "lifecycle test",
        },
        "mutation",
      );

      // Free tier: one advisor per project.
      const before = await status();
      expect(before.source).toBe("free");
      expect(before.subscription).toBeNull();
      const project = await call<{ id: string }>(
        SAM,
        "projects.create",
        { name: "Subscription lifecycle" },
        "mutation",
      );
      expect((await invite(project.id, AMIRA.id)).status).toBe(200);
      const refused = await invite(project.id, LUCAS.id);
      expect(refused.status).toBe(403);
      expect(JSON.stringify(refused.body.error)).toContain("PLAN_ADVISOR_LIMIT");

      // Checkout on the simulated page; the return syncs at once, before any webhook.
      const checkout = await call<{ url: string }>(
        SAM,
        "billing.checkout",
        { planKey: PLAN, currency: "USD", interval: "month" },
        "mutation",
      );
      const paid = await fetch(`${checkout.url}/pay`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "",
        redirect: "manual",
      });
      expect(paid.status).toBe(303);
      const sessionId = new URL(paid.headers.get("location")!).searchParams.get("session_id");
      expect(sessionId).toMatch(/^cs_/);
      const returned = await call<Status>(
        SAM,
        "billing.syncAfterCheckout",
        { sessionId },
        "mutation",
      );
      expect(returned.subscription).toMatchObject({
        planKey: PLAN,
        status: "active",
        amount: 1900,
      });
      expect(returned.entitlements.maxAdvisorsPerProject).toBe(3);

      // The plan lets a second advisor in.
      expect((await invite(project.id, LUCAS.id)).status).toBe(200);
      await waitFor("the subscription_started notice", async () =>
        (await noticesFor("subscription_started")).length === 1 ? true : null,
      );

      // The card starts declining; the clock passes the renewal.
      await call(ADMIN, "sandbox.billingSetCard", { userId: SAM.id, card: "declines" }, "mutation");
      const renewal = await call<{ happened: string[] }>(
        ADMIN,
        "sandbox.billingAdvanceClock",
        { userId: SAM.id, days: 31 },
        "mutation",
      );
      expect(renewal.happened.join(" ")).toMatch(/fail|declin/i);
      const pastDue = await waitFor("past due", async () => {
        const s = await status();
        return s.subscription?.status === "past_due" ? s : null;
      });
      // Within the grace period the plan still applies.
      expect(pastDue.source).toBe("subscription");
      expect(pastDue.entitlements.maxAdvisorsPerProject).toBe(3);
      expect(pastDue.subscription!.pastDueSince).not.toBeNull();
      const failed = await waitFor("the payment_failed notice", async () => {
        const rows = await noticesFor("payment_failed");
        return rows.length > 0 ? rows : null;
      });
      expect(failed[0]!.locale).toBe("en");
      expect(failed[0]!.body).toContain("$19.00");

      // The retries run out (3, 5 and 7 days after the first failure): the subscription ends.
      await call(ADMIN, "sandbox.billingAdvanceClock", { userId: SAM.id, days: 8 }, "mutation");
      const ended = await waitFor("the end of access", async () => {
        const s = await status();
        return s.source === "free" ? s : null;
      });
      expect(ended.entitlements.maxAdvisorsPerProject).toBe(1);
      await waitFor("the subscription_ended notice", async () =>
        (await noticesFor("subscription_ended")).length === 1 ? true : null,
      );
      const sub = await api.db.db.execute<{ status: string }>(
        sql`select status from subscriptions where user_id = ${SAM.id}`,
      );
      expect(sub.map((r) => r.status)).toEqual(["canceled"]);

      // Back on the free tier a third advisor is refused again (the two already in stay).
      const another = await call<{ id: string }>(
        SAM,
        "projects.create",
        { name: "After the end" },
        "mutation",
      );
      expect((await invite(another.id, AMIRA.id)).status).toBe(200);
      expect((await invite(another.id, LUCAS.id)).status).toBe(403);

      // One paid invoice of 19.00 is subscription revenue; the unpaid renewal is not.
      expect(await findUnbalancedEntries(api.db.db)).toEqual([]);
      const [revenue] = await accountBalances(api.db.db, { accounts: ["subscription_revenue"] });
      expect(revenue).toMatchObject({ currency: "USD", balance: -1900 });
    },
  );
});
