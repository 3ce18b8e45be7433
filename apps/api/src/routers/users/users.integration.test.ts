import { sql } from "drizzle-orm";
import { useTestDatabase } from "@an/db/testing";
import { getUserWithRoles, seedDemoData } from "@an/db";
import { describe, expect, it } from "vitest";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

async function callerFor(userId: string | null) {
  const user = userId ? await getUserWithRoles(t.db, { id: userId }) : null;
  return createCaller(createContextInner({ db: t.db, user, requestId: "req-test" }));
}

const t = useTestDatabase((db) => seedDemoData(db.db));

describe("procedure ladder", () => {
  it.each([
    ["anonymous", null, "UNAUTHORIZED"],
    ["a client", "demo|client-sam", "FORBIDDEN"],
    ["an advisor", "demo|advisor-amira", "FORBIDDEN"],
  ])("%s can't list users", async (_who, userId, code) => {
    const caller = await callerFor(userId);
    await expect(caller.users.list({})).rejects.toMatchObject({ code });
  });

  it("an admin can, with search and role filters and keyset pages", async () => {
    const caller = await callerFor("demo|admin");
    const all = await caller.users.list({ limit: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.nextCursor).toBeTypeOf("string");
    const rest = await caller.users.list({ limit: 10, cursor: all.nextCursor });
    const ids = [...all.items, ...rest.items].map((u) => u.id);
    expect(new Set(ids).size).toBe(6);
    expect(rest.nextCursor).toBeNull();
    const advisors = await caller.users.list({ role: "advisor" });
    expect(advisors.items.map((u) => u.id).sort()).toEqual([
      "demo|advisor-amira",
      "demo|advisor-elena",
      "demo|advisor-lucas",
    ]);
    const search = await caller.users.list({ search: "haddad" });
    expect(search.items.map((u) => u.email)).toEqual(["amira@demo.advisor.network"]);
    const pct = await caller.users.list({ search: "%" });
    expect(pct.items).toEqual([]);
  });
});

describe("grant and revoke", () => {
  it("grant applies at once, is audited, and notifies the user in the same transaction", async () => {
    const admin = await callerFor("demo|admin");
    const result = await admin.users.grantRole({ userId: "demo|client-diego", role: "advisor" });
    expect(result).toEqual({ changed: true, roles: ["client", "advisor"] });

    // Roles are read per request: Diego's next request sees the advisor role.
    const diego = await callerFor("demo|client-diego");
    expect((await diego.auth.getMe()).roles).toEqual(["client", "advisor"]);

    const audit = await t.db.execute<{ actor_id: string; action: string; request_id: string }>(
      sql`select actor_id, action, request_id from audit_log where subject_id = 'demo|client-diego' and action = 'role.granted' and actor_id is not null`,
    );
    expect(audit).toEqual([
      { actor_id: "demo|admin", action: "role.granted", request_id: "req-test" },
    ]);
    const jobs = await t.db.execute<{ payload: { template: string; userId: string } }>(
      sql`select j.payload from graphile_worker._private_jobs j join graphile_worker._private_tasks k on k.id = j.task_id where k.identifier = 'send_notification'`,
    );
    expect(jobs.map((j) => j.payload)).toContainEqual(
      expect.objectContaining({ template: "role_granted", userId: "demo|client-diego" }),
    );
  });

  it("granting a held role changes nothing and writes nothing", async () => {
    const admin = await callerFor("demo|admin");
    const before = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log`);
    expect(await admin.users.grantRole({ userId: "demo|client-sam", role: "client" })).toEqual({
      changed: false,
      roles: ["client"],
    });
    const after = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log`);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it("revoke keeps history and takes effect at once", async () => {
    const admin = await callerFor("demo|admin");
    await admin.users.grantRole({ userId: "demo|client-sam", role: "advisor" });
    expect(await admin.users.revokeRole({ userId: "demo|client-sam", role: "advisor" })).toEqual({
      changed: true,
      roles: ["client"],
    });
    expect(await admin.users.revokeRole({ userId: "demo|client-sam", role: "advisor" })).toEqual({
      changed: false,
      roles: ["client"],
    });
    const detail = await admin.users.get({ userId: "demo|client-sam" });
    const advisorGrants = detail.roleHistory.filter((g) => g.role === "advisor");
    expect(advisorGrants).toHaveLength(1);
    expect(advisorGrants[0]?.revokedBy).toBe("demo|admin");
    expect(detail.audit.map((a) => a.action).slice(0, 2)).toEqual(["role.revoked", "role.granted"]);
  });

  it("a revoked admin loses access on the very next request", async () => {
    const admin = await callerFor("demo|admin");
    await admin.users.grantRole({ userId: "demo|advisor-lucas", role: "admin" });
    expect(
      (await (await callerFor("demo|advisor-lucas")).users.list({})).items.length,
    ).toBeGreaterThan(0);
    await admin.users.revokeRole({ userId: "demo|advisor-lucas", role: "admin" });
    await expect((await callerFor("demo|advisor-lucas")).users.list({})).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });

  it("an admin can't revoke their own admin role", async () => {
    const admin = await callerFor("demo|admin");
    await expect(
      admin.users.revokeRole({ userId: "demo|admin", role: "admin" }),
    ).rejects.toMatchObject({
      appCode: "CANNOT_REVOKE_OWN_ADMIN",
    });
  });

  it("an unknown user is a 404, not a foreign-key 500", async () => {
    const admin = await callerFor("demo|admin");
    await expect(
      admin.users.grantRole({ userId: "nobody", role: "advisor" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "USER_NOT_FOUND",
    });
  });

  it("non-admins can't grant, even to themselves", async () => {
    const sam = await callerFor("demo|client-sam");
    await expect(
      sam.users.grantRole({ userId: "demo|client-sam", role: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await getUserWithRoles(t.db, { id: "demo|client-sam" }))?.roles).toEqual(["client"]);
  });
});

describe("dev sign-in", () => {
  it("mints a token for a demo user in development", async () => {
    const caller = createCaller(
      createContextInner({
        db: t.db,
        devAuth: { enabled: true, secret: "x".repeat(40), ttlSeconds: 600 },
      }),
    );
    const result = await caller.sandbox.signIn({ email: "sam@demo.advisor.network" });
    expect(result.user.id).toBe("demo|client-sam");
    expect(result.token.split(".")).toHaveLength(3);
  });

  it("is refused when dev auth is off (production)", async () => {
    const caller = createCaller(createContextInner({ db: t.db, devAuth: { enabled: false } }));
    await expect(
      caller.sandbox.signIn({ email: "sam@demo.advisor.network" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      appCode: "DEV_ONLY",
    });
    await expect(caller.sandbox.listUsers()).rejects.toMatchObject({ appCode: "DEV_ONLY" });
  });
});

describe("notifications outbox", () => {
  it("is for admins only", async () => {
    await expect(
      (await callerFor("demo|advisor-amira")).notifications.list(),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect((await callerFor(null)).notifications.list()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });

  it("lists the newest messages, optionally for one user", async () => {
    await t.db
      .execute(sql`insert into notifications (dedupe_key, user_id, to_email, template, locale, subject, body)
      values ('n1', 'demo|client-sam', 'sam@demo.advisor.network', 'role_granted', 'en', 'Hello Sam', 'b'),
             ('n2', 'demo|client-diego', 'diego@demo.advisor.network', 'role_granted', 'es', 'Hola Diego', 'b')`);
    const admin = await callerFor("demo|admin");
    expect((await admin.notifications.list()).map((n) => n.subject)).toEqual(
      expect.arrayContaining(["Hello Sam", "Hola Diego"]),
    );
    const sams = await admin.notifications.list({ userId: "demo|client-sam" });
    expect(sams.map((n) => [n.subject, n.status])).toEqual([["Hello Sam", "queued"]]);
  });
});
