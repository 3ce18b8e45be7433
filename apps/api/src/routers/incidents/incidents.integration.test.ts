import { raiseIncident, seedDemoData } from "@an/db";
import {
  insertAdvisor,
  useTestDatabase,
  ADMIN,
  AMIRA,
  bookConsultation,
  hours,
  SAM,
} from "@an/db/testing";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, {
    userId: AMIRA,
    displayName: "Amira Haddad",
    calcomEventType: "amira/consultation",
  });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");

describe("incidents", () => {
  it("admins list open incidents (newest first, keyset pages, by consultation) and resolve them, audited", async () => {
    const { id: consultationId } = await bookConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      bookedAt: T0,
      startsAt: new Date(T0.getTime() + hours(48)),
    });
    const raised = await t.db.transaction(async (tx) => [
      await raiseIncident(tx, {
        kind: "amount_mismatch",
        dedupeKey: "test:mismatch",
        message: "Paid 100 USD, quote was 15000 USD",
        consultationId,
      }),
      await raiseIncident(tx, {
        kind: "booking_token_invalid",
        dedupeKey: "test:token",
        message: "Booking without a valid token",
      }),
      await raiseIncident(tx, {
        kind: "provider_action_failed",
        dedupeKey: "test:provider",
        message: "Refund keeps failing",
      }),
    ]);
    const admin = await callerFor(t.db, ADMIN);
    const first = await admin.incidents.list({ open: true, limit: 2 });
    const second = await admin.incidents.list({ open: true, limit: 2, cursor: first.nextCursor });
    expect(second.nextCursor).toBeNull();
    expect([...first.items, ...second.items].map((i) => i.id).sort()).toEqual(
      raised.map((r) => r.id).sort(),
    );
    const forConsultation = await admin.incidents.list({ consultationId });
    expect(forConsultation.items.map((i) => i.kind)).toEqual(["amount_mismatch"]);

    const target = raised[0]!.id;
    const resolved = await admin.incidents.resolve({
      id: target,
      resolution: "Refunded the stray payment by hand",
    });
    expect(resolved).toMatchObject({
      id: target,
      resolvedBy: ADMIN,
      resolution: "Refunded the stray payment by hand",
    });
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    expect((await admin.incidents.list({ open: true })).items.map((i) => i.id)).not.toContain(
      target,
    );
    expect((await admin.incidents.list({ open: false })).items.map((i) => i.id)).toEqual([target]);
    const audit = await t.db.execute<{ action: string; actor_id: string; after: unknown }>(
      sql`select action, actor_id, after from audit_log where subject_type = 'security_incident' and subject_id = ${target}`,
    );
    expect(audit).toEqual([
      expect.objectContaining({
        action: "incident.resolved",
        actor_id: ADMIN,
        after: expect.objectContaining({ resolution: "Refunded the stray payment by hand" }),
      }),
    ]);

    // Resolving again, or an unknown id, is INCIDENT_NOT_FOUND (no open incident matches).
    for (const id of [target, "00000000-0000-4000-8000-000000000000"]) {
      await expect(admin.incidents.resolve({ id, resolution: "again" })).rejects.toMatchObject({
        code: "NOT_FOUND",
        appCode: "INCIDENT_NOT_FOUND",
      });
    }
    await expect(
      admin.incidents.resolve({ id: raised[1]!.id, resolution: "" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("non-admins can't see or resolve incidents", async () => {
    for (const userId of [SAM, AMIRA]) {
      const caller = await callerFor(t.db, userId);
      await expect(caller.incidents.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect((await callerFor(t.db, null)).incidents.list({})).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
  });
});
