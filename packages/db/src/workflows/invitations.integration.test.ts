import { eq, sql } from "drizzle-orm";
import type { ChatCaller, InvitationActor } from "@an/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../client";
import { loadChatAccess } from "../queries/chat-access";
import { appendMessage, CHAT_CHANNEL, type ChatNotice } from "../queries/messages";
import { advisorInvitations, conversationMembers } from "../schema";
import {
  AMIRA,
  auditActions,
  DIEGO,
  grantTestPlan,
  insertAdvisor,
  jobPayloads,
  LUCAS,
  SAM,
  seedParties,
  seedProjectChat,
  useTestDatabase,
} from "../testing";
import { suspendAdvisor } from "./advisors";
import {
  acceptInvitation,
  declineInvitation,
  expireInvitations,
  inviteAdvisor,
  listProjectInvitations,
  revokeInvitation,
} from "./invitations";

const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas M." });
  await db.db.execute(sql`update users set last_name = 'Carter' where id = ${SAM}`);
});

const NOW = new Date("2026-12-02T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms);

const owner: InvitationActor = { userId: SAM, isAdmin: false };
const admin: InvitationActor = { userId: "demo|admin", isAdmin: true };
const amira: InvitationActor = { userId: AMIRA, isAdmin: false };
const lucas: InvitationActor = { userId: LUCAS, isAdmin: false };
const diego: InvitationActor = { userId: DIEGO, isAdmin: false };

/**
 * A project of Sam's with its conversation and his owner membership (what the projects
 * workflow creates), plus a running async pass of Amira's on it so her access is paid.
 */
const seedShopWithPass = (db: Db, opts: { archived?: boolean } = {}) =>
  seedProjectChat(db, {
    ownerId: SAM,
    name: "Shop app",
    ...(opts.archived ? { archivedAt: at(-HOUR) } : {}),
    pass: { advisorId: AMIRA, days: 5, startsAt: at(-DAY), endsAt: at(4 * DAY) },
  });

async function post(conversationId: string, n: number) {
  for (let i = 0; i < n; i += 1) {
    await t.db.transaction((tx) =>
      appendMessage(tx, {
        conversationId,
        actorType: "client",
        senderId: SAM,
        authorKey: `user:${SAM}`,
        body: `message ${i}`,
        now: NOW,
      }),
    );
  }
}

const invite = (projectId: string, over: Partial<Parameters<typeof inviteAdvisor>[1]> = {}) =>
  t.db.transaction((tx) =>
    inviteAdvisor(tx, {
      actor: owner,
      projectId,
      advisorId: AMIRA,
      seesHistory: false,
      canPost: true,
      now: NOW,
      ...over,
    }),
  );

async function invited(projectId: string, over: Partial<Parameters<typeof inviteAdvisor>[1]> = {}) {
  const outcome = await invite(projectId, over);
  if (!outcome.ok) throw new Error(`invite failed: ${outcome.error.code}`);
  return outcome.value;
}

const accept = (invitationId: string, actor = amira, now = NOW) =>
  t.db.transaction((tx) => acceptInvitation(tx, { actor, invitationId, now }));
const decline = (invitationId: string, actor = amira, now = NOW) =>
  t.db.transaction((tx) => declineInvitation(tx, { actor, invitationId, now }));
const revoke = (invitationId: string, actor = owner, reason?: string) =>
  t.db.transaction((tx) => revokeInvitation(tx, { actor, invitationId, reason, now: NOW }));

const code = (outcome: { ok: boolean; error?: { code: string } }) =>
  outcome.ok ? "ok" : outcome.error!.code;

async function accessOf(conversationId: string, userId: string, now = NOW) {
  const caller: ChatCaller = { kind: "user", userId, isAdmin: false };
  return (await loadChatAccess(t.db, { conversationId, caller, now }))!.access;
}

async function memberRow(conversationId: string, userId: string) {
  const [row] = await t.db
    .select()
    .from(conversationMembers)
    .where(
      sql`${conversationMembers.conversationId} = ${conversationId} and ${conversationMembers.userId} = ${userId}`,
    );
  return row ?? null;
}

/** Suspends (or reinstates) an advisor directly, as the database allows it. */
const setSuspended = (userId: string, suspended: boolean) =>
  t.db.execute(
    suspended
      ? sql`update advisors set status = 'suspended', suspended_reason = 'test', suspended_at = now() where user_id = ${userId}`
      : sql`update advisors set status = 'active', suspended_reason = null, suspended_at = null where user_id = ${userId}`,
  );

const invitationCount = async (projectId: string) =>
  (await t.db.select().from(advisorInvitations).where(eq(advisorInvitations.projectId, projectId)))
    .length;

type Notification = { userId: string; template: string; params: Record<string, string> };
const notificationsFor = async (invitationId: string) =>
  (await jobPayloads<Notification>(t.db, "send_notification")).filter(
    (n) => n.params.invitationId === invitationId,
  );

/** Chat notices seen on the channel since the test began. */
let notices: ChatNotice[] = [];
let unlisten: (() => Promise<void>) | null = null;
beforeAll(async () => {
  const listener = await t.sql.listen(CHAT_CHANNEL, (payload) => {
    notices.push(JSON.parse(payload) as ChatNotice);
  });
  unlisten = () => listener.unlisten();
});
afterAll(async () => {
  await unlisten?.();
});

async function expectAccessNotice(conversationId: string, userId: string) {
  const seen = () =>
    notices.some(
      (n) => n.kind === "access" && n.conversationId === conversationId && n.userId === userId,
    );
  for (let i = 0; i < 100 && !seen(); i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(seen(), `an access notice for ${userId} in ${conversationId}`).toBe(true);
}

describe("inviteAdvisor", () => {
  it("the owner invites an active advisor: pending, 30 days by default, audited, the advisor told the client's first name", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId, { message: "  Can you review our checkout?  " });
    expect(view).toMatchObject({
      status: "pending",
      advisorId: AMIRA,
      invitedBy: SAM,
      seesHistory: false,
      canPost: true,
      message: "Can you review our checkout?",
      expiresAt: at(30 * DAY),
      project: { id: projectId, name: "Shop app", ownerId: SAM },
      advisor: { displayName: "Amira H.", status: "active" },
    });
    expect(await auditActions(t.db, view.id)).toEqual(["invitation.created"]);
    const sent = await notificationsFor(view.id);
    expect(sent).toEqual([
      {
        userId: AMIRA,
        template: "invitation_received",
        params: { invitationId: view.id, project: "Shop app", client: "Sam" },
        dedupeKey: `invitation_received:${view.id}`,
      },
    ]);
    expect(JSON.stringify(sent)).not.toContain("Carter");
    expect(JSON.stringify(sent)).not.toContain("sam@");
  });

  it("an admin invites on the owner's behalf, with a scope and an expiry", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId, {
      actor: admin,
      seesHistory: true,
      canPost: false,
      expiresAt: at(2 * HOUR),
    });
    expect(view).toMatchObject({ invitedBy: "demo|admin", seesHistory: true, canPost: false });
    expect(view.expiresAt).toEqual(at(2 * HOUR));
  });

  it.each([
    { name: "another client", over: { actor: diego }, want: "PROJECT_NOT_FOUND" },
    { name: "an advisor", over: { actor: lucas }, want: "PROJECT_NOT_FOUND" },
    { name: "the owner inviting himself", over: { advisorId: SAM }, want: "CANNOT_INVITE_SELF" },
    { name: "a user who is no advisor", over: { advisorId: DIEGO }, want: "ADVISOR_NOT_FOUND" },
    { name: "an unknown user", over: { advisorId: "nobody" }, want: "ADVISOR_NOT_FOUND" },
    {
      name: "an expiry in the past",
      over: { expiresAt: at(-HOUR) },
      want: "INVITATION_EXPIRY_OUT_OF_RANGE",
    },
    {
      name: "an expiry too far ahead",
      over: { expiresAt: at(181 * DAY) },
      want: "INVITATION_EXPIRY_OUT_OF_RANGE",
    },
  ])("refuses $name with $want and stores nothing", async ({ over, want }) => {
    const { projectId } = await seedShopWithPass(t.db);
    expect(code(await invite(projectId, over))).toBe(want);
    expect(await invitationCount(projectId)).toBe(0);
  });

  it("refuses an unknown project and an archived one", async () => {
    expect(code(await invite("00000000-0000-4000-8000-000000000000"))).toBe("PROJECT_NOT_FOUND");
    const { projectId } = await seedShopWithPass(t.db, { archived: true });
    expect(code(await invite(projectId))).toBe("PROJECT_ARCHIVED");
    expect(await invitationCount(projectId)).toBe(0);
  });

  it("refuses a suspended advisor", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    await setSuspended(LUCAS, true);
    try {
      expect(code(await invite(projectId, { advisorId: LUCAS }))).toBe("ADVISOR_NOT_INVITABLE");
    } finally {
      await setSuspended(LUCAS, false);
    }
  });

  it("one live invitation per project and advisor: a second is INVITATION_EXISTS, pending or accepted", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const first = await invited(projectId);
    expect(code(await invite(projectId))).toBe("INVITATION_EXISTS");
    expect(code(await accept(first.id))).toBe("ok");
    expect(code(await invite(projectId))).toBe("INVITATION_EXISTS");
    expect(await invitationCount(projectId)).toBe(1);
  });

  it("two concurrent invitations of the same advisor: one wins, the other is INVITATION_EXISTS", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const outcomes = await Promise.all([invite(projectId), invite(projectId, { actor: admin })]);
    expect(outcomes.map(code).sort()).toEqual(["INVITATION_EXISTS", "ok"]);
    expect(await invitationCount(projectId)).toBe(1);
  });
});

describe("acceptInvitation", () => {
  it("makes the advisor a member from the conversation's last seq, with the invitation's posting right", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    await post(conversationId, 3);
    const view = await invited(projectId, { canPost: false });
    expect((await accessOf(conversationId, AMIRA)).allowed).toBe(false);
    const outcome = await accept(view.id);
    expect(outcome).toMatchObject({ ok: true, value: { status: "accepted", respondedAt: NOW } });
    expect(await memberRow(conversationId, AMIRA)).toMatchObject({
      role: "advisor",
      canPost: false,
      historyFromSeq: 3,
      removedAt: null,
    });
    expect(await accessOf(conversationId, AMIRA)).toMatchObject({
      allowed: true,
      role: "advisor",
      canPost: false,
      historyFromSeq: 3,
    });
    await expectAccessNotice(conversationId, AMIRA);
    expect(await auditActions(t.db, view.id)).toEqual([
      "invitation.created",
      "invitation.accepted",
    ]);
    const toOwner = (await notificationsFor(view.id)).filter((n) => n.userId === SAM);
    expect(toOwner).toMatchObject([
      {
        template: "invitation_accepted",
        params: { project: "Shop app", advisor: "Amira H." },
      },
    ]);
  });

  it("an invitation that shows the history opens it from the start", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    await post(conversationId, 2);
    const view = await invited(projectId, { seesHistory: true });
    await accept(view.id);
    expect(await memberRow(conversationId, AMIRA)).toMatchObject({ historyFromSeq: 2 });
    expect(await accessOf(conversationId, AMIRA)).toMatchObject({
      allowed: true,
      historyFromSeq: 0,
    });
  });

  it.each([
    { name: "the owner", actor: owner, want: "INVITATION_FORBIDDEN" },
    { name: "an admin", actor: admin, want: "INVITATION_FORBIDDEN" },
    { name: "another advisor", actor: lucas, want: "INVITATION_NOT_FOUND" },
    { name: "another client", actor: diego, want: "INVITATION_NOT_FOUND" },
  ])("refuses $name with $want and changes nothing", async ({ actor, want }) => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    const view = await invited(projectId);
    expect(code(await accept(view.id, actor))).toBe(want);
    expect(code(await decline(view.id, actor))).toBe(want);
    expect(await memberRow(conversationId, AMIRA)).toBeNull();
    expect(await auditActions(t.db, view.id)).toEqual(["invitation.created"]);
  });

  it("refuses an unknown invitation, an expired one and one already answered", async () => {
    expect(code(await accept("00000000-0000-4000-8000-000000000000"))).toBe("INVITATION_NOT_FOUND");
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId, { expiresAt: at(2 * HOUR) });
    expect(code(await accept(view.id, amira, at(2 * HOUR)))).toBe("INVITATION_EXPIRED");
    expect(code(await decline(view.id))).toBe("ok");
    expect(await accept(view.id)).toEqual({
      ok: false,
      error: { code: "INVITATION_NOT_PENDING", status: "declined" },
    });
  });

  it("a suspended advisor can't accept", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId, { advisorId: LUCAS });
    await setSuspended(LUCAS, true);
    try {
      expect(code(await accept(view.id, lucas))).toBe("ADVISOR_ACCOUNT_SUSPENDED");
    } finally {
      await setSuspended(LUCAS, false);
    }
  });
});

describe("declineInvitation", () => {
  it("declines, audits and tells the owner; the advisor never joins", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    const view = await invited(projectId);
    expect(await decline(view.id)).toMatchObject({ ok: true, value: { status: "declined" } });
    expect(await memberRow(conversationId, AMIRA)).toBeNull();
    expect(await auditActions(t.db, view.id)).toEqual([
      "invitation.created",
      "invitation.declined",
    ]);
    expect((await notificationsFor(view.id)).map((n) => [n.userId, n.template])).toEqual([
      [AMIRA, "invitation_received"],
      [SAM, "invitation_declined"],
    ]);
  });
});

describe("revokeInvitation", () => {
  it("the owner revokes an accepted invitation: membership removed, access ends, streams told, advisor notified", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    const view = await invited(projectId);
    await accept(view.id);
    notices = [];
    const outcome = await revoke(view.id, owner, "  Project paused  ");
    expect(outcome).toMatchObject({
      ok: true,
      value: { status: "revoked", revokedBy: SAM, revokedReason: "Project paused" },
    });
    expect((await memberRow(conversationId, AMIRA))?.removedAt).toEqual(NOW);
    expect(await accessOf(conversationId, AMIRA)).toEqual({
      allowed: false,
      reason: "invitation_ended",
    });
    await expectAccessNotice(conversationId, AMIRA);
    expect(await auditActions(t.db, view.id)).toEqual([
      "invitation.created",
      "invitation.accepted",
      "invitation.revoked",
    ]);
    const [audit] = await t.db.execute<{ after: { reason: string } }>(
      sql`select after from audit_log where subject_id = ${view.id} and action = 'invitation.revoked'`,
    );
    expect(audit!.after.reason).toBe("Project paused");
    const toAdvisor = (await notificationsFor(view.id)).filter(
      (n) => n.template === "invitation_revoked",
    );
    expect(toAdvisor).toMatchObject([{ userId: AMIRA, params: { client: "Sam" } }]);
  });

  it("an admin revokes a pending invitation", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId);
    expect(code(await revoke(view.id, admin))).toBe("ok");
  });

  it("refuses the advisor, strangers and an invitation no longer live", async () => {
    const { projectId } = await seedShopWithPass(t.db);
    const view = await invited(projectId);
    expect(code(await revoke(view.id, amira))).toBe("INVITATION_FORBIDDEN");
    expect(code(await revoke(view.id, lucas))).toBe("INVITATION_NOT_FOUND");
    expect(code(await revoke(view.id, diego))).toBe("INVITATION_NOT_FOUND");
    await decline(view.id);
    expect(await revoke(view.id)).toEqual({
      ok: false,
      error: { code: "INVITATION_NOT_REVOCABLE", status: "declined" },
    });
  });

  it("a new invitation accepted after a revoke reactivates the membership with a fresh start", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    const first = await invited(projectId);
    await accept(first.id);
    await revoke(first.id);
    await post(conversationId, 4);
    const again = await invited(projectId, { canPost: false });
    await accept(again.id);
    expect(await memberRow(conversationId, AMIRA)).toMatchObject({
      removedAt: null,
      canPost: false,
      historyFromSeq: 4,
      lastReadSeq: 4,
    });
    expect(await accessOf(conversationId, AMIRA)).toMatchObject({ allowed: true });
  });
});

describe("listProjectInvitations", () => {
  it("lists for the owner and admins, newest first; anyone else gets PROJECT_NOT_FOUND", async () => {
    // Two advisors in one project: more than the free tier allows.
    await grantTestPlan(t.db, SAM);
    const { projectId } = await seedShopWithPass(t.db);
    const a = await invited(projectId);
    const b = await invited(projectId, { advisorId: LUCAS, now: at(1000) });
    for (const actor of [owner, admin]) {
      const outcome = await listProjectInvitations(t.db, { actor, projectId, limit: 10 });
      expect(outcome.ok && outcome.value.items.map((v) => v.id)).toEqual([b.id, a.id]);
    }
    for (const actor of [diego, amira, lucas]) {
      expect(code(await listProjectInvitations(t.db, { actor, projectId, limit: 10 }))).toBe(
        "PROJECT_NOT_FOUND",
      );
    }
  });
});

describe("expireInvitations", () => {
  it("expires lapsed pending and accepted invitations only, removing the membership, told and audited", async () => {
    await grantTestPlan(t.db, SAM);
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    const accepted = await invited(projectId, { expiresAt: at(20 * DAY) });
    await accept(accepted.id);
    const pending = await invited(projectId, { advisorId: LUCAS, expiresAt: at(21 * DAY) });
    const other = await seedShopWithPass(t.db);
    const later = await invited(other.projectId, { expiresAt: at(40 * DAY) });
    expect((await accessOf(conversationId, AMIRA, at(HOUR))).allowed).toBe(true);

    const run = (now: Date) => t.db.transaction((tx) => expireInvitations(tx, { now, limit: 100 }));
    // Other tests' short invitations lapse first; none of these has yet.
    await run(at(19 * DAY));
    notices = [];
    expect(await run(at(21 * DAY))).toBe(2);
    expect(await run(at(21 * DAY))).toBe(0);

    const statuses = await t.db
      .select({ id: advisorInvitations.id, status: advisorInvitations.status })
      .from(advisorInvitations)
      .where(sql`${advisorInvitations.id} in (${accepted.id}, ${pending.id}, ${later.id})`);
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [accepted.id]: "expired",
      [pending.id]: "expired",
      [later.id]: "pending",
    });
    expect((await memberRow(conversationId, AMIRA))?.removedAt).toEqual(at(21 * DAY));
    expect(await accessOf(conversationId, AMIRA, at(HOUR))).toEqual({
      allowed: false,
      reason: "invitation_ended",
    });
    await expectAccessNotice(conversationId, AMIRA);
    expect(await auditActions(t.db, pending.id)).toEqual([
      "invitation.created",
      "invitation.expired",
    ]);
    const [audit] = await t.db.execute<{ actor_label: string }>(
      sql`select actor_label from audit_log where subject_id = ${accepted.id} and action = 'invitation.expired'`,
    );
    expect(audit!.actor_label).toBe("expire_invitations");
    for (const inv of [accepted, pending]) {
      expect(
        (await notificationsFor(inv.id)).filter((n) => n.template === "invitation_expired"),
      ).toMatchObject([{ userId: inv.advisorId, params: { client: "Sam", project: "Shop app" } }]);
    }
  });
});

describe("advisor suspension", () => {
  it("ends chat access as loadChatAccess sees it and tells the advisor's live streams", async () => {
    const { projectId, conversationId } = await seedShopWithPass(t.db);
    await accept((await invited(projectId)).id);
    expect((await accessOf(conversationId, AMIRA)).allowed).toBe(true);
    notices = [];
    const outcome = await t.db.transaction((tx) =>
      suspendAdvisor(tx, {
        advisorId: AMIRA,
        reason: "policy breach",
        now: NOW,
        actor: { kind: "user", userId: "demo|admin" },
      }),
    );
    try {
      expect(outcome.ok).toBe(true);
      expect(await accessOf(conversationId, AMIRA)).toEqual({
        allowed: false,
        reason: "advisor_suspended",
      });
      await expectAccessNotice(conversationId, AMIRA);
    } finally {
      await setSuspended(AMIRA, false);
    }
  });
});

describe("the plan gate", () => {
  const diegoProject = () => seedProjectChat(t.db, { ownerId: DIEGO, name: "Diego's shop" });
  const inviteFor = (projectId: string, advisorId: string, actor = diego) =>
    invite(projectId, { actor, advisorId });

  it("on the free tier one advisor per project: pending and accepted both count, revoked frees the place", async () => {
    const { projectId } = await diegoProject();
    const first = await inviteFor(projectId, AMIRA);
    expect(first.ok).toBe(true);
    // Pending counts.
    const second = await inviteFor(projectId, LUCAS);
    expect(second).toEqual({ ok: false, error: { code: "PLAN_ADVISOR_LIMIT", limit: 1 } });
    // Accepted counts too.
    if (!first.ok) throw new Error("unreachable");
    expect((await accept(first.value.id)).ok).toBe(true);
    expect(code(await inviteFor(projectId, LUCAS))).toBe("PLAN_ADVISOR_LIMIT");
    // An admin acting for Diego is held to Diego's plan.
    expect(code(await inviteFor(projectId, LUCAS, admin))).toBe("PLAN_ADVISOR_LIMIT");
    const stored = await t.db
      .select({ id: advisorInvitations.id })
      .from(advisorInvitations)
      .where(eq(advisorInvitations.projectId, projectId));
    expect(stored).toHaveLength(1);
    // Revoking frees the place.
    expect((await revoke(first.value.id, diego)).ok).toBe(true);
    expect((await inviteFor(projectId, LUCAS)).ok).toBe(true);
  });

  it("a plan without invitations refuses any; a bigger plan allows more", async () => {
    const noInvites = await seedProjectChat(t.db, { ownerId: SAM, name: "Gate" });
    // The `free` plan row overrides the built-in free tier for everyone without a plan.
    await t.db.execute(sql`
      insert into plans (key, texts, entitlements)
      values ('free', '{"en":{"name":"Free","description":""}}',
              '{"inviteAdvisors":false,"maxAdvisorsPerProject":0,"buyPasses":true}')`);
    try {
      const { projectId } = await diegoProject();
      expect(code(await inviteFor(projectId, AMIRA))).toBe("PLAN_REQUIRED_INVITE");
      // A plan granted to Sam still lets him invite.
      await grantTestPlan(t.db, SAM);
      expect((await invite(noInvites.projectId, { advisorId: LUCAS })).ok).toBe(true);
      await grantTestPlan(t.db, DIEGO, {
        inviteAdvisors: true,
        maxAdvisorsPerProject: 2,
        buyPasses: false,
      });
      expect((await inviteFor(projectId, AMIRA)).ok).toBe(true);
      expect((await inviteFor(projectId, LUCAS)).ok).toBe(true);
    } finally {
      await t.db.execute(sql`delete from plans where key = 'free'`);
    }
  });
});
