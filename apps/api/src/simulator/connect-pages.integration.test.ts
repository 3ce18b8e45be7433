import { randomUUID } from "node:crypto";
import { createSimulatedPayments, parseBillingEnv, resolveBillingConfig } from "@an/billing";
import { translator } from "@an/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing";
import { simulatorRuntime } from "./routes";

let api: TestApi;
const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://127.0.0.1:9",
});
const RETURN_URL = "http://app.test/advisor/payouts?onboarding=done";
const REFRESH_URL = "http://api.test/payouts/onboarding/refresh";

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

/** The simulated Stripe over the API's database: what the pages act on. */
const payments = (now: () => Date = () => new Date()) =>
  createSimulatedPayments(config, simulatorRuntime({ db: api.db.db, now }));

const get = (path: string) => fetch(`${api.url}${path}`, { redirect: "manual" });
const post = (path: string, fields: Record<string, string>) =>
  fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });

/** A fresh account and an onboarding link for it; returns the page's path. */
async function linkForNewAccount(
  now?: () => Date,
  where: { country: string; serviceAgreement: "full" | "recipient" } = {
    country: "US",
    serviceAgreement: "full",
  },
) {
  const advisorId = `advisor-${randomUUID()}`;
  const account = await payments(now).createExpressAccount({
    advisorId,
    email: "amira@demo.advisor.network",
    ...where,
    idempotencyKey: `account:${advisorId}`,
  });
  const link = await payments(now).createAccountLink({
    accountId: account.id,
    refreshUrl: REFRESH_URL,
    returnUrl: RETURN_URL,
  });
  return { accountId: account.id, path: new URL(link.url).pathname };
}

/** Connect events the simulator queued for delivery to the Connect route. */
const queuedConnectEvents = async (accountId: string) =>
  (
    await api.db.db.execute<{ type: string }>(sql`
      select (j.payload->>'body')::jsonb->>'type' as type
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
      where t.identifier = 'deliver_simulated_webhook'
        and j.payload->>'provider' = 'stripe_connect'
        and (j.payload->>'body')::jsonb->>'account' = ${accountId}
    `)
  ).map((r) => r.type);

describe("the simulated Connect onboarding page", () => {
  it("shows the account and what is due, with the two outcomes", async () => {
    const { accountId, path } = await linkForNewAccount();
    expect(path).toMatch(/^\/sim\/connect\/onboarding\/link_sim_[A-Za-z0-9]{24}$/);

    const res = await get(path);

    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain(
      "form-action 'self' http://app.test",
    );
    const page = await res.text();
    expect(page).toContain(accountId);
    expect(page).toContain("tos_acceptance.date");
    expect(page).toContain("Complete onboarding");
    expect(page).toContain("Submit with details missing");
    expect(page).toMatch(/<dt>Service agreement<\/dt>\s*<dd>\s*full\s*<\/dd>/);
  });

  it("shows a cross-border account's country, currency and recipient agreement", async () => {
    const { path } = await linkForNewAccount(undefined, {
      country: "DE",
      serviceAgreement: "recipient",
    });
    const page = await (await get(path)).text();
    expect(page).toMatch(/<dt>Country<\/dt>\s*<dd><bdi>DE<\/bdi><\/dd>/);
    expect(page).toContain("recipient (cross-border: receives transfers only)");
    expect(page).toMatch(/<dt>Default currency<\/dt>\s*<dd><bdi>EUR<\/bdi><\/dd>/);
  });

  it("completing it activates transfers, sends account.updated and returns to the app", async () => {
    const { accountId, path } = await linkForNewAccount();

    const res = await post(path, { outcome: "complete" });

    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(RETURN_URL);
    await expect(payments().retrieveAccount(accountId)).resolves.toMatchObject({
      transfersCapability: "active",
      payoutsEnabled: true,
      currentlyDue: [],
    });
    expect(await queuedConnectEvents(accountId)).toEqual(["account.updated"]);
  });

  it("submitting with details missing leaves the account pending with its requirements", async () => {
    const { accountId, path } = await linkForNewAccount();

    expect((await post(path, { outcome: "incomplete" })).status).toBe(303);

    await expect(payments().retrieveAccount(accountId)).resolves.toMatchObject({
      transfersCapability: "pending",
      detailsSubmitted: true,
      currentlyDue: [
        "business_profile.url",
        "external_account",
        "individual.dob.day",
        "tos_acceptance.date",
      ],
    });
  });

  it("a used link says so and offers the refresh URL, changing nothing", async () => {
    const { accountId, path } = await linkForNewAccount();
    await post(path, { outcome: "incomplete" });

    for (const res of [await get(path), await post(path, { outcome: "complete" })]) {
      expect(res.status).toBe(410);
      const page = await res.text();
      expect(page).toContain("already been used");
      expect(page).toContain(`href="${REFRESH_URL}"`);
    }
    expect((await payments().retrieveAccount(accountId)).transfersCapability).toBe("pending");
  });

  it("an expired link says so and offers the refresh URL", async () => {
    const { path } = await linkForNewAccount(() => new Date(Date.now() - 301_000));

    const res = await get(path);

    expect(res.status).toBe(410);
    const page = await res.text();
    expect(page).toContain("expired");
    expect(page).toContain(`href="${REFRESH_URL}"`);
  });

  it("404 for an unknown link, 400 for an unknown outcome", async () => {
    expect((await get("/sim/connect/onboarding/link_sim_unknown")).status).toBe(404);
    expect((await get("/sim/connect/onboarding/%3Cscript%3E")).status).toBe(404);
    const { path } = await linkForNewAccount();
    expect((await post(path, { outcome: "maybe" })).status).toBe(400);
    expect((await get(path)).status).toBe(200);
  });
});

describe("the onboarding page in the viewer's language", () => {
  it("follows Accept-Language, and a used link's page keeps the link's locale", async () => {
    const ar = translator("ar");
    const { path } = await linkForNewAccount();
    const page = await (
      await fetch(`${api.url}${path}`, { headers: { "accept-language": "ar-SA" } })
    ).text();
    expect(page).toMatch(/<html lang="ar-SA" dir="rtl">/);
    expect(page).toContain(ar("simulator.connect.complete"));
    expect(page).toContain("<bdi>amira@demo.advisor.network</bdi>");

    expect((await post(path, { outcome: "complete", locale: "es" })).headers.get("location")).toBe(
      RETURN_URL,
    );
    const used = await post(path, { outcome: "complete", locale: "es" });
    expect(used.status).toBe(410);
    const stale = await used.text();
    expect(stale).toMatch(/<html lang="es" dir="ltr">/);
    expect(stale).toContain(translator("es")("simulator.connect.usedTitle"));
  });
});
