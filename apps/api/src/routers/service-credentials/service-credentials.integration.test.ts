import { seedDemoData, verifyServiceCredential } from "@an/db";
import { serviceCredentials } from "@an/db/schema";
import { ADMIN, AMIRA, SAM, useTestDatabase } from "@an/db/testing";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase((db) => seedDemoData(db.db));

const T0 = new Date("2026-11-02T09:00:00.000Z");

async function failure(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  )) as { code?: string; appCode?: string };
  return { code: error.code, appCode: error.appCode };
}

describe("serviceCredentials", () => {
  it("issues a key shown once and stored hashed, lists without secrets, revokes so the key is refused; audited", async () => {
    const admin = await callerFor(t.db, ADMIN, { now: T0 });
    const issued = await admin.serviceCredentials.issue({
      name: "assistant (test)",
      scope: "assistant",
    });
    expect(issued).toMatchObject({ name: "assistant (test)", scope: "assistant" });
    expect(issued.key).toMatch(/^ank_[\w-]{32}$/);
    expect(issued.key.slice(4, 16)).toBe(issued.prefix);
    const [stored] = await t.db
      .select({ keyHash: serviceCredentials.keyHash, createdBy: serviceCredentials.createdBy })
      .from(serviceCredentials)
      .where(eq(serviceCredentials.id, issued.id));
    expect(stored!.keyHash).not.toContain(issued.key);
    expect(stored!.createdBy).toBe(ADMIN);
    expect(await verifyServiceCredential(t.db, issued.key)).toEqual({
      id: issued.id,
      scope: "assistant",
      name: "assistant (test)",
      lastUsedAt: null,
    });

    const listed = await admin.serviceCredentials.list();
    const row = listed.items.find((c) => c.id === issued.id);
    expect(Object.keys(row!).sort()).toEqual(
      ["createdAt", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scope"].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(issued.key);
    expect(JSON.stringify(listed)).not.toContain(stored!.keyHash);

    const revoked = await admin.serviceCredentials.revoke({ id: issued.id });
    expect(revoked).toEqual({ id: issued.id, revokedAt: T0, changed: true });
    expect(await verifyServiceCredential(t.db, issued.key)).toBeNull();
    expect((await admin.serviceCredentials.revoke({ id: issued.id })).changed).toBe(false);
    const after = await admin.serviceCredentials.list();
    expect(after.items.find((c) => c.id === issued.id)?.revokedAt).toEqual(T0);

    const audit = await t.db.execute<{ action: string; actor_id: string; after: unknown }>(
      sql`select action, actor_id, after from audit_log where subject_id = ${issued.id} order by id`,
    );
    expect(audit).toEqual([
      {
        action: "service_credential.issued",
        actor_id: ADMIN,
        after: { name: "assistant (test)", scope: "assistant", prefix: issued.prefix },
      },
      {
        action: "service_credential.revoked",
        actor_id: ADMIN,
        after: { revokedAt: T0.toISOString() },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain(issued.key);
  });

  it("refuses non-admins and bad input with 4xx, storing nothing", async () => {
    const before = await t.db.select({ id: serviceCredentials.id }).from(serviceCredentials);
    for (const who of [SAM, AMIRA]) {
      const caller = await callerFor(t.db, who);
      expect(
        await failure(caller.serviceCredentials.issue({ name: "mine", scope: "assistant" })),
      ).toEqual({
        code: "FORBIDDEN",
        appCode: "FORBIDDEN_ROLE",
      });
      expect((await failure(caller.serviceCredentials.list())).code).toBe("FORBIDDEN");
    }
    expect((await failure((await callerFor(t.db, null)).serviceCredentials.list())).code).toBe(
      "UNAUTHORIZED",
    );
    const admin = await callerFor(t.db, ADMIN);
    for (const input of [
      { name: "", scope: "assistant" },
      { name: "x".repeat(101), scope: "assistant" },
      { name: "ok", scope: "admin" },
      { name: "nul\u0000byte", scope: "assistant" },
    ]) {
      expect(
        (await failure(admin.serviceCredentials.issue(input as never))).code,
        JSON.stringify(input),
      ).toBe("BAD_REQUEST");
    }
    expect(
      await failure(
        admin.serviceCredentials.revoke({ id: "00000000-0000-4000-8000-000000000123" }),
      ),
    ).toEqual({
      code: "NOT_FOUND",
      appCode: "SERVICE_CREDENTIAL_NOT_FOUND",
    });
    expect((await failure(admin.serviceCredentials.revoke({ id: "nope" }))).code).toBe(
      "BAD_REQUEST",
    );
    expect(await t.db.select({ id: serviceCredentials.id }).from(serviceCredentials)).toEqual(
      before,
    );
  });
});
