import { acceptInvitation, enqueueJob, inviteAdvisor } from "@an/db";
import { AMIRA, SAM, seedParties, seedProjectChat, useTestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { Logger, runOnce } from "graphile-worker";
import { describe, expect, it } from "vitest";
import { testWorkerDeps } from "../testing";
import { createTaskList } from "./index";

const logger = new Logger(() => () => undefined);
const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
  await db.db.execute(sql`update users set last_name = 'Carter', locale = 'de' where id = ${SAM}`);
  await db.db.execute(sql`update users set locale = 'fr' where id = ${AMIRA}`);
});

const NOW = new Date("2026-12-02T12:00:00.000Z");
const HOUR = 3_600_000;
const at = (ms: number) => new Date(NOW.getTime() + ms);

/** A project of Sam's with its conversation and his owner membership, and Amira's pass on it. */
const seedShopWithPass = () =>
  seedProjectChat(t.db, {
    ownerId: SAM,
    name: "Shop app",
    pass: { advisorId: AMIRA, days: 5, startsAt: at(-HOUR), endsAt: at(100 * HOUR) },
  });

const runWorker = (now: Date) =>
  runOnce({
    connectionString: t.url,
    logger,
    taskList: createTaskList(testWorkerDeps(t.db, { now: () => now })),
  });

describe("expire_invitations and the invitation notifications", () => {
  it("expires at the injected time, ends the membership and tells each party in their locale, the client by first name", async () => {
    const { projectId, conversationId } = await seedShopWithPass();
    const invitation = await t.db.transaction(async (tx) => {
      const invited = await inviteAdvisor(tx, {
        actor: { userId: SAM, isAdmin: false },
        projectId,
        advisorId: AMIRA,
        seesHistory: false,
        canPost: true,
        expiresAt: at(2 * HOUR),
        now: NOW,
      });
      if (!invited.ok) throw new Error(invited.error.code);
      const accepted = await acceptInvitation(tx, {
        actor: { userId: AMIRA, isAdmin: false },
        invitationId: invited.value.id,
        now: NOW,
      });
      if (!accepted.ok) throw new Error(accepted.error.code);
      return accepted.value;
    });

    // Before the expiry: the task finds nothing to do.
    await enqueueJob(t.db, "expire_invitations", {});
    await runWorker(at(HOUR));
    const status = async () =>
      (
        await t.db.execute<{ status: string }>(
          sql`select status from advisor_invitations where id = ${invitation.id}`,
        )
      )[0]!.status;
    expect(await status()).toBe("accepted");

    await enqueueJob(t.db, "expire_invitations", {});
    await runWorker(at(2 * HOUR));
    expect(await status()).toBe("expired");
    const [member] = await t.db.execute<{ removed_at: Date | null }>(
      sql`select removed_at from conversation_members where conversation_id = ${conversationId} and user_id = ${AMIRA}`,
    );
    expect(member!.removed_at).not.toBeNull();

    const outbox = await t.db.execute<{
      user_id: string;
      template: string;
      locale: string;
      subject: string;
      body: string;
    }>(
      sql`select user_id, template, locale, subject, body from notifications where params->>'invitationId' = ${invitation.id} order by created_at, template`,
    );
    const byTemplate = Object.fromEntries(outbox.map((n) => [n.template, n]));
    expect(Object.keys(byTemplate).sort()).toEqual([
      "invitation_accepted",
      "invitation_expired",
      "invitation_received",
    ]);
    expect(byTemplate.invitation_received).toMatchObject({ user_id: AMIRA, locale: "fr" });
    expect(byTemplate.invitation_received!.subject).toBe("Sam vous invite au projet « Shop app »");
    expect(byTemplate.invitation_expired).toMatchObject({ user_id: AMIRA, locale: "fr" });
    expect(byTemplate.invitation_expired!.subject).toBe("Votre invitation à « Shop app » a expiré");
    expect(byTemplate.invitation_accepted).toMatchObject({ user_id: SAM, locale: "de" });
    expect(byTemplate.invitation_accepted!.subject).toBe(
      "Amira H. ist dem Chat von „Shop app“ beigetreten",
    );
    for (const n of outbox.filter((n) => n.user_id === AMIRA)) {
      const text = `${n.subject}\n${n.body}`;
      expect(text).toContain("Sam");
      expect(text).not.toContain("Carter");
      expect(text).not.toContain("sam@");
    }
  });
});
