import { sql } from "drizzle-orm";
import { getUserWithRoles } from "@an/db";
import {
  ADMIN,
  AMIRA,
  DIEGO,
  grantTestPlan,
  insertAdvisor,
  LUCAS,
  SAM,
  seedParties,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas M." });
});

const NOW = new Date("2026-12-02T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => new Date(NOW.getTime() + ms);

async function callerFor(userId: string, now = NOW) {
  const user = await getUserWithRoles(t.db, { id: userId });
  return createCaller(
    createContextInner({ db: t.db, user, requestId: "req-invitations", now: () => now }),
  );
}

/**
 * A project of Sam's with its conversation and his owner membership (what the projects
 * workflow creates), and a running async pass of Amira's on it.
 */
const seedShopWithPass = () =>
  seedProjectChat(t.db, {
    ownerId: SAM,
    name: "Shop app",
    pass: { advisorId: AMIRA, days: 5, startsAt: at(-DAY), endsAt: at(4 * DAY) },
  });

const invitationRows = async (projectId: string) =>
  t.db.execute<{ id: string; status: string }>(
    sql`select id, status from advisor_invitations where project_id = ${projectId}`,
  );

describe("invitations router", () => {
  it("owner invites, advisor sees it with the client's first name and accepts, owner revokes; each output says what the caller may do", async () => {
    const { projectId } = await seedShopWithPass();
    const sam = await callerFor(SAM);
    const amira = await callerFor(AMIRA);
    const created = await sam.invitations.create({
      projectId,
      advisorId: AMIRA,
      seesHistory: true,
      canPost: false,
      message: "Can you review our checkout?",
    });
    expect(created).toMatchObject({
      status: "pending",
      seesHistory: true,
      canPost: false,
      expiresAt: at(30 * DAY),
      project: { id: projectId, name: "Shop app" },
      advisor: { id: AMIRA, displayName: "Amira H." },
      client: { firstName: "Sam" },
      actions: { accept: false, decline: false, revoke: true },
    });

    const mine = await amira.invitations.listMine();
    const listed = mine.items.find((i) => i.id === created.id);
    expect(listed).toMatchObject({
      status: "pending",
      project: { name: "Shop app" },
      client: { firstName: "Sam" },
      message: "Can you review our checkout?",
      actions: { accept: true, decline: true, revoke: false },
    });
    expect(JSON.stringify(mine)).not.toMatch(/Carter|sam@demo/);

    const accepted = await amira.invitations.accept({ invitationId: created.id });
    expect(accepted).toMatchObject({
      status: "accepted",
      respondedAt: NOW,
      actions: { accept: false, decline: false, revoke: false },
    });

    const forProject = await sam.invitations.listForProject({ projectId });
    expect(forProject.items).toMatchObject([
      { id: created.id, status: "accepted", actions: { revoke: true } },
    ]);

    const revoked = await sam.invitations.revoke({
      invitationId: created.id,
      reason: "Project paused",
    });
    expect(revoked).toMatchObject({ status: "revoked", revokedReason: "Project paused" });
    const afterRevoke = (await amira.invitations.listMine()).items.find((i) => i.id === created.id);
    // The reason is for the owner and admins.
    expect(afterRevoke).toMatchObject({ status: "revoked", revokedReason: null });
  });

  it("pages both lists by keyset cursor, newest first, and refuses a broken cursor", async () => {
    const sam = await callerFor(SAM);
    const amira = await callerFor(AMIRA);
    // Two advisors in one project: more than the free tier allows.
    await grantTestPlan(t.db, SAM);
    const first = await seedShopWithPass();
    const second = await seedShopWithPass();
    await sam.invitations.create({ projectId: first.projectId, advisorId: AMIRA });
    await sam.invitations.create({ projectId: first.projectId, advisorId: LUCAS });
    await sam.invitations.create({ projectId: second.projectId, advisorId: AMIRA });

    // Walking one row at a time gives the same rows, in the same order, as one big page.
    async function walk<T extends { id: string }>(
      list: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>,
    ) {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 50; pages += 1) {
        const page = await list(cursor);
        expect(page.items.length).toBeLessThanOrEqual(1);
        ids.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
        if (!cursor) return ids;
      }
      throw new Error("the cursor never ran out");
    }
    const whole = await sam.invitations.listForProject({ projectId: first.projectId });
    expect(whole.items).toHaveLength(2);
    expect(whole.nextCursor).toBeNull();
    expect(
      await walk((cursor) =>
        sam.invitations.listForProject({ projectId: first.projectId, limit: 1, cursor }),
      ),
    ).toEqual(whole.items.map((i) => i.id));

    const mine = await amira.invitations.listMine({ limit: 100 });
    expect(mine.items.length).toBeGreaterThanOrEqual(2);
    expect(await walk((cursor) => amira.invitations.listMine({ limit: 1, cursor }))).toEqual(
      mine.items.map((i) => i.id),
    );

    for (const cursor of ["not a cursor", Buffer.from("12:not-a-uuid").toString("base64url")]) {
      await expect(amira.invitations.listMine({ cursor })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
      await expect(
        sam.invitations.listForProject({ projectId: first.projectId, cursor }),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
  });

  it("an admin invites and revokes on the owner's behalf; the advisor declines another", async () => {
    const { projectId } = await seedShopWithPass();
    const admin = await callerFor(ADMIN);
    const first = await admin.invitations.create({
      projectId,
      advisorId: AMIRA,
      seesHistory: false,
      canPost: true,
      expiresAt: at(2 * HOUR).toISOString(),
    });
    expect(first.expiresAt).toEqual(at(2 * HOUR));
    expect((await admin.invitations.listForProject({ projectId })).items).toHaveLength(1);
    await admin.invitations.revoke({ invitationId: first.id });
    const lucasInvite = await admin.invitations.create({
      projectId,
      advisorId: LUCAS,
      seesHistory: false,
      canPost: true,
    });
    const lucas = await callerFor(LUCAS);
    expect(await lucas.invitations.decline({ invitationId: lucasInvite.id })).toMatchObject({
      status: "declined",
      actions: { accept: false, decline: false, revoke: false },
    });
  });

  it("answers every refusal with its code and stores nothing", async () => {
    const { projectId } = await seedShopWithPass();
    const sam = await callerFor(SAM);
    const diego = await callerFor(DIEGO);
    const amira = await callerFor(AMIRA);
    const lucas = await callerFor(LUCAS);
    const input = { projectId, advisorId: AMIRA, seesHistory: false, canPost: true };
    await expect(diego.invitations.create(input)).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "PROJECT_NOT_FOUND",
    });
    await expect(diego.invitations.listForProject({ projectId })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "PROJECT_NOT_FOUND",
    });
    await expect(sam.invitations.create({ ...input, advisorId: DIEGO })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "ADVISOR_NOT_FOUND",
    });
    await expect(sam.invitations.create({ ...input, advisorId: SAM })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      appCode: "CANNOT_INVITE_SELF",
    });
    for (const expiresAt of [at(-HOUR), at(30 * 60_000), at(181 * DAY)]) {
      await expect(
        sam.invitations.create({ ...input, expiresAt: expiresAt.toISOString() }),
      ).rejects.toMatchObject({
        code: "BAD_REQUEST",
        appCode: "INVITATION_EXPIRY_OUT_OF_RANGE",
        params: { minHours: 1, maxDays: 180 },
      });
    }
    expect(await invitationRows(projectId)).toHaveLength(0);

    const created = await sam.invitations.create(input);
    await expect(sam.invitations.create(input)).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "INVITATION_EXISTS",
    });
    await expect(sam.invitations.accept({ invitationId: created.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(lucas.invitations.accept({ invitationId: created.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "INVITATION_NOT_FOUND",
    });
    await expect(amira.invitations.revoke({ invitationId: created.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const late = await callerFor(AMIRA, at(31 * DAY));
    await expect(late.invitations.accept({ invitationId: created.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "INVITATION_EXPIRED",
    });
    await amira.invitations.decline({ invitationId: created.id });
    await expect(amira.invitations.accept({ invitationId: created.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "INVITATION_NOT_PENDING",
      params: { status: "declined" },
    });
    await expect(sam.invitations.revoke({ invitationId: created.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "INVITATION_NOT_REVOCABLE",
    });
    expect(await invitationRows(projectId)).toEqual([{ id: created.id, status: "declined" }]);
  });

  it("bad input is a 400 or 404 and stores nothing: NUL bytes, unknown or malformed ids", async () => {
    const { projectId } = await seedShopWithPass();
    const sam = await callerFor(SAM);
    const amira = await callerFor(AMIRA);
    const input = { projectId, advisorId: AMIRA, seesHistory: false, canPost: true };
    await expect(
      sam.invitations.create({ ...input, message: "hello\u0000there" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sam.invitations.create({ ...input, advisorId: "demo\u0000" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sam.invitations.create({ ...input, projectId: "not-a-uuid" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sam.invitations.create({ ...input, expiresAt: "next tuesday" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(
      sam.invitations.create({ ...input, projectId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "PROJECT_NOT_FOUND" });
    await expect(
      amira.invitations.accept({ invitationId: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "INVITATION_NOT_FOUND" });
    await expect(amira.invitations.accept({ invitationId: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const created = await sam.invitations.create(input);
    await expect(
      sam.invitations.revoke({ invitationId: created.id, reason: "bad\u0000reason" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(await invitationRows(projectId)).toEqual([{ id: created.id, status: "pending" }]);
  });
});
