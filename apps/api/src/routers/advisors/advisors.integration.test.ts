import { sql } from "drizzle-orm";
import { getAdvisorProfile, getUserWithRoles } from "@an/db";
import { advisors, skills } from "@an/db/schema";
import type { Locale } from "@an/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

const AMIRA = "demo|advisor-amira";
const LUCAS = "demo|advisor-lucas";
let api: TestApi;
let skillIds: { ts: string; py: string };

beforeAll(async () => {
  api = await startTestApi();
  const db = api.db.db;
  const base = {
    headline: "Engineer",
    bio: "",
    timeZone: "UTC",
    yearsExperience: 5,
    hourlyRate: 10_000,
    currency: "USD",
  };
  await db.insert(advisors).values([
    { ...base, userId: AMIRA, displayName: "Amira Haddad" },
    {
      ...base,
      userId: LUCAS,
      displayName: "Lucas Martin",
      linkedinUrl: "https://linkedin.com/in/lm",
    },
  ]);
  const rows = await db
    .insert(skills)
    .values([
      { slug: "typescript", name: "TypeScript" },
      { slug: "python", name: "Python" },
    ])
    .returning({ id: skills.id, slug: skills.slug });
  skillIds = {
    ts: rows.find((r) => r.slug === "typescript")?.id ?? "",
    py: rows.find((r) => r.slug === "python")?.id ?? "",
  };
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function callerFor(userId: string | null, locale?: Locale) {
  const user = userId ? await getUserWithRoles(api.db.db, { id: userId }) : null;
  return createCaller(
    createContextInner({ db: api.db.db, user, locale, requestId: "req-advisors" }),
  );
}

async function auditActions(advisorId: string): Promise<string[]> {
  const rows = await api.db.db.execute<{ action: string }>(
    sql`select action from audit_log where subject_type = 'advisor' and subject_id = ${advisorId} order by id`,
  );
  return rows.map((r) => r.action);
}

describe("advisor portal", () => {
  let lucasBefore: Awaited<ReturnType<typeof getAdvisorProfile>>;

  beforeAll(async () => {
    lucasBefore = await getAdvisorProfile(api.db.db, { advisorId: LUCAS });
  });

  it("me is the caller's own profile", async () => {
    const me = await (await callerFor(AMIRA)).advisors.getMe();
    expect(me).toMatchObject({ userId: AMIRA, displayName: "Amira Haddad", status: "active" });
  });

  it("updates headline, bio, time zone, years, skills and languages without a review flag", async () => {
    const amira = await callerFor(AMIRA);
    const result = await amira.advisors.updateProfile({
      headline: "Staff engineer",
      bio: "Distributed systems.",
      timeZone: "Africa/Cairo",
      yearsExperience: 12,
      skillIds: [skillIds.ts, skillIds.py, skillIds.ts],
      languages: ["AR-eg", "en"],
    });
    expect(result.flagged).toBe(false);
    expect(result.profile).toMatchObject({
      headline: "Staff engineer",
      bio: "Distributed systems.",
      timeZone: "Africa/Cairo",
      yearsExperience: 12,
      languages: ["ar-EG", "en"],
      flaggedForReviewAt: null,
    });
    expect(result.profile.skills.map((s) => s.name)).toEqual(["Python", "TypeScript"]);
    const [row] = await api.db.db.execute<{ search_text: string }>(
      sql`select search_text from advisors where user_id = ${AMIRA}`,
    );
    expect(row?.search_text).toContain("Staff engineer");
    expect(row?.search_text).toContain("TypeScript");
    expect(await auditActions(AMIRA)).toEqual(["advisor.profile_updated"]);
  });

  it("a new display name or link keeps the advisor live but flags them for review", async () => {
    const amira = await callerFor(AMIRA);
    const result = await amira.advisors.updateProfile({
      displayName: "Amira H.",
      githubUrl: "https://github.com/amira",
      linkedinUrl: "https://www.linkedin.com/in/amira",
      portfolioUrl: "https://amira.dev",
    });
    expect(result.flagged).toBe(true);
    expect(result.profile).toMatchObject({
      displayName: "Amira H.",
      status: "active",
      githubUrl: "https://github.com/amira",
    });
    expect(result.profile.flaggedForReviewAt).toBeInstanceOf(Date);
    expect((await auditActions(AMIRA)).slice(-2)).toEqual([
      "advisor.profile_updated",
      "advisor.flagged_for_review",
    ]);

    const admin = await callerFor("demo|admin");
    const flagged = await admin.advisors.list({ flagged: true });
    expect(flagged.items.map((a) => a.userId)).toEqual([AMIRA]);
    const cleared = await admin.advisors.clearFlag({ advisorId: AMIRA });
    expect(cleared.flaggedForReviewAt).toBeNull();
    expect((await admin.advisors.list({ flagged: true })).items).toEqual([]);
    expect((await auditActions(AMIRA)).at(-1)).toBe("advisor.review_flag_cleared");
  });

  it("saving the same name and links again doesn't flag", async () => {
    const result = await (
      await callerFor(AMIRA)
    ).advisors.updateProfile({
      displayName: "Amira H.",
      githubUrl: "https://github.com/amira",
    });
    expect(result.flagged).toBe(false);
    expect(result.profile.flaggedForReviewAt).toBeNull();
  });

  it("unknown skills are UNKNOWN_SKILLS, naming them", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    await expect(
      (await callerFor(AMIRA)).advisors.updateProfile({ skillIds: [skillIds.ts, missing] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "UNKNOWN_SKILLS" });
  });

  it.each([
    ["an unknown time zone", { timeZone: "Mars/Olympus" }],
    ["an offset, not a zone", { timeZone: "+01:00" }],
    ["negative years", { yearsExperience: -1 }],
    ["an empty display name", { displayName: " " }],
  ])("rejects %s", async (_name, input) => {
    await expect((await callerFor(AMIRA)).advisors.updateProfile(input)).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("bad links are field errors in the caller's language", async () => {
    const token = await tokenFor({ id: AMIRA });
    const res = await call(api.url, "mutation", "advisors.updateProfile", {
      token,
      headers: { "x-locale": "fr" },
      input: {
        portfolioUrl: "http://amira.dev",
        linkedinUrl: "https://linkedin.evil.com/in/amira",
        githubUrl: "https://gitlab.com/amira",
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.fieldErrors).toEqual({
      portfolioUrl: ["Doit être un lien complet en https://."],
      linkedinUrl: ["Doit être un lien complet en https://."],
      githubUrl: ["Doit être un lien complet en https://."],
    });
  });

  it("sets the rate within the limits", async () => {
    const amira = await callerFor(AMIRA);
    expect(await amira.advisors.setRate({ amount: 15_000, currency: "usd" })).toEqual({
      hourlyRate: 15_000,
      currency: "USD",
    });
    expect((await auditActions(AMIRA)).at(-1)).toBe("advisor.rate_changed");
  });

  it.each([
    ["en", 1_999, "The hourly rate must be between $20.00 and $1,000.00."],
    ["en", 100_001, "The hourly rate must be between $20.00 and $1,000.00."],
    [
      "fr",
      1_999,
      "Le tarif horaire doit être compris entre 20,00\u00a0$US et 1\u202f000,00\u00a0$US.",
    ],
  ] as const)(
    "an out-of-limits rate names the limits (%s, %d)",
    async (locale, amount, message) => {
      const token = await tokenFor({ id: AMIRA });
      const res = await call(api.url, "mutation", "advisors.setRate", {
        token,
        headers: { "x-locale": locale },
        input: { amount, currency: "USD" },
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.data.appCode).toBe("RATE_OUT_OF_LIMITS");
      expect(res.body.error?.message).toBe(message);
      expect((await getAdvisorProfile(api.db.db, { advisorId: AMIRA }))?.hourlyRate).toBe(15_000);
    },
  );

  it("a rate in another offered currency clears the pass day rate kept in the old one", async () => {
    const amira = await callerFor(AMIRA);
    await amira.advisors.setAsyncRate({ amount: 4_000 });
    expect((await getAdvisorProfile(api.db.db, { advisorId: AMIRA }))?.asyncDayRate).toBe(4_000);
    // Same currency: the day rate stays.
    await amira.advisors.setRate({ amount: 16_000, currency: "USD" });
    expect((await getAdvisorProfile(api.db.db, { advisorId: AMIRA }))?.asyncDayRate).toBe(4_000);
    // AED 550 an hour: 4,000 would otherwise read as AED 40 a day.
    expect(await amira.advisors.setRate({ amount: 55_000, currency: "AED" })).toEqual({
      hourlyRate: 55_000,
      currency: "AED",
    });
    const after = await getAdvisorProfile(api.db.db, { advisorId: AMIRA });
    expect(after).toMatchObject({ currency: "AED", hourlyRate: 55_000, asyncDayRate: null });
    await amira.advisors.setRate({ amount: 15_000, currency: "USD" });
  });

  it("a currency the platform doesn't offer is CURRENCY_NOT_OFFERED, naming those offered", async () => {
    const amira = await callerFor(AMIRA);
    // JPY is a currency, just not one the default pricing rules offer; XYZ is none.
    for (const currency of ["JPY", "XYZ"]) {
      await expect(amira.advisors.setRate({ amount: 5_000, currency })).rejects.toMatchObject({
        appCode: "CURRENCY_NOT_OFFERED",
        params: { currency, offered: "AED, EGP, EUR, GBP, MAD, SAR, USD" },
      });
    }
    const res = await call(api.url, "mutation", "advisors.setRate", {
      token: await tokenFor({ id: AMIRA }),
      headers: { "x-locale": "de" },
      input: { amount: 5_000, currency: "JPY" },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe(
      "Beratungen können nicht in JPY berechnet werden. Die Plattform bietet an: AED, EGP, EUR, GBP, MAD, SAR, USD.",
    );
    expect((await getAdvisorProfile(api.db.db, { advisorId: AMIRA }))?.currency).toBe("USD");
  });

  it("pauses and resumes bookings", async () => {
    const amira = await callerFor(AMIRA);
    expect(await amira.advisors.setAccepting({ accepting: false })).toEqual({
      acceptingBookings: false,
    });
    expect((await amira.advisors.getMe()).acceptingBookings).toBe(false);
    expect(await amira.advisors.setAccepting({ accepting: true })).toEqual({
      acceptingBookings: true,
    });
    expect((await auditActions(AMIRA)).slice(-2)).toEqual([
      "advisor.bookings_paused",
      "advisor.bookings_resumed",
    ]);
  });

  it("sets the Cal.com event type", async () => {
    const amira = await callerFor(AMIRA);
    expect(await amira.advisors.setCalcomEventType({ eventType: "amira/60min" })).toEqual({
      calcomEventType: "amira/60min",
    });
    await expect(
      amira.advisors.setCalcomEventType({ eventType: "amira 60 min" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await amira.advisors.getMe()).toMatchObject({
      calcomEventType: "amira/60min",
    });
  });

  it("advisor A's calls never touch advisor B (no input names an advisor)", async () => {
    await expect(
      (await callerFor(AMIRA)).advisors.updateProfile({
        advisorId: LUCAS,
        headline: "x",
      } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const lucasAfter = await getAdvisorProfile(api.db.db, { advisorId: LUCAS });
    expect(lucasAfter).toEqual(lucasBefore);
    expect(await auditActions(LUCAS)).toEqual([]);
  });

  it.each([
    ["anonymous", null, "UNAUTHORIZED"],
    ["a client", "demo|client-sam", "FORBIDDEN"],
    ["an admin who isn't an advisor", "demo|admin", "FORBIDDEN"],
  ])("%s can't use the portal", async (_who, userId, code) => {
    const caller = await callerFor(userId);
    await expect(caller.advisors.getMe()).rejects.toMatchObject({ code });
    await expect(caller.advisors.setAccepting({ accepting: false })).rejects.toMatchObject({
      code,
    });
  });
});

describe("admin: list, suspend, reinstate", () => {
  it("lists advisors searchable by name or email, with keyset pages", async () => {
    const admin = await callerFor("demo|admin");
    const first = await admin.advisors.list({ limit: 1 });
    expect(first.items).toHaveLength(1);
    const rest = await admin.advisors.list({ limit: 5, cursor: first.nextCursor });
    expect([...first.items, ...rest.items].map((a) => a.userId).sort()).toEqual([AMIRA, LUCAS]);
    expect(rest.nextCursor).toBeNull();
    expect(
      (await admin.advisors.list({ search: "lucas@demo" })).items.map((a) => a.userId),
    ).toEqual([LUCAS]);
    expect((await admin.advisors.list({ search: "amira h." })).items.map((a) => a.userId)).toEqual([
      AMIRA,
    ]);
  });

  it("suspending requires a reason", async () => {
    const admin = await callerFor("demo|admin");
    await expect(admin.advisors.suspend({ advisorId: LUCAS, reason: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      admin.advisors.suspend({ advisorId: LUCAS } as { advisorId: string; reason: string }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect((await getAdvisorProfile(api.db.db, { advisorId: LUCAS }))?.status).toBe("active");
  });

  it("suspends with a reason (audited) and reinstates (audited, cleared)", async () => {
    const admin = await callerFor("demo|admin");
    const suspended = await admin.advisors.suspend({
      advisorId: LUCAS,
      reason: "Complaints under review",
    });
    expect(suspended).toMatchObject({
      status: "suspended",
      suspendedReason: "Complaints under review",
    });
    expect(suspended.suspendedAt).toBeInstanceOf(Date);
    expect((await admin.advisors.list({ status: "suspended" })).items.map((a) => a.userId)).toEqual(
      [LUCAS],
    );
    const [audit] = await api.db.db.execute<{
      actor_id: string;
      before: { status: string };
      after: { status: string; suspendedReason: string };
    }>(
      sql`select actor_id, before, after from audit_log where action = 'advisor.suspended' and subject_id = ${LUCAS}`,
    );
    expect(audit).toMatchObject({
      actor_id: "demo|admin",
      before: { status: "active" },
      after: { status: "suspended", suspendedReason: "Complaints under review" },
    });

    const reinstated = await admin.advisors.reinstate({
      advisorId: LUCAS,
      reason: "Resolved with the client",
    });
    expect(reinstated).toEqual({
      userId: LUCAS,
      status: "active",
      suspendedReason: null,
      suspendedAt: null,
    });
    const detail = await admin.advisors.get({ advisorId: LUCAS });
    expect(detail.advisor.status).toBe("active");
    expect(detail.audit.map((a) => a.action).slice(0, 2)).toEqual([
      "advisor.reinstated",
      "advisor.suspended",
    ]);
    expect(detail.audit[0]?.after).toMatchObject({ reason: "Resolved with the client" });
  });

  it("an unknown advisor is ADVISOR_NOT_FOUND", async () => {
    const admin = await callerFor("demo|admin");
    await expect(
      admin.advisors.suspend({ advisorId: "demo|client-sam", reason: "test reason" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "ADVISOR_NOT_FOUND" });
  });

  it.each([
    ["anonymous", null, "UNAUTHORIZED"],
    ["a client", "demo|client-sam", "FORBIDDEN"],
    ["an advisor", AMIRA, "FORBIDDEN"],
  ])("%s can't list, suspend or reinstate", async (_who, userId, code) => {
    const caller = await callerFor(userId);
    await expect(caller.advisors.list()).rejects.toMatchObject({ code });
    await expect(
      caller.advisors.suspend({ advisorId: LUCAS, reason: "because" }),
    ).rejects.toMatchObject({ code });
    await expect(
      caller.advisors.reinstate({ advisorId: LUCAS, reason: "because" }),
    ).rejects.toMatchObject({ code });
    expect((await getAdvisorProfile(api.db.db, { advisorId: LUCAS }))?.status).toBe("active");
  });
});
