import { createSimulatedPayments, parseBillingEnv, resolveBillingConfig } from "@an/billing";
import { grantRole } from "@an/db";
import { payoutAccounts, users } from "@an/db/schema";
import { insertAdvisor } from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulatorRuntime } from "../../simulator/routes";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";

/**
 * The advisor's Stripe account is created in their country, over HTTP against the API
 * with the simulated Stripe (platform in the US, the default): a German advisor gets a
 * cross-border `recipient` account in DE, a Japanese one a localized 400 before Stripe is
 * asked, a US one a normal US account, and one approved before the country was asked the
 * platform's.
 */

let api: TestApi;
const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://127.0.0.1:9",
});

const ADVISORS = {
  de: { id: "country|advisor-lena", country: "DE" },
  jp: { id: "country|advisor-kenji", country: "JP" },
  us: { id: "country|advisor-maya", country: "US" },
  none: { id: "country|advisor-old", country: null },
} as const;
type Who = keyof typeof ADVISORS;

beforeAll(async () => {
  api = await startTestApi({ env: { CONNECT_ACCOUNT_COUNTRY: "US" } });
  const db = api.db.db;
  for (const advisor of Object.values(ADVISORS)) {
    await db.insert(users).values({ id: advisor.id, email: `${advisor.id.slice(8)}@example.test` });
    await db.transaction((tx) =>
      grantRole(tx, {
        userId: advisor.id,
        role: "advisor",
        actor: { kind: "system", label: "test" },
        notify: false,
      }),
    );
    await insertAdvisor(db, { userId: advisor.id, country: advisor.country });
  }
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function onboard(who: Who, locale?: string) {
  const advisor = ADVISORS[who];
  const token = await tokenFor({ id: advisor.id, email: `${advisor.id.slice(8)}@example.test` });
  return call(api.url, "mutation", "payouts.createOnboardingLink", {
    token,
    headers: locale ? { "x-locale": locale } : {},
  });
}

async function storedAccount(who: Who) {
  const [row] = await api.db.db
    .select()
    .from(payoutAccounts)
    .where(eq(payoutAccounts.advisorId, ADVISORS[who].id));
  return row;
}

/** The account as the simulated Stripe has it: `country agreement`. */
async function providerAccount(who: Who): Promise<string | null> {
  const row = await storedAccount(who);
  if (!row) return null;
  const sim = createSimulatedPayments(
    config,
    simulatorRuntime({ db: api.db.db, now: () => new Date() }),
  );
  const record = await sim.getAccount(row.providerAccountId);
  return record
    ? `${record.account.country} ${record.account.tos_acceptance.service_agreement}`
    : null;
}

/** Simulated Stripe accounts made for the advisor, whatever our own tables say. */
async function simAccountsOf(who: Who): Promise<number> {
  const rows = await api.db.db.execute<{ n: number }>(
    sql`select count(*)::int as n from sim_objects
         where data->>'advisorId' = ${ADVISORS[who].id}`,
  );
  return rows[0]?.n ?? 0;
}

describe("payouts.createOnboardingLink: the account's country", () => {
  it("a German advisor on a US platform gets a cross-border recipient account in DE", async () => {
    const res = await onboard("de");
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body.result?.data)).toMatch(/\/sim\/connect\/onboarding\/link_sim_/);
    expect(await providerAccount("de")).toBe("DE recipient");
  });

  it("a Japanese advisor gets a localized 400 and no account anywhere", async () => {
    const en = await onboard("jp");
    expect(en.status).toBe(400);
    expect(en.body.error?.data.appCode).toBe("CONNECT_COUNTRY_NOT_SUPPORTED");
    expect(en.body.error?.message).toBe("Payouts to advisors in Japan aren't supported yet.");
    const de = await onboard("jp", "de");
    expect(de.status).toBe(400);
    expect(de.body.error?.message).toBe(
      "Auszahlungen an Beraterinnen und Berater in Japan werden noch nicht unterstützt.",
    );
    const ar = await onboard("jp", "ar");
    expect(ar.body.error?.message).toBe("المدفوعات إلى المستشارين في اليابان غير مدعومة بعد.");
    expect(await storedAccount("jp")).toBeUndefined();
    expect(await simAccountsOf("jp")).toBe(0);
  });

  it("a US advisor gets a normal (full) US account", async () => {
    expect((await onboard("us")).status).toBe(200);
    expect(await providerAccount("us")).toBe("US full");
    expect(await simAccountsOf("us")).toBe(1);
  });

  it("an advisor with no country on file gets an account in the platform's country", async () => {
    expect((await onboard("none")).status).toBe(200);
    expect(await providerAccount("none")).toBe("US full");
  });
});
