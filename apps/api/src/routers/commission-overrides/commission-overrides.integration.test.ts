import { sql } from "drizzle-orm";
import { insertAdvisor } from "@an/db/testing";
import { DEFAULT_PRICING_RULE_SET } from "@an/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";

/*
 * The money rules and commission overrides through the real HTTP API: bad input is a 4xx
 * with a localized message naming the field, and changes nothing (no version, no override,
 * no audit row); an override is set, listed and ended by an admin.
 */

let api: TestApi;
let adminToken = "";
const AMIRA = "demo|advisor-amira";

beforeAll(async () => {
  api = await startTestApi();
  await insertAdvisor(api.db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  adminToken = await tokenFor({ id: "demo|admin" });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

const mutate = (path: string, input: unknown, locale = "en") =>
  call(api.url, "mutation", path, {
    token: adminToken,
    input,
    headers: { "x-locale": locale },
  });

async function counts() {
  const [row] = await api.db.db.execute<{ versions: number; overrides: number; audits: number }>(
    sql`select (select count(*)::int from platform_rule_versions) as versions,
               (select count(*)::int from advisor_commission_overrides) as overrides,
               (select count(*)::int from audit_log
                 where action in ('platform_rules.changed', 'commission_override.set',
                                  'commission_override.ended')) as audits`,
  );
  return row!;
}

const usd = DEFAULT_PRICING_RULE_SET.currencies.USD!;

describe("platformRules.set refuses inconsistent money rules", () => {
  it.each<[string, string, Record<string, unknown>, string, string]>([
    [
      "a commission over 100 %",
      "commission",
      { bps: 10_001 },
      "en",
      "These rules can't be saved: “bps” is out of the allowed range (no negative amounts; at most 100 % commission).",
    ],
    [
      "a negative payout minimum",
      "payouts",
      { holdWindowHours: 48, minimumPayout: { USD: -1 } },
      "de",
      "Diese Regeln können nicht gespeichert werden: „minimumPayout.USD“ liegt außerhalb des erlaubten Bereichs (keine negativen Beträge, höchstens 100 % Provision).",
    ],
    [
      "an unknown currency",
      "pricing",
      { currencies: { USD: usd, XYZ: usd } },
      "en",
      "These rules can't be saved: “currencies.XYZ” is not a currency the platform knows.",
    ],
    [
      "a minimum above the maximum",
      "pricing",
      { currencies: { USD: { ...usd, minHourlyRate: 200_000 } } },
      "en",
      "These rules can't be saved: the minimum “currencies.USD.minHourlyRate” is above its maximum.",
    ],
    [
      "refund tiers out of order",
      "refund_policy",
      {
        tiers: [
          { minHoursBefore: 2, refundBps: 5_000 },
          { minHoursBefore: 24, refundBps: 10_000 },
          { minHoursBefore: 0, refundBps: 0 },
        ],
      },
      "de",
      "Diese Regeln können nicht gespeichert werden: „tiers.1.minHoursBefore“ ist nicht in der richtigen Reihenfolge (Dauern aufsteigend; Erstattungsstufen von den meisten zu den wenigsten Stunden, ohne Wiederholung).",
    ],
  ])("%s: 400, localized, nothing saved", async (_, kind, rules, locale, message) => {
    const before = await counts();
    const res = await mutate("platformRules.set", { kind, rules, reason: "bad input" }, locale);
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("PLATFORM_RULES_INVALID");
    expect(res.body.error?.message).toBe(message);
    expect(await counts()).toEqual(before);
    // The preview refuses it the same way.
    const preview = await call(api.url, "query", "platformRules.preview", {
      token: adminToken,
      input: { kind, rules },
      headers: { "x-locale": locale },
    });
    expect(preview.status).toBe(400);
    expect(preview.body.error?.message).toBe(message);
  });
});

describe("commissionOverrides", () => {
  it("an advisor who doesn't exist is a localized 404, and nothing changes", async () => {
    const before = await counts();
    const input = { advisorId: "demo|nobody", terms: { bps: 1_000 }, reason: "Launch partner" };
    const en = await mutate("commissionOverrides.set", input);
    expect(en.status).toBe(404);
    expect(en.body.error?.data.appCode).toBe("ADVISOR_NOT_FOUND");
    expect(en.body.error?.message).toBe("No advisor matches demo|nobody.");
    const fr = await mutate("commissionOverrides.set", input, "fr");
    expect(fr.status).toBe(404);
    expect(fr.body.error?.message).not.toBe(en.body.error?.message);
    expect(fr.body.error?.message).toContain("demo|nobody");
    // A client is not an advisor either.
    const client = await mutate("commissionOverrides.set", {
      ...input,
      advisorId: "demo|client-sam",
    });
    expect(client.status).toBe(404);
    expect(await counts()).toEqual(before);
  });

  it("bad terms and a past end date are 400s, and nothing changes", async () => {
    const before = await counts();
    const over = await mutate("commissionOverrides.set", {
      advisorId: AMIRA,
      terms: { bps: 10_001 },
      reason: "Too generous",
    });
    expect(over.status).toBe(400);
    expect(over.body.error?.data.appCode).toBe("PLATFORM_RULES_INVALID");
    expect(over.body.error?.message).toContain("“bps”");
    const negative = await mutate(
      "commissionOverrides.set",
      { advisorId: AMIRA, terms: { bps: 1_000, minFee: { USD: -5 } }, reason: "Negative" },
      "es",
    );
    expect(negative.status).toBe(400);
    expect(negative.body.error?.message).toContain("minFee.USD");
    const past = await mutate(
      "commissionOverrides.set",
      {
        advisorId: AMIRA,
        terms: { bps: 1_000 },
        reason: "Ends yesterday",
        endsAt: new Date(Date.now() - 86_400_000).toISOString(),
      },
      "de",
    );
    expect(past.status).toBe(400);
    expect(past.body.error?.data.appCode).toBe("COMMISSION_OVERRIDE_ENDS_IN_PAST");
    expect(past.body.error?.message).toBe(
      "Das Enddatum einer Ausnahme muss in der Zukunft liegen.",
    );
    expect(await counts()).toEqual(before);
  });

  it("an admin sets, lists and ends an override, each audited", async () => {
    const endsAt = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const set = await mutate("commissionOverrides.set", {
      advisorId: AMIRA,
      terms: { bps: 1_000 },
      reason: "Launch partner",
      endsAt,
    });
    expect(set.status).toBe(200);
    const created = set.body.result?.data as { id: string };
    const listed = await call(api.url, "query", "commissionOverrides.list", {
      token: adminToken,
      input: { advisorId: AMIRA },
    });
    expect(listed.body.result?.data).toMatchObject({
      items: [
        {
          id: created.id,
          advisorId: AMIRA,
          terms: { bps: 1_000 },
          reason: "Launch partner",
          endsAt,
          createdBy: "demo|admin",
          endedAt: null,
          status: "live",
        },
      ],
    });

    const ended = await mutate("commissionOverrides.end", {
      id: created.id,
      reason: "Contract ended early",
    });
    expect(ended.status).toBe(200);
    expect(ended.body.result?.data).toMatchObject({ id: created.id, endedBy: "demo|admin" });
    const again = await mutate("commissionOverrides.end", { id: created.id, reason: "Twice over" });
    expect(again.status).toBe(409);
    expect(again.body.error?.data.appCode).toBe("COMMISSION_OVERRIDE_ALREADY_ENDED");
    const unknown = await mutate("commissionOverrides.end", {
      id: "00000000-0000-4000-8000-000000000000",
      reason: "No such thing",
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.data.appCode).toBe("COMMISSION_OVERRIDE_NOT_FOUND");

    const after = await call(api.url, "query", "commissionOverrides.list", {
      token: adminToken,
      input: {},
    });
    expect(after.body.result?.data).toMatchObject({
      items: [{ id: created.id, status: "ended" }],
    });
    const audit = await api.db.db.execute<{ action: string; subject_id: string }>(
      sql`select action, subject_id from audit_log
           where action like 'commission_override.%' order by id`,
    );
    expect(audit.map((r) => [r.action, r.subject_id])).toEqual([
      ["commission_override.set", AMIRA],
      ["commission_override.ended", AMIRA],
    ]);
  });

  it("is for admins only", async () => {
    const res = await call(api.url, "query", "commissionOverrides.list", {
      token: await tokenFor({ id: AMIRA }),
      input: {},
    });
    expect(res.status).toBe(403);
  });
});
