import { getUserWithRoles, grantRole, seedDemoData } from "@an/db";
import { insertAdvisor, insertConsultation, useTestDatabase } from "@an/db/testing";
import { describe, expect, it } from "vitest";
import { createContextInner } from "./trpc/context";
import { appRouter, createCaller } from "./trpc/router";

/**
 * The authorization matrix: every procedure × every kind of caller. Each procedure names
 * the rung of the ladder it needs and a valid sample input; the test fails when a
 * procedure is added without a row here, so nothing ships unchecked. Object-level rules
 * (whose data) are asserted in each router's own tests and in the privacy test.
 */
type Rung = "public" | "signed_in" | "advisor" | "admin";
type Principal =
  "anonymous" | "client" | "another_client" | "advisor" | "another_advisor" | "admin";

const PRINCIPALS: Record<Principal, string | null> = {
  anonymous: null,
  client: "demo|client-sam",
  another_client: "demo|client-diego",
  advisor: "demo|advisor-amira",
  another_advisor: "demo|advisor-lucas",
  admin: "demo|admin",
};

const allowed: Record<Rung, Principal[]> = {
  public: ["anonymous", "client", "another_client", "advisor", "another_advisor", "admin"],
  signed_in: ["client", "another_client", "advisor", "another_advisor", "admin"],
  advisor: ["advisor", "another_advisor"],
  admin: ["admin"],
};

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: "demo|advisor-amira", displayName: "Amira Haddad" });
  await insertAdvisor(db.db, { userId: "demo|advisor-lucas", displayName: "Lucas Martin" });
});

const UUID = "00000000-0000-4000-8000-000000000000";

/** Procedure path → [rung, sample input]. */
export const MATRIX: Record<string, [Rung, () => unknown]> = {
  "auth.getMe": ["signed_in", () => undefined],
  // Dev-only: open to anyone in development, refused outright in production (tested elsewhere).
  "sandbox.listUsers": ["public", () => undefined],
  "sandbox.signIn": ["public", () => ({ email: "sam@demo.advisor.network" })],
  "users.list": ["admin", () => ({})],
  "users.get": ["admin", () => ({ userId: "demo|client-sam" })],
  "users.grantRole": ["admin", () => ({ userId: "demo|client-sam", role: "client" })],
  "users.revokeRole": ["admin", () => ({ userId: "demo|client-diego", role: "advisor" })],
  "notifications.list": ["admin", () => ({})],
  "reviews.create": ["signed_in", () => ({ consultationId: UUID, rating: 5, body: "x" })],
  "reviews.reply": ["advisor", () => ({ reviewId: UUID, reply: "x" })],
  "reviews.hide": ["admin", () => ({ reviewId: UUID, reason: "abuse" })],
  "reviews.unhide": ["admin", () => ({ reviewId: UUID, reason: "appeal" })],
  "reviews.listForAdvisor": ["public", () => ({ advisorId: "demo|advisor-amira" })],
  "reviews.listForModeration": ["admin", () => ({})],
  "skills.list": ["public", () => ({})],
  "skills.resolve": ["public", () => ({ terms: ["node.js"] })],
  "skills.create": ["admin", () => ({ name: `Skill ${Math.random()}` })],
  "skills.rename": ["admin", () => ({ skillId: UUID, name: "Renamed" })],
  "skills.addSynonym": ["admin", () => ({ skillId: UUID, term: "syn" })],
  "skills.removeSynonym": ["admin", () => ({ skillId: UUID, term: "syn" })],
  "skills.merge": [
    "admin",
    () => ({ sourceId: UUID, targetId: "00000000-0000-4000-8000-000000000001" }),
  ],
  "advisors.getMe": ["advisor", () => undefined],
  "advisors.updateProfile": ["advisor", () => ({ headline: "Still helping teams ship" })],
  "advisors.setRate": ["advisor", () => ({ amount: 15_000, currency: "USD" })],
  "advisors.setAsyncRate": ["advisor", () => ({ amount: 5_000 })],
  "advisors.setAccepting": ["advisor", () => ({ accepting: true })],
  "advisors.setCalcomEventType": ["advisor", () => ({ eventType: "amira/consult" })],
  "advisors.list": ["admin", () => ({})],
  "advisors.get": ["admin", () => ({ advisorId: "demo|advisor-amira" })],
  "advisors.suspend": ["admin", () => ({ advisorId: "nobody", reason: "policy breach" })],
  "advisors.reinstate": ["admin", () => ({ advisorId: "nobody", reason: "appeal upheld" })],
  "advisors.clearFlag": ["admin", () => ({ advisorId: "demo|advisor-amira" })],
  "applications.getMine": ["signed_in", () => undefined],
  "applications.saveDraft": ["signed_in", () => ({ profile: { displayName: "Applicant" } })],
  "applications.submit": ["signed_in", () => ({ id: UUID })],
  "applications.listQueue": ["admin", () => ({})],
  "applications.get": ["admin", () => ({ id: UUID })],
  "applications.approve": ["admin", () => ({ id: UUID })],
  "applications.reject": ["admin", () => ({ id: UUID, reason: "Not a fit right now" })],
  "applications.requestChanges": ["admin", () => ({ id: UUID, notes: "Please add links" })],
  "discovery.search": ["public", () => ({ q: "ship" })],
  "discovery.getProfile": ["public", () => ({ advisorId: "demo|advisor-amira" })],
  "bookings.prepare": ["signed_in", () => ({ advisorId: "nobody", durationMinutes: 60 })],
  // Passes: any signed-in user may ask; the project's owner (and, to list, an admin) is
  // checked per object (passes.integration.test.ts has the per-caller matrix).
  "passes.quote": [
    "signed_in",
    () => ({ advisorId: "demo|advisor-amira", projectId: UUID, days: 3 }),
  ],
  "passes.purchase": [
    "signed_in",
    () => ({ advisorId: "demo|advisor-amira", projectId: UUID, days: 3 }),
  ],
  "passes.listForProject": ["signed_in", () => ({ projectId: UUID })],
  "passes.cancel": ["signed_in", () => ({ consultationId: UUID })],
  "consultations.list": ["signed_in", () => ({ as: "client" })],
  "consultations.get": ["signed_in", () => ({ consultationId: UUID })],
  "consultations.cancel": ["signed_in", () => ({ consultationId: UUID })],
  "consultations.reportNoShow": ["signed_in", () => ({ consultationId: UUID })],
  "consultations.openDispute": [
    "signed_in",
    () => ({ consultationId: UUID, reason: "The session did not happen as agreed" }),
  ],
  "consultations.listForAdmin": ["admin", () => ({})],
  "consultations.getForAdmin": ["admin", () => ({ consultationId: UUID })],
  "consultations.previewRefund": ["admin", () => ({ consultationId: UUID, amount: 100 })],
  "consultations.refund": [
    "admin",
    () => ({ consultationId: UUID, amount: 100, reason: "goodwill" }),
  ],
  "consultations.resolveDispute": [
    "admin",
    () => ({ consultationId: UUID, refundAmount: 0, reason: "no fault found" }),
  ],
  "consultations.resolveNoShow": [
    "admin",
    () => ({ consultationId: UUID, upheld: false, reason: "client attended" }),
  ],
  "consultations.markNoShow": [
    "admin",
    () => ({ consultationId: UUID, absent: "client", reason: "no client in call" }),
  ],
  "incidents.list": ["admin", () => ({})],
  "incidents.resolve": ["admin", () => ({ id: UUID, resolution: "handled" })],
  "ledger.listBalances": ["admin", () => ({})],
  "ledger.listForConsultation": ["admin", () => ({ consultationId: UUID })],
  "webhookEvents.list": ["admin", () => ({})],
  "webhookEvents.get": ["admin", () => ({ id: UUID })],
  "webhookEvents.replay": ["admin", () => ({ id: UUID, reason: "fixed the handler" })],
  "payouts.createOnboardingLink": ["advisor", () => ({})],
  "payouts.getAccount": ["advisor", () => ({})],
  "payouts.updateSchedule": ["advisor", () => ({ cadence: "weekly", weekday: 5 })],
  "payoutAdmin.listBatches": ["admin", () => ({})],
  "payoutAdmin.getBatch": ["admin", () => ({ id: UUID })],
  "payoutAdmin.listItems": ["admin", () => ({})],
  "payoutAdmin.listReversals": ["admin", () => ({})],
  "payoutAdmin.getAdvisor": ["admin", () => ({ advisorId: "demo|advisor-amira" })],
  "payoutAdmin.retryItem": ["admin", () => ({ itemId: UUID })],
  "payoutAdmin.cancelItem": ["admin", () => ({ itemId: UUID, reason: "duplicate booking" })],
  "payoutAdmin.hold": ["admin", () => ({ advisorId: "demo|advisor-lucas", reason: "KYC review" })],
  "payoutAdmin.releaseHold": ["admin", () => ({ advisorId: "demo|advisor-lucas" })],
  "payoutAdmin.runOffCycle": ["admin", () => ({ advisorId: "demo|advisor-lucas" })],
  "payoutAdmin.retryReversal": ["admin", () => ({ reversalId: UUID })],
  // Dev-only as well (refused outside development sign-in; tested in the payouts router).
  "sandbox.endHoldWindow": ["admin", () => ({ consultationId: UUID })],
  "earnings.getSummary": ["advisor", () => ({})],
  "earnings.listPayouts": ["advisor", () => ({})],
  "earnings.listConsultations": ["advisor", () => ({})],
  "finance.getSummary": [
    "admin",
    () => ({ from: "2026-11-01T00:00:00Z", to: "2026-11-24T00:00:00Z", currency: "USD" }),
  ],
  "reconciliation.run": [
    "admin",
    () => ({ from: "2026-11-01T00:00:00Z", to: "2026-11-24T00:00:00Z" }),
  ],
  "reconciliation.list": ["admin", () => ({})],
  "reconciliation.get": ["admin", () => ({ id: UUID })],
};

const procedures = Object.keys(appRouter._def.procedures);

async function call(principal: Principal, path: string, input: unknown) {
  const userId = PRINCIPALS[principal];
  const user = userId ? await getUserWithRoles(t.db, { id: userId }) : null;
  const ctx = createContextInner({
    db: t.db,
    user,
    devAuth: { enabled: true, secret: "x".repeat(40), ttlSeconds: 60 },
  });
  const caller = createCaller(ctx) as unknown as Record<
    string,
    Record<string, (i: unknown) => Promise<unknown>>
  >;
  const [namespace, name] = path.split(".") as [string, string];
  return caller[namespace]![name]!(input).then(
    () => "allowed" as const,
    (error: { code?: string }) =>
      error.code === "UNAUTHORIZED" || error.code === "FORBIDDEN" ? "denied" : "allowed",
  );
}

describe("authorization matrix", () => {
  it("covers every procedure of the API", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...procedures].sort());
  });

  const cases = Object.entries(MATRIX).flatMap(([path, [rung, input]]) =>
    (Object.keys(PRINCIPALS) as Principal[]).map((principal) => ({
      path,
      principal,
      input,
      expected: allowed[rung].includes(principal) ? ("allowed" as const) : ("denied" as const),
    })),
  );

  it.each(cases)(
    "$path as $principal is $expected",
    async ({ path, principal, input, expected }) => {
      // Rate limits and dev sign-in are not what this test is about: both are tested on their own.
      expect(await call(principal, path, input())).toBe(expected);
    },
  );
});

describe("object-level checks across users", () => {
  it("a client can't review another client's consultation; an advisor can't reply on another's review", async () => {
    const consultationId = await insertConsultation(t.db, {
      clientId: "demo|client-sam",
      advisorId: "demo|advisor-amira",
      startsAt: new Date(Date.now() - 86_400_000),
    });
    const diego = createCaller(
      createContextInner({
        db: t.db,
        user: await getUserWithRoles(t.db, { id: "demo|client-diego" }),
      }),
    );
    await expect(
      diego.reviews.create({ consultationId, rating: 1, body: "x" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const sam = createCaller(
      createContextInner({
        db: t.db,
        user: await getUserWithRoles(t.db, { id: "demo|client-sam" }),
      }),
    );
    const { reviewId } = await sam.reviews.create({ consultationId, rating: 4, body: "Good" });
    const lucas = createCaller(
      createContextInner({
        db: t.db,
        user: await getUserWithRoles(t.db, { id: "demo|advisor-lucas" }),
      }),
    );
    await expect(lucas.reviews.reply({ reviewId, reply: "Not mine" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("an advisor role alone doesn't open admin procedures", async () => {
    await t.db.transaction((tx) =>
      grantRole(tx, {
        userId: "demo|client-diego",
        role: "advisor",
        actor: { kind: "system", label: "test" },
        notify: false,
      }),
    );
    const diego = createCaller(
      createContextInner({
        db: t.db,
        user: await getUserWithRoles(t.db, { id: "demo|client-diego" }),
      }),
    );
    await expect(diego.users.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("privacy: what an advisor can see of clients", () => {
  it("no procedure an advisor can call returns a client's email or last name", async () => {
    // Data present: Sam and Diego booked Amira, reviewed her, and she replied.
    for (const client of ["demo|client-sam", "demo|client-diego"]) {
      const consultationId = await insertConsultation(t.db, {
        clientId: client,
        advisorId: "demo|advisor-amira",
        startsAt: new Date(Date.now() - 2 * 86_400_000),
      });
      const caller = createCaller(
        createContextInner({ db: t.db, user: await getUserWithRoles(t.db, { id: client }) }),
      );
      const { reviewId } = await caller.reviews.create({
        consultationId,
        rating: 5,
        body: "Very helpful",
      });
      const amira = createCaller(
        createContextInner({
          db: t.db,
          user: await getUserWithRoles(t.db, { id: "demo|advisor-amira" }),
        }),
      );
      await amira.reviews.reply({ reviewId, reply: "Thank you!" });
    }
    const secrets = ["sam@demo.advisor.network", "Carter", "diego@demo.advisor.network", "Ruiz"];
    const advisor = await getUserWithRoles(t.db, { id: "demo|advisor-amira" });
    // Production-like: dev sign-in (which lists demo users) is off outside development.
    const caller = createCaller(
      createContextInner({ db: t.db, user: advisor }),
    ) as unknown as Record<string, Record<string, (i: unknown) => Promise<unknown>>>;
    const callable = Object.entries(MATRIX).filter(([, [rung]]) =>
      allowed[rung].includes("advisor"),
    );
    expect(callable.length).toBeGreaterThan(10);
    let answered = 0;
    for (const [path, [, input]] of callable) {
      const [namespace, name] = path.split(".") as [string, string];
      const response = await caller[namespace]![name]!(input()).catch(() => null);
      if (response === null) continue;
      answered += 1;
      const text = JSON.stringify(response);
      for (const secret of secrets) expect(text, `${path} leaks ${secret}`).not.toContain(secret);
    }
    expect(answered).toBeGreaterThan(8);
    // The advisor's own consultation views, over the consultations both clients booked.
    const mine = (await caller.consultations!.list!({ as: "advisor" })) as {
      items: { id: string }[];
    };
    expect(mine.items.length).toBeGreaterThanOrEqual(2);
    for (const response of [
      mine,
      ...(await Promise.all(
        mine.items.map((c) => caller.consultations!.get!({ consultationId: c.id })),
      )),
    ]) {
      const text = JSON.stringify(response);
      for (const secret of secrets)
        expect(text, `consultations leak ${secret}`).not.toContain(secret);
    }
    const reviews = await caller.reviews!.listForAdvisor!({ advisorId: "demo|advisor-amira" });
    expect(JSON.stringify(reviews)).toContain("Sam");
  });
});
