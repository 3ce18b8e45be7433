import {
  appendMessage,
  createServiceCredential,
  type Db,
  type JobPayload,
  seedDemoData,
} from "@an/db";
import { advisorInvitations, conversationMembers, messages, notifications } from "@an/db/schema";
import {
  ADMIN,
  AMIRA,
  insertAdvisor,
  insertConsultation,
  jobPayloads,
  SAM,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import { and, eq, sql } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { jobHelpers } from "../processing/testing/fixtures";
import { testWorkerDeps } from "../testing";
import { chatDigests } from "./chat-digests";
import { createHandlers } from "./index";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const DAY = 24 * 60 * 60_000;

type Digest = Extract<JobPayload<"send_notification">, { template: "chat_digest" }>;

/**
 * A project owned by Sam with its conversation, and Amira as an advisor member with an
 * accepted invitation and a booking on the project (so her chat access is live), as the
 * invitation flow leaves it.
 */
async function seedChatWithAmira(db: Db, name: string) {
  const { projectId, conversationId } = await seedProjectChat(db, {
    ownerId: SAM,
    name,
    createdAt: T0,
    advisorId: AMIRA,
  });
  const [invitation] = await db
    .insert(advisorInvitations)
    .values({
      projectId,
      advisorId: AMIRA,
      invitedBy: SAM,
      status: "accepted",
      seesHistory: true,
      expiresAt: new Date(T0.getTime() + 30 * DAY),
      respondedAt: T0,
    })
    .returning({ id: advisorInvitations.id });
  await insertConsultation(db, {
    clientId: SAM,
    advisorId: AMIRA,
    projectId,
    status: "confirmed",
    startsAt: new Date(T0.getTime() + DAY),
  });
  return { projectId, conversationId, invitationId: invitation!.id };
}

async function send(db: Db, conversationId: string, from: string, body: string, now: Date) {
  const as = from === SAM ? "client" : "advisor";
  const outcome = await db.transaction((tx) =>
    appendMessage(tx, {
      conversationId,
      actorType: as,
      senderId: from,
      authorKey: `user:${from}`,
      body,
      now,
    }),
  );
  if (outcome.kind !== "created") throw new Error(outcome.kind);
  return outcome.message;
}

const runDigests = (now: Date) =>
  chatDigests(testWorkerDeps(t.db, { now: () => now }))({}, jobHelpers());

/** The chat digests queued for a conversation, oldest first. */
async function digests(conversationId: string): Promise<Digest[]> {
  const all = await jobPayloads<JobPayload<"send_notification">>(t.db, "send_notification");
  return all.filter(
    (p): p is Digest => p.template === "chat_digest" && p.params.conversationId === conversationId,
  );
}

async function member(conversationId: string, userId: string) {
  const [row] = await t.db
    .select({
      lastReadSeq: conversationMembers.lastReadSeq,
      digestedSeq: conversationMembers.digestedSeq,
    })
    .from(conversationMembers)
    .where(
      and(
        eq(conversationMembers.conversationId, conversationId),
        eq(conversationMembers.userId, userId),
      ),
    );
  return row!;
}

beforeEach(async () => {
  // Each test reads only its own conversation's jobs, but a clean queue keeps failures legible.
  await t.db.execute(sql`delete from graphile_worker._private_jobs where task_id in
    (select id from graphile_worker._private_tasks where identifier = 'send_notification')`);
});

describe("chat_digests", () => {
  it("one digest per unread stretch once the oldest unread message is 5 minutes old, never of one's own messages; rendered in the member's locale, a client by first name only to an advisor", async () => {
    const chat = await seedChatWithAmira(t.db, "Mobile shop");
    const credential = await createServiceCredential(t.db, {
      name: "assistant",
      scope: "assistant",
      createdBy: ADMIN,
    });
    await send(t.db, chat.conversationId, SAM, "Hi Amira, can you look at the checkout?", at(0));
    await send(t.db, chat.conversationId, SAM, "It fails on iOS.", at(1));
    await t.db.transaction((tx) =>
      appendMessage(tx, {
        conversationId: chat.conversationId,
        actorType: "assistant",
        credentialId: credential.id,
        authorKey: `assistant:${credential.id}`,
        body: "I summarised the crash logs above.",
        now: at(2),
      }),
    );
    await send(t.db, chat.conversationId, AMIRA, "Looking now.", at(3));

    await runDigests(at(4));
    expect(await digests(chat.conversationId)).toEqual([]);

    // Amira's oldest unread (Sam's first message) is 5 minutes old; Sam's (the assistant's) is 3.
    await runDigests(at(5));
    const [toAmira, ...none] = await digests(chat.conversationId);
    expect(none).toEqual([]);
    expect(toAmira).toMatchObject({
      userId: AMIRA,
      dedupeKey: `chat_digest:${chat.conversationId}:${AMIRA}:4`,
      params: {
        projectName: "Mobile shop",
        count: 4 - 1,
        toSeq: 4,
        messages: [
          { actorType: "client", name: "Sam", snippet: "Hi Amira, can you look at the checkout?" },
          { actorType: "client", name: "Sam", snippet: "It fails on iOS." },
          { actorType: "assistant", name: null, snippet: "I summarised the crash logs above." },
        ],
      },
    });
    expect(await member(chat.conversationId, AMIRA)).toEqual({ lastReadSeq: 0, digestedSeq: 4 });

    await runDigests(at(7));
    const both = await digests(chat.conversationId);
    expect(both).toHaveLength(2);
    const toSam = both[1]!;
    // Sam's own two messages are not news to him.
    expect(toSam).toMatchObject({
      userId: SAM,
      params: {
        count: 2,
        messages: [
          { actorType: "assistant", name: null },
          { actorType: "advisor", name: "Amira Haddad", snippet: "Looking now." },
        ],
      },
    });

    // Nothing new: no second digest, however often the task runs.
    await runDigests(at(8));
    await runDigests(at(60));
    expect(await digests(chat.conversationId)).toHaveLength(2);

    // A new stretch after the digest gets its own digest, about the new messages only.
    await send(t.db, chat.conversationId, SAM, "Any news?", at(61));
    await runDigests(at(66));
    const third = (await digests(chat.conversationId))[2]!;
    expect(third).toMatchObject({
      userId: AMIRA,
      params: { count: 1, toSeq: 5, messages: [{ snippet: "Any news?" }] },
    });
    expect(await digests(chat.conversationId)).toHaveLength(3);

    // Rendered by send_notification in each recipient's locale: Amira reads Arabic (ar-EG).
    const handlers = createHandlers(testWorkerDeps(t.db, { mailer: null }));
    await handlers.send_notification(toAmira!, jobHelpers());
    await handlers.send_notification(toSam, jobHelpers());
    await handlers.send_notification(toSam, jobHelpers()); // a replayed job writes nothing new
    const outbox = await t.db
      .select({
        userId: notifications.userId,
        locale: notifications.locale,
        subject: notifications.subject,
        body: notifications.body,
      })
      .from(notifications)
      .where(sql`${notifications.template} = 'chat_digest'`);
    expect(outbox).toHaveLength(2);
    const amiras = outbox.find((n) => n.userId === AMIRA)!;
    expect(amiras.locale).toBe("ar-EG");
    expect(amiras.subject).toBe("رسائل غير مقروءة في Mobile shop");
    expect(amiras.body).toContain("Sam: It fails on iOS.");
    expect(amiras.body).toContain("المساعد: I summarised the crash logs above.");
    expect(amiras.body).not.toMatch(/Carter|sam@demo/);
    const sams = outbox.find((n) => n.userId === SAM)!;
    expect(sams.locale).toBe("en");
    expect(sams.subject).toBe("Unread messages in Mobile shop");
    expect(sams.body).toContain("Hello Sam,");
    expect(sams.body).toContain(
      "Assistant: I summarised the crash logs above.\nAmira Haddad: Looking now.",
    );
    expect(sams.body).toContain("(unread: 2)");
  });

  it("sends none when the member read the messages meanwhile, or only up to part of them", async () => {
    const chat = await seedChatWithAmira(t.db, "Read in time");
    await send(t.db, chat.conversationId, SAM, "one", at(0));
    await send(t.db, chat.conversationId, SAM, "two", at(1));
    await t.db
      .update(conversationMembers)
      .set({ lastReadSeq: 2 })
      .where(
        and(
          eq(conversationMembers.conversationId, chat.conversationId),
          eq(conversationMembers.userId, AMIRA),
        ),
      );
    await runDigests(at(30));
    expect(await digests(chat.conversationId)).toEqual([]);
    expect(await member(chat.conversationId, AMIRA)).toEqual({ lastReadSeq: 2, digestedSeq: 0 });

    // She read the first of two: the digest is about the second only, due 5 minutes after it.
    await send(t.db, chat.conversationId, SAM, "three", at(31));
    await send(t.db, chat.conversationId, SAM, "four", at(34));
    await t.db
      .update(conversationMembers)
      .set({ lastReadSeq: 3 })
      .where(
        and(
          eq(conversationMembers.conversationId, chat.conversationId),
          eq(conversationMembers.userId, AMIRA),
        ),
      );
    await runDigests(at(38));
    expect(await digests(chat.conversationId)).toEqual([]);
    await runDigests(at(39));
    expect(
      (await digests(chat.conversationId)).map((d) => d.params.messages.map((m) => m.snippet)),
    ).toEqual([["four"]]);
  });

  it("skips hidden messages, and tells an advisor who lost access nothing", async () => {
    const chat = await seedChatWithAmira(t.db, "Lost access");
    const hidden = await send(t.db, chat.conversationId, SAM, "my phone is 555", at(0));
    await t.db
      .update(messages)
      .set({ hiddenAt: at(1), hiddenBy: ADMIN, hiddenReason: "contact details" })
      .where(eq(messages.id, hidden.id));
    await runDigests(at(10));
    expect(await digests(chat.conversationId)).toEqual([]);

    await send(t.db, chat.conversationId, SAM, "still there?", at(11));
    await t.db
      .update(advisorInvitations)
      .set({ status: "revoked", revokedAt: at(12), revokedBy: SAM })
      .where(eq(advisorInvitations.id, chat.invitationId));
    await runDigests(at(20));
    expect(await digests(chat.conversationId)).toEqual([]);
    // The stretch is marked, so it is not looked at again every minute.
    expect((await member(chat.conversationId, AMIRA)).digestedSeq).toBe(2);
  });

  it("two workers running at once write one digest per member", async () => {
    const chat = await seedChatWithAmira(t.db, "Raced");
    await send(t.db, chat.conversationId, SAM, "hello", at(0));
    await send(t.db, chat.conversationId, AMIRA, "hi", at(0));
    await Promise.all([runDigests(at(6)), runDigests(at(6)), runDigests(at(6))]);
    const written = await digests(chat.conversationId);
    expect(written.map((d) => d.userId).sort()).toEqual([AMIRA, SAM].sort());
  });
});
