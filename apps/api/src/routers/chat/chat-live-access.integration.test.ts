import { appendMessage, getUserWithRoles, grantRole } from "@an/db";
import { advisorInvitations, conversationMembers, conversations } from "@an/db/schema";
import {
  ADMIN,
  AMIRA,
  DIEGO,
  insertAdvisor,
  insertConsultation,
  LUCAS,
  SAM,
  seedParties,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import { eq } from "drizzle-orm";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ChatHub, createChatHub } from "../../live/chat-hub";
import {
  type ChatStreamEvent,
  chatStream,
  createLiveChat,
  type LiveChat,
} from "../../live/chat-stream";
import { attachmentUrls, DEV_ATTACHMENT_URL_SECRET } from "../../uploads/attachment-urls";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

/**
 * Who may follow a conversation live and announce typing: the chat rows of the
 * authorization matrix (owner, another client, the invited advisor before and after
 * accepting, another advisor, an admin), through the router as a caller sees it.
 */

const DAY = 24 * 3_600_000;
const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas M." });
});

let hub: ChatHub;
let live: LiveChat;
let conversationId = "";
let projectId = "";
let passId = "";

beforeAll(async () => {
  hub = createChatHub({ connectionString: t.url, log: pino({ level: "silent" }) });
  await hub.ready();
  live = createLiveChat(hub, { backlogCap: 500, accessRecheckMs: 60_000, typingIntervalMs: 0 });
  ({ projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM, name: "Matrix" }));
  await t.db.transaction((tx) =>
    appendMessage(tx, {
      conversationId,
      actorType: "client",
      senderId: SAM,
      authorKey: `user:${SAM}`,
      body: "first",
      now: new Date(),
    }),
  );
  // Amira is invited (pending) with a running pass; Lucas is an advisor with nothing here.
  await t.db.insert(advisorInvitations).values({
    projectId,
    advisorId: AMIRA,
    invitedBy: SAM,
    status: "pending",
    seesHistory: true,
    expiresAt: new Date(Date.now() + 30 * DAY),
  });
  passId = await insertConsultation(t.db, {
    clientId: SAM,
    advisorId: AMIRA,
    projectId,
    kind: "async_pass",
    passDays: 7,
    status: "confirmed",
    startsAt: new Date(Date.now() - DAY),
    endsAt: new Date(Date.now() + 6 * DAY),
  });
  await t.db.transaction((tx) =>
    grantRole(tx, {
      userId: ADMIN,
      role: "admin",
      actor: { kind: "system", label: "test" },
      notify: false,
    }),
  );
});

afterAll(async () => {
  await hub?.close();
});

async function callerFor(userId: string) {
  const user = await getUserWithRoles(t.db, { id: userId });
  return createCaller(createContextInner({ db: t.db, user, live }));
}

/** The first thing the stream sends, or the error it ends with. */
async function firstEvent(userId: string) {
  const caller = await callerFor(userId);
  try {
    const stream = await caller.chat.onEvents({ conversationId, lastEventId: "0" });
    const iterator = stream[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Ends the stream (its hub subscription goes with it).
    await iterator.return?.(undefined);
    return { ok: true as const, value: first.value as unknown };
  } catch (error) {
    return { ok: false as const, error: error as { code: string; appCode?: string } };
  }
}

async function typing(userId: string) {
  const caller = await callerFor(userId);
  return caller.chat.setTyping({ conversationId }).then(
    (r) => ({ ok: true as const, value: r }),
    (error: { code: string; appCode?: string }) => ({ ok: false as const, error }),
  );
}

const denied = (code: string, appCode: string) => ({
  ok: false,
  error: expect.objectContaining({ code, appCode }) as unknown,
});

describe("chat.onEvents and chat.setTyping by caller", () => {
  it.each([
    ["the owner", SAM, { ok: true }, { ok: true }],
    [
      "another client",
      DIEGO,
      denied("NOT_FOUND", "CONVERSATION_NOT_FOUND"),
      denied("NOT_FOUND", "CONVERSATION_NOT_FOUND"),
    ],
    [
      "the invited advisor before accepting",
      AMIRA,
      denied("FORBIDDEN", "CHAT_ACCESS_DENIED"),
      denied("FORBIDDEN", "CHAT_ACCESS_DENIED"),
    ],
    [
      "another advisor",
      LUCAS,
      denied("NOT_FOUND", "CONVERSATION_NOT_FOUND"),
      denied("NOT_FOUND", "CONVERSATION_NOT_FOUND"),
    ],
    // Admins read conversations through the audited moderation reads, not a live stream.
    [
      "an admin",
      ADMIN,
      denied("FORBIDDEN", "CHAT_ACCESS_DENIED"),
      denied("FORBIDDEN", "CHAT_ACCESS_DENIED"),
    ],
  ])("%s", async (_name, userId, stream, typed) => {
    expect(await firstEvent(userId)).toMatchObject(stream);
    expect(await typing(userId)).toMatchObject(typed);
  });

  it("the invited advisor after accepting follows the stream and may announce typing", async () => {
    await t.db
      .update(advisorInvitations)
      .set({ status: "accepted", respondedAt: new Date() })
      .where(eq(advisorInvitations.projectId, projectId));
    await t.db
      .insert(conversationMembers)
      .values({ conversationId, userId: AMIRA, role: "advisor", historyFromSeq: 0 });
    // A tracked event: [id, data] (the id is the seq), as tRPC's `tracked` envelopes it.
    const first = await firstEvent(AMIRA);
    expect(first.ok).toBe(true);
    const [id, data] = (first.ok ? first.value : []) as [string, unknown];
    expect(id).toBe("1");
    expect(data).toMatchObject({
      type: "message",
      message: { seq: 1, sender: { displayName: "Sam" } },
    });
    expect(await typing(AMIRA)).toEqual({ ok: true, value: { notified: true } });
  });

  // The periodic re-check is a minute here, so only the announcement or the scheduled
  // moment can end these streams within seconds.
  it("the advisor's stream ends within seconds when the engagement paying for it is cancelled", async () => {
    const stream = await (
      await callerFor(AMIRA)
    ).chat.onEvents({ conversationId, lastEventId: "1" });
    const iterator = stream[Symbol.asyncIterator]();
    const ended = iterator.next().then(
      () => null,
      (error: { code: string; appCode?: string; message: string }) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cancelled = await (
      await callerFor(AMIRA)
    ).consultations.cancel({ consultationId: passId });
    expect(cancelled.status).not.toBe("confirmed");
    const started = Date.now();
    const error = await Promise.race([
      ended,
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000)),
    ]);
    expect(error).not.toBe("timeout");
    expect(error).toMatchObject({ code: "FORBIDDEN", appCode: "CHAT_ACCESS_DENIED" });
    expect((error as { params?: { reason?: string } }).params?.reason).toBe("no_live_engagement");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("the advisor's stream ends at the moment the engagement's window closes, unannounced", async () => {
    const endsAt = new Date(Date.now() + 1_500);
    await insertConsultation(t.db, {
      clientId: SAM,
      advisorId: AMIRA,
      projectId,
      kind: "async_pass",
      passDays: 1,
      status: "confirmed",
      startsAt: new Date(Date.now() - DAY + 1_500),
      endsAt,
    });
    const stream = await (
      await callerFor(AMIRA)
    ).chat.onEvents({ conversationId, lastEventId: "1" });
    const iterator = stream[Symbol.asyncIterator]();
    const error = await Promise.race([
      iterator.next().then(
        () => null,
        (e: { code: string; appCode?: string; message: string }) => e,
      ),
      new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 6_000)),
    ]);
    expect(error).not.toBe("timeout");
    expect(error).toMatchObject({ code: "FORBIDDEN", appCode: "CHAT_ACCESS_DENIED" });
    expect((error as { params?: { reason?: string } }).params?.reason).toBe("no_live_engagement");
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt.getTime());
  });

  it("a message committed between the stream's first read and its listening still arrives at once", async () => {
    // The owner's stream reads where the conversation stands (the access read); right after
    // that read, before the stream could be listening, another message commits and its
    // notice goes out. The periodic re-check is a minute away, so only the notice can bring it.
    let raced = false;
    const racing = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop !== "execute") return Reflect.get(target, prop, receiver) as unknown;
        return async (query: Parameters<typeof target.execute>[0]) => {
          const result = await target.execute(query);
          if (!raced) {
            raced = true;
            await t.db.transaction((tx) =>
              appendMessage(tx, {
                conversationId,
                actorType: "client",
                senderId: SAM,
                authorKey: `user:${SAM}`,
                body: "committed in between",
                now: new Date(),
              }),
            );
            // Let the notice reach this process's hub before the stream goes on.
            await new Promise((resolve) => setTimeout(resolve, 300));
          }
          return result;
        };
      },
    });
    const before = await t.db
      .select({ lastSeq: conversations.lastSeq })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    const controller = new AbortController();
    const stream = chatStream({
      db: racing,
      live,
      caller: { kind: "user", userId: SAM, isAdmin: false },
      conversationId,
      lastEventId: before[0]!.lastSeq,
      signal: controller.signal,
      now: () => new Date(),
      attachmentUrls: attachmentUrls({
        secret: DEV_ATTACHMENT_URL_SECRET,
        ttlSeconds: 3600,
        baseUrl: () => "http://localhost",
      }),
    });
    try {
      const first = await Promise.race([
        stream.next(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 5_000)),
      ]);
      expect(raced).toBe(true);
      expect(first).not.toBe("timeout");
      const [, event] = (first as IteratorResult<unknown>).value as [string, ChatStreamEvent];
      expect(event).toMatchObject({
        type: "message",
        message: { seq: before[0]!.lastSeq + 1, body: "committed in between" },
      });
    } finally {
      controller.abort();
      await stream.return(undefined);
    }
  });
});
