import { appendMessage, getUserWithRoles, grantRole, seedDemoData } from "@an/db";
import { users } from "@an/db/schema";
import {
  grantTestPlan,
  insertAdvisor,
  insertConsultation,
  jobPayloads,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import { beforeAll, describe, expect, it } from "vitest";
import {
  admitAdvisor,
  assistantKey,
  chatCaller,
  inviteAdvisor,
} from "./routers/chat/test-fixtures";
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
  "auth.updatePreferences": ["signed_in", () => ({ locale: "fr", timeZone: "Europe/Paris" })],
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
  // Object-level: owner or admin, anyone else NOT_FOUND (the "project rows" test below).
  "projects.create": ["signed_in", () => ({ name: `Project ${Math.random()}` })],
  "projects.listMine": ["signed_in", () => ({})],
  "projects.get": ["signed_in", () => ({ projectId: UUID })],
  "projects.update": ["signed_in", () => ({ projectId: UUID, name: "Renamed" })],
  "projects.archive": ["signed_in", () => ({ projectId: UUID })],
  "projects.unarchive": ["signed_in", () => ({ projectId: UUID })],
  "projects.suggestAdvisors": ["signed_in", () => ({ projectId: UUID })],
  "projects.listForAdmin": ["admin", () => ({})],
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
  // Dev-only as well (refused outside development sign-in; tested in the payouts and sandbox routers).
  "sandbox.endHoldWindow": ["admin", () => ({ consultationId: UUID })],
  "sandbox.endPassWindow": ["admin", () => ({ consultationId: UUID })],
  "sandbox.billingState": ["admin", () => ({ userId: "demo|client-sam" })],
  "sandbox.billingAdvanceClock": ["admin", () => ({ userId: "demo|client-sam", days: 1 })],
  "sandbox.billingSetCard": ["admin", () => ({ userId: "demo|client-sam", card: "declines" })],
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
  "chatAdmin.listConversations": ["admin", () => ({ flaggedOnly: true })],
  "chatAdmin.readConversation": ["admin", () => ({ conversationId: UUID })],
  "chatAdmin.hideMessage": ["admin", () => ({ messageId: UUID, reason: "off-platform payment" })],
  "chatAdmin.unhideMessage": ["admin", () => ({ messageId: UUID, reason: "appeal upheld" })],
  "chatAdmin.listFlagged": ["admin", () => ({})],
  "chatAdmin.resolveReports": ["admin", () => ({ messageId: UUID, note: "warned the sender" })],
  "serviceCredentials.list": ["admin", () => undefined],
  "serviceCredentials.issue": ["admin", () => ({ name: "matrix", scope: "assistant" })],
  "serviceCredentials.revoke": ["admin", () => ({ id: UUID })],
  "platformRules.get": ["admin", () => ({ kind: "advisor_onboarding" })],
  "platformRules.setAdvisorOnboarding": [
    "admin",
    () => ({ mode: "open", reason: "authorization matrix" }),
  ],
  "platformRules.preview": ["admin", () => ({ kind: "commission", rules: { bps: 1_500 } })],
  "platformRules.set": [
    "admin",
    () => ({ kind: "commission", rules: { bps: 2_000 }, reason: "authorization matrix" }),
  ],
  "commissionOverrides.list": ["admin", () => ({})],
  "commissionOverrides.set": [
    "admin",
    () => ({
      advisorId: "demo|advisor-lucas",
      terms: { bps: 1_000 },
      reason: "authorization matrix",
    }),
  ],
  "commissionOverrides.end": ["admin", () => ({ id: UUID, reason: "authorization matrix" })],
  "applicationInvitations.issue": ["admin", () => ({ email: "matrix@example.com" })],
  "applicationInvitations.list": ["admin", () => undefined],
  "applicationInvitations.revoke": ["admin", () => ({ id: UUID })],
  // Chat: any signed-in user or the assistant's key reaches them; whose conversation it is
  // is decided per object (the chat matrix below).
  "chat.send": ["signed_in", () => ({ conversationId: UUID, clientMsgId: "m1", body: "hi" })],
  "chat.listHistory": ["signed_in", () => ({ conversationId: UUID })],
  "chat.edit": ["signed_in", () => ({ messageId: UUID, body: "edited" })],
  "chat.delete": ["signed_in", () => ({ messageId: UUID })],
  "chat.markRead": ["signed_in", () => ({ conversationId: UUID, seq: 1 })],
  "chat.listConversations": ["signed_in", () => ({})],
  "chat.getConversation": ["signed_in", () => ({ conversationId: UUID })],
  "chat.report": ["signed_in", () => ({ messageId: UUID, reason: "spam" })],
  // Object-level rules (owner, admin, the invited advisor) in "invitations: one invitation" below.
  "invitations.create": [
    "signed_in",
    () => ({ projectId: UUID, advisorId: "demo|advisor-amira", seesHistory: false, canPost: true }),
  ],
  "invitations.listForProject": ["signed_in", () => ({ projectId: UUID })],
  "invitations.listMine": ["advisor", () => ({})],
  "invitations.accept": ["advisor", () => ({ invitationId: UUID })],
  "invitations.decline": ["advisor", () => ({ invitationId: UUID })],
  "invitations.revoke": ["signed_in", () => ({ invitationId: UUID })],
  // Platform subscriptions: the caller's own billing (refusals here make no provider call).
  "billing.plans": ["signed_in", () => ({})],
  "billing.checkout": [
    "signed_in",
    () => ({ planKey: "no-such-plan", currency: "USD", interval: "month" }),
  ],
  "billing.portal": ["signed_in", () => ({})],
  "billing.cancel": ["signed_in", () => ({ atPeriodEnd: true })],
  "billing.resume": ["signed_in", () => ({})],
  "billing.status": ["signed_in", () => undefined],
  "billing.syncAfterCheckout": ["signed_in", () => ({})],
  "billingAdmin.listPlans": ["admin", () => undefined],
  "billingAdmin.createPlan": [
    "admin",
    () => ({
      key: "matrix-plan",
      texts: { en: { name: "Matrix", description: "" } },
      entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 2, buyPasses: true },
      prices: [],
      reason: "matrix test",
    }),
  ],
  "billingAdmin.updatePlan": ["admin", () => ({ key: "no-such-plan", reason: "matrix test" })],
  "billingAdmin.setPlanPrice": [
    "admin",
    () => ({
      key: "no-such-plan",
      currency: "USD",
      interval: "month",
      amount: 1000,
      trialDays: 0,
      reason: "matrix test",
    }),
  ],
  "billingAdmin.removePlanPrice": [
    "admin",
    () => ({ key: "no-such-plan", currency: "USD", interval: "month", reason: "matrix test" }),
  ],
  "billingAdmin.setPlanStatus": [
    "admin",
    () => ({ key: "no-such-plan", status: "retired", reason: "matrix test" }),
  ],
  "billingAdmin.listSubscribers": ["admin", () => ({})],
  "billingAdmin.getSubscriber": ["admin", () => ({ userId: "demo|client-sam" })],
  "billingAdmin.resync": ["admin", () => ({ userId: "demo|client-sam" })],
  "billingAdmin.grantComplimentary": [
    "admin",
    () => ({
      userId: "demo|client-sam",
      planKey: "no-such-plan",
      reason: "matrix test",
      endsAt: new Date(Date.now() + 86_400_000).toISOString(),
    }),
  ],
  "billingAdmin.revokeComplimentary": ["admin", () => ({ grantId: UUID, reason: "matrix test" })],
  "billingAdmin.runReconciliation": ["admin", () => ({})],
  "billingAdmin.listReconciliationRuns": ["admin", () => ({})],
  // Members only beyond the rung: chat/chat-live-access.integration.test.ts has the chat matrix.
  "chat.onEvents": ["signed_in", () => ({ conversationId: UUID })],
  "chat.setTyping": ["signed_in", () => ({ conversationId: UUID })],
};

const procedures = Object.keys(appRouter._def.procedures);
/** The live stream's procedures, checked by the live router's own tests. */
const CHAT_LIVE = new Set(["chat.onEvents", "chat.setTyping"]);

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

/** A project of `ownerId`'s with its conversation and owner membership (as createProject makes). */
/** A project of `ownerId`'s with its conversation; the project's id. */
async function seedInvitationProject(ownerId: string) {
  const { projectId } = await seedProjectChat(t.db, { ownerId, name: `Project of ${ownerId}` });
  return projectId;
}

async function userCaller(userId: string | null) {
  const user = userId ? await getUserWithRoles(t.db, { id: userId }) : null;
  return createCaller(createContextInner({ db: t.db, user })) as unknown as Record<
    string,
    Record<string, (i: unknown) => Promise<unknown>>
  >;
}

// Runs before "object-level checks across users", which makes Diego an advisor.
describe("invitations: one invitation, every caller", () => {
  // Two advisors in Sam's project (Amira, then Lucas): more than the free tier allows.
  beforeAll(() => grantTestPlan(t.db, "demo|client-sam"));
  type Caller =
    "owner" | "another_client" | "invited_advisor" | "another_advisor" | "admin" | "anonymous";
  const CALLERS: Record<Caller, string | null> = {
    owner: "demo|client-sam",
    another_client: "demo|client-diego",
    invited_advisor: "demo|advisor-amira",
    another_advisor: "demo|advisor-lucas",
    admin: "demo|admin",
    anonymous: null,
  };
  /**
   * `allowed`: done. `denied`: unauthenticated, forbidden or not found (the invitation and
   * the project are not the caller's to see). `refused`: the caller may, but not in this
   * state (an invitation already accepted can't be accepted again).
   */
  type Outcome = "allowed" | "denied" | "refused";
  type Phase = "pending" | "accepted";
  const PROCEDURES: Record<
    string,
    {
      input: (ids: { projectId: string; invitationId: string }) => unknown;
      expect: (c: Caller, p: Phase) => Outcome;
    }
  > = {
    create: {
      input: ({ projectId }) => ({
        projectId,
        advisorId: "demo|advisor-lucas",
        seesHistory: false,
        canPost: true,
      }),
      expect: (c) => (c === "owner" || c === "admin" ? "allowed" : "denied"),
    },
    listForProject: {
      input: ({ projectId }) => ({ projectId }),
      expect: (c) => (c === "owner" || c === "admin" ? "allowed" : "denied"),
    },
    listMine: {
      input: () => ({}),
      expect: (c) => (c === "invited_advisor" || c === "another_advisor" ? "allowed" : "denied"),
    },
    accept: {
      input: ({ invitationId }) => ({ invitationId }),
      expect: (c, p) =>
        c !== "invited_advisor" ? "denied" : p === "pending" ? "allowed" : "refused",
    },
    decline: {
      input: ({ invitationId }) => ({ invitationId }),
      expect: (c, p) =>
        c !== "invited_advisor" ? "denied" : p === "pending" ? "allowed" : "refused",
    },
    revoke: {
      input: ({ invitationId }) => ({ invitationId }),
      expect: (c) => (c === "owner" || c === "admin" ? "allowed" : "denied"),
    },
  };
  const cases = Object.entries(PROCEDURES).flatMap(([procedure, spec]) =>
    (["pending", "accepted"] as const).flatMap((phase) =>
      (Object.keys(CALLERS) as Caller[]).map((caller) => ({
        procedure,
        phase,
        caller,
        spec,
        expected: spec.expect(caller, phase),
      })),
    ),
  );

  it.each(cases)(
    "invitations.$procedure on a $phase invitation as $caller is $expected",
    async ({ procedure, phase, caller, spec, expected }) => {
      const projectId = await seedInvitationProject("demo|client-sam");
      const sam = await userCaller("demo|client-sam");
      const { id: invitationId } = (await sam.invitations!.create!({
        projectId,
        advisorId: "demo|advisor-amira",
        seesHistory: false,
        canPost: true,
      })) as { id: string };
      if (phase === "accepted") {
        await (
          await userCaller("demo|advisor-amira")
        ).invitations!.accept!({ invitationId });
      }
      const outcome = await (
        await userCaller(CALLERS[caller])
      ).invitations![procedure]!(spec.input({ projectId, invitationId })).then(
        (value) => ({ kind: "allowed" as Outcome, value }),
        (error: { code?: string }) => ({
          kind: (["UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND"].includes(error.code ?? "")
            ? "denied"
            : error.code === "CONFLICT"
              ? "refused"
              : `unexpected ${error.code}`) as Outcome,
          value: null,
        }),
      );
      expect(outcome.kind).toBe(expected);
      if (procedure === "listMine" && outcome.value) {
        const ids = (outcome.value as { items: { id: string }[] }).items.map((i) => i.id);
        expect(ids.includes(invitationId)).toBe(caller === "invited_advisor");
      }
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

  it("a project answers its owner and admins; another client, an advisor and anonymous callers get nothing", async () => {
    const callerAs = async (principal: Principal) => {
      const userId = PRINCIPALS[principal];
      return createCaller(
        createContextInner({
          db: t.db,
          user: userId ? await getUserWithRoles(t.db, { id: userId }) : null,
        }),
      );
    };
    const owner = await callerAs("client");
    const project = await owner.projects.create({ name: "Matrix project" });
    const expected: Record<Principal, "allowed" | "NOT_FOUND" | "UNAUTHORIZED"> = {
      anonymous: "UNAUTHORIZED",
      client: "allowed",
      another_client: "NOT_FOUND",
      advisor: "NOT_FOUND",
      another_advisor: "NOT_FOUND",
      admin: "allowed",
    };
    const procedures = [
      (c: Awaited<ReturnType<typeof callerAs>>) => c.projects.get({ projectId: project.id }),
      (c: Awaited<ReturnType<typeof callerAs>>) =>
        c.projects.suggestAdvisors({ projectId: project.id }),
      (c: Awaited<ReturnType<typeof callerAs>>) =>
        c.projects.update({ projectId: project.id, description: "seen" }),
      (c: Awaited<ReturnType<typeof callerAs>>) => c.projects.archive({ projectId: project.id }),
      (c: Awaited<ReturnType<typeof callerAs>>) => c.projects.unarchive({ projectId: project.id }),
    ];
    for (const principal of Object.keys(expected) as Principal[]) {
      const caller = await callerAs(principal);
      for (const [i, run] of procedures.entries()) {
        const outcome = await run(caller).then(
          () => "allowed",
          (error: { code?: string }) => error.code,
        );
        expect(outcome, `${principal} #${i}`).toBe(expected[principal]);
      }
    }
    // Nobody but the owner lists it as theirs.
    const others = await callerAs("another_client");
    expect((await others.projects.listMine({})).items.map((p) => p.id)).not.toContain(project.id);
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

  it("invitations and their notifications show an advisor the client's first name only", async () => {
    const secrets = ["sam@demo.advisor.network", "Carter", "diego@demo.advisor.network", "Ruiz"];
    const amira = await userCaller("demo|advisor-amira");
    const ids: string[] = [];
    for (const owner of ["demo|client-sam", "demo|client-diego"]) {
      const projectId = await seedInvitationProject(owner);
      const created = (await (
        await userCaller(owner)
      ).invitations!.create!({
        projectId,
        advisorId: "demo|advisor-amira",
        seesHistory: true,
        canPost: true,
      })) as { id: string };
      ids.push(created.id);
    }
    const responses = [
      await amira.invitations!.listMine!({}),
      await amira.invitations!.accept!({ invitationId: ids[0] }),
      await amira.invitations!.decline!({ invitationId: ids[1] }),
    ];
    await (
      await userCaller("demo|client-sam")
    ).invitations!.revoke!({ invitationId: ids[0] });
    responses.push(await amira.invitations!.listMine!({}));
    const notices = (
      await jobPayloads<{ userId: string; params: { invitationId?: string } }>(
        t.db,
        "send_notification",
      )
    ).filter((n) => n.userId === "demo|advisor-amira" && ids.includes(n.params.invitationId ?? ""));
    // Received ×2 and revoked ×1 (accepted and declined go to the owners).
    expect(notices).toHaveLength(3);
    for (const [i, response] of [...responses, ...notices].entries()) {
      const text = JSON.stringify(response);
      for (const secret of secrets)
        expect(text, `output ${i} leaks ${secret}`).not.toContain(secret);
    }
    expect(JSON.stringify(responses[0])).toContain("Sam");
    expect(JSON.stringify(responses[0])).toContain("Diego");
  });
});

/**
 * The chat matrix: every chat procedure × every kind of chat caller, over a real
 * conversation (Sam's project; Amira accepted an invitation and has a running pass; Noor
 * is invited but hasn't answered). "not_found" is what strangers get: a conversation's
 * existence isn't theirs to learn.
 */
describe("chat authorization matrix", () => {
  type ChatPrincipal =
    | "owner"
    | "another_client"
    | "pending_advisor"
    | "accepted_advisor"
    | "another_advisor"
    | "assistant"
    | "admin";
  type Outcome = "ok" | "forbidden" | "not_found";
  const NOOR = "test|advisor-noor";
  const fixture = {
    projectId: "",
    conversationId: "",
    assistantKey: "",
    assistantCredentialId: "",
  };

  beforeAll(async () => {
    await t.db.insert(users).values({ id: NOOR, firstName: "Noor", lastName: "Saleh" });
    await insertAdvisor(t.db, { userId: NOOR, displayName: "Noor Saleh" });
    await t.db.transaction((tx) =>
      grantRole(tx, {
        userId: NOOR,
        role: "advisor",
        actor: { kind: "system", label: "test" },
        notify: false,
      }),
    );
    const chat = await seedProjectChat(t.db, { ownerId: "demo|client-sam" });
    await admitAdvisor(t.db, {
      ...chat,
      advisorId: "demo|advisor-amira",
      clientId: "demo|client-sam",
    });
    await inviteAdvisor(t.db, {
      projectId: chat.projectId,
      advisorId: NOOR,
      invitedBy: "demo|client-sam",
    });
    const key = await assistantKey(t.db);
    Object.assign(fixture, chat, { assistantKey: key.key, assistantCredentialId: key.id });
  });

  const callerFor = async (who: ChatPrincipal) => {
    const ids: Record<Exclude<ChatPrincipal, "assistant">, string> = {
      owner: "demo|client-sam",
      another_client: "demo|client-diego",
      pending_advisor: NOOR,
      accepted_advisor: "demo|advisor-amira",
      another_advisor: "demo|advisor-lucas",
      admin: "demo|admin",
    };
    return chatCaller(t.db, who === "assistant" ? { key: fixture.assistantKey } : ids[who]);
  };

  /** A fresh message in the conversation, by the owner or by the assistant. */
  const message = async (by: "owner" | "assistant") => {
    const outcome = await t.db.transaction((tx) =>
      appendMessage(tx, {
        conversationId: fixture.conversationId,
        actorType: by === "owner" ? "client" : "assistant",
        senderId: by === "owner" ? "demo|client-sam" : null,
        credentialId: by === "assistant" ? fixture.assistantCredentialId : null,
        authorKey:
          by === "owner" ? "user:demo|client-sam" : `assistant:${fixture.assistantCredentialId}`,
        body: "A message to act on",
        now: new Date(),
      }),
    );
    if (outcome.kind !== "created") throw new Error(outcome.kind);
    return outcome.message.id;
  };

  const members: Record<ChatPrincipal, Outcome> = {
    owner: "ok",
    another_client: "not_found",
    pending_advisor: "forbidden",
    accepted_advisor: "ok",
    another_advisor: "not_found",
    assistant: "ok",
    admin: "ok",
  };
  const authorOnly: Record<ChatPrincipal, Outcome> = {
    ...members,
    accepted_advisor: "forbidden",
    assistant: "forbidden",
    admin: "forbidden",
  };
  let n = 0;
  const CHAT_MATRIX: Record<
    string,
    [
      Record<ChatPrincipal, Outcome>,
      (caller: Awaited<ReturnType<typeof callerFor>>) => Promise<unknown>,
    ]
  > = {
    "chat.send": [
      { ...members, admin: "forbidden" },
      (c) =>
        c.chat.send({ conversationId: fixture.conversationId, clientMsgId: `x${++n}`, body: "hi" }),
    ],
    "chat.listHistory": [
      members,
      (c) => c.chat.listHistory({ conversationId: fixture.conversationId }),
    ],
    "chat.getConversation": [
      members,
      (c) => c.chat.getConversation({ conversationId: fixture.conversationId }),
    ],
    "chat.edit": [
      authorOnly,
      async (c) => c.chat.edit({ messageId: await message("owner"), body: "edited" }),
    ],
    "chat.delete": [authorOnly, async (c) => c.chat.delete({ messageId: await message("owner") })],
    "chat.markRead": [
      { ...members, assistant: "forbidden", admin: "forbidden" },
      (c) => c.chat.markRead({ conversationId: fixture.conversationId, seq: 1 }),
    ],
    "chat.report": [
      { ...members, assistant: "forbidden", admin: "forbidden" },
      async (c) => c.chat.report({ messageId: await message("assistant"), reason: "spam" }),
    ],
    "chat.listConversations": [
      {
        owner: "ok",
        another_client: "ok",
        pending_advisor: "ok",
        accepted_advisor: "ok",
        another_advisor: "ok",
        assistant: "forbidden",
        admin: "ok",
      },
      (c) => c.chat.listConversations({}),
    ],
  };

  it("covers every chat procedure", () => {
    expect(Object.keys(CHAT_MATRIX).sort()).toEqual(
      procedures.filter((p) => p.startsWith("chat.") && !CHAT_LIVE.has(p)).sort(),
    );
  });

  const cases = Object.entries(CHAT_MATRIX).flatMap(([path, [expected, run]]) =>
    (Object.keys(expected) as ChatPrincipal[]).map((principal) => ({
      path,
      principal,
      run,
      expected: expected[principal],
    })),
  );

  it.each(cases)("$path as $principal: $expected", async ({ principal, run, expected }) => {
    const outcome = await run(await callerFor(principal)).then(
      () => "ok" as const,
      (error: { code?: string }) =>
        error.code === "NOT_FOUND"
          ? ("not_found" as const)
          : error.code === "FORBIDDEN"
            ? ("forbidden" as const)
            : (error as never),
    );
    expect(outcome).toBe(expected);
  });

  it("lists the conversation only to those who can open it", async () => {
    const listed = async (who: ChatPrincipal) =>
      (await (await callerFor(who)).chat.listConversations({})).items.some(
        (i) => i.conversationId === fixture.conversationId,
      );
    expect(await listed("owner")).toBe(true);
    expect(await listed("accepted_advisor")).toBe(true);
    expect(await listed("pending_advisor")).toBe(false);
    expect(await listed("another_client")).toBe(false);
    expect(await listed("another_advisor")).toBe(false);
  });

  it("privacy: no chat output the advisor gets names the client beyond their first name", async () => {
    const amira = await callerFor("accepted_advisor");
    const sam = await callerFor("owner");
    await sam.chat.send({
      conversationId: fixture.conversationId,
      clientMsgId: "privacy",
      body: "Hello from the client",
    });
    const sent = await amira.chat.send({
      conversationId: fixture.conversationId,
      clientMsgId: "privacy-reply",
      body: "Hello Sam",
    });
    const outputs = JSON.stringify([
      sent,
      await amira.chat.listHistory({ conversationId: fixture.conversationId }),
      await amira.chat.getConversation({ conversationId: fixture.conversationId }),
      await amira.chat.listConversations({}),
    ]);
    expect(outputs).toContain("Sam");
    for (const secret of ["Carter", "sam@demo.advisor.network"]) {
      expect(outputs).not.toContain(secret);
    }
  });
});
