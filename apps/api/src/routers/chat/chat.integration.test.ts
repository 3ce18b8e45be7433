import { revokeServiceCredential, seedDemoData } from "@an/db";
import { insertAdvisor, seedProjectChat, useTestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { authenticateServiceKey } from "../../auth/service-key";
import { createRateLimiters } from "../../rate-limit";
import { getUserWithRoles } from "@an/db";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";
import { admitAdvisor, assistantKey, chatCaller, inviteAdvisor } from "./test-fixtures";

const SAM = "demo|client-sam";
const DIEGO = "demo|client-diego";
const AMIRA = "demo|advisor-amira";
const LUCAS = "demo|advisor-lucas";
const ADMIN = "demo|admin";
const UNKNOWN = "00000000-0000-4000-8000-000000000000";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas Martin" });
});

const count = async (conversationId: string) =>
  (
    await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from messages where conversation_id = ${conversationId}`,
    )
  )[0]!.n;

let n = 0;
const id = () => `m-${++n}`;

describe("chat.send", () => {
  it("stores a message once per clientMsgId: a retry returns it, another body is a conflict", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    const first = await sam.chat.send({ conversationId, clientMsgId: "a1", body: "  Hello  " });
    expect(first).toMatchObject({
      duplicate: false,
      message: {
        seq: 1,
        actorType: "client",
        body: "Hello",
        sender: { id: SAM, displayName: "Sam Carter" },
        clientMsgId: "a1",
        engagementId: null,
        hidden: false,
      },
    });
    const retry = await sam.chat.send({ conversationId, clientMsgId: "a1", body: "Hello" });
    expect(retry).toMatchObject({ duplicate: true, message: { id: first.message.id, seq: 1 } });
    await expect(
      sam.chat.send({ conversationId, clientMsgId: "a1", body: "Something else" }),
    ).rejects.toMatchObject({ code: "CONFLICT", appCode: "CHAT_CLIENT_MSG_ID_CONFLICT" });
    expect(await count(conversationId)).toBe(1);
  });

  it.each([
    ["an empty body", { body: "   " }, "BAD_REQUEST", { appCode: "CHAT_BODY_EMPTY" }],
    [
      "an oversized body",
      { body: "x".repeat(4001) },
      "BAD_REQUEST",
      { appCode: "CHAT_BODY_TOO_LONG" },
    ],
    ["a NUL byte", { body: "a\u0000b" }, "BAD_REQUEST", { message: "TEXT_INVALID_CHARACTERS" }],
    [
      "a lone surrogate",
      { body: "ok \uD83D" },
      "BAD_REQUEST",
      { message: "TEXT_INVALID_CHARACTERS" },
    ],
    ["a clientMsgId too long", { clientMsgId: "x".repeat(65) }, "BAD_REQUEST", {}],
    ["an empty clientMsgId", { clientMsgId: "" }, "BAD_REQUEST", {}],
    ["a conversation id that isn't a uuid", { conversationId: "nope" }, "BAD_REQUEST", {}],
    [
      "an unknown conversation",
      { conversationId: UNKNOWN },
      "NOT_FOUND",
      { appCode: "CONVERSATION_NOT_FOUND" },
    ],
  ] as const)("refuses %s, storing nothing", async (_name, override, code, detail) => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    await expect(
      sam.chat.send({ conversationId, clientMsgId: id(), body: "hi", ...override }),
    ).rejects.toMatchObject({ code, ...detail });
    expect(await count(conversationId)).toBe(0);
  });

  it("another client learns nothing: a foreign conversation is not found", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const diego = await chatCaller(t.db, DIEGO);
    await expect(
      diego.chat.send({ conversationId, clientMsgId: id(), body: "hi" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "CONVERSATION_NOT_FOUND" });
    await expect(diego.chat.listHistory({ conversationId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await count(conversationId)).toBe(0);
  });

  it("flags contact details and payment links without blocking them", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    const { message } = await sam.chat.send({
      conversationId,
      clientMsgId: id(),
      body: "mail me at sam@example.com or paypal.me/sam",
    });
    const [row] = await t.db.execute<{ flag_reasons: string; flagged: boolean }>(
      sql`select flag_reasons::text, flagged_at is not null as flagged from messages where id = ${message.id}`,
    );
    expect(row).toEqual({ flag_reasons: "{email,payment_link}", flagged: true });
  });

  it("is rate-limited per author across instances, with nothing stored past the limit", async () => {
    const pool = new pg.Pool({ connectionString: t.url, max: 2 });
    try {
      const limiters = createRateLimiters(pool, {
        signIn: { points: 100, durationSeconds: 60 },
        mutation: { points: 100, durationSeconds: 60 },
        chatSend: { points: 2, durationSeconds: 60 },
      });
      const { conversationId } = await seedProjectChat(t.db, { ownerId: DIEGO });
      const caller = createCaller(
        createContextInner({
          db: t.db,
          user: await getUserWithRoles(t.db, { id: DIEGO }),
          rateLimiters: limiters,
        }),
      );
      await caller.chat.send({ conversationId, clientMsgId: id(), body: "one" });
      await caller.chat.send({ conversationId, clientMsgId: id(), body: "two" });
      await expect(
        caller.chat.send({ conversationId, clientMsgId: id(), body: "three" }),
      ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "CHAT_RATE_LIMITED" });
      expect(await count(conversationId)).toBe(2);
    } finally {
      await pool.end();
    }
  });

  it("spends only the chat budget: sends don't use up the caller's budget for other changes", async () => {
    const pool = new pg.Pool({ connectionString: t.url, max: 2 });
    try {
      const limiters = createRateLimiters(pool, {
        signIn: { points: 100, durationSeconds: 60 },
        mutation: { points: 1, durationSeconds: 60 },
        chatSend: { points: 5, durationSeconds: 60 },
      });
      // Lucas as a client here: Diego's chat budget is spent by the test above.
      const { conversationId } = await seedProjectChat(t.db, { ownerId: LUCAS });
      const caller = createCaller(
        createContextInner({
          db: t.db,
          user: await getUserWithRoles(t.db, { id: LUCAS }),
          rateLimiters: limiters,
        }),
      );
      for (const body of ["one", "two", "three"]) {
        await caller.chat.send({ conversationId, clientMsgId: id(), body });
      }
      // The one other change allowed still goes through, and the next one is limited.
      await caller.chat.markRead({ conversationId, seq: 3 });
      await expect(caller.chat.markRead({ conversationId, seq: 3 })).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        appCode: "RATE_LIMITED",
      });
      expect(await count(conversationId)).toBe(3);
    } finally {
      await pool.end();
    }
  });

  it("the assistant's key spends its own mutation budget, not a user's, shared across instances", async () => {
    const pool = new pg.Pool({ connectionString: t.url, max: 2 });
    try {
      const rules = {
        signIn: { points: 100, durationSeconds: 60 },
        mutation: { points: 2, durationSeconds: 60 },
        chatSend: { points: 100, durationSeconds: 60 },
        serviceMutation: { points: 4, durationSeconds: 60 },
      };
      // Two limiter sets over one table stand for two API instances.
      const instances = [createRateLimiters(pool, rules), createRateLimiters(pool, rules)];
      const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
      const key = await assistantKey(t.db);
      const { service, error } = await authenticateServiceKey(t.db, key.key, new Date());
      const assistantOn = (i: number) =>
        createCaller(
          createContextInner({ db: t.db, service, authError: error, rateLimiters: instances[i]! }),
        );
      const sam = createCaller(
        createContextInner({
          db: t.db,
          user: await getUserWithRoles(t.db, { id: SAM }),
          rateLimiters: instances[0]!,
        }),
      );
      // Sends spend the chat budget only (see above); edits spend the mutation budgets.
      const posted = await assistantOn(0).chat.send({
        conversationId,
        clientMsgId: id(),
        body: "a",
      });
      // Past the general limit of 2, the assistant still edits: 4 across the two instances.
      for (let i = 0; i < 4; i += 1) {
        await assistantOn(i % 2).chat.edit({ messageId: posted.message.id, body: `a${i}` });
      }
      await expect(
        assistantOn(1).chat.edit({ messageId: posted.message.id, body: "a4" }),
      ).rejects.toMatchObject({ code: "TOO_MANY_REQUESTS", appCode: "RATE_LIMITED" });
      // The owner's own budget is untouched by the assistant's edits, and still applies.
      await sam.chat.markRead({ conversationId, seq: 1 });
      await sam.chat.markRead({ conversationId, seq: 1 });
      await expect(sam.chat.markRead({ conversationId, seq: 1 })).rejects.toMatchObject({
        code: "TOO_MANY_REQUESTS",
        appCode: "RATE_LIMITED",
      });
      const [row] = await t.db.execute<{ body: string }>(
        sql`select body from messages where id = ${posted.message.id}`,
      );
      expect(row?.body).toBe("a3");
    } finally {
      await pool.end();
    }
  });
});

describe("advisors in the chat", () => {
  it("an admitted advisor posts billed to the pass, sees no earlier history, and sees the client by first name only", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    await sam.chat.send({ conversationId, clientMsgId: id(), body: "Before Amira joined" });
    const passId = await admitAdvisor(t.db, {
      projectId,
      conversationId,
      advisorId: AMIRA,
      clientId: SAM,
    });
    await sam.chat.send({ conversationId, clientMsgId: id(), body: "Welcome!" });
    const amira = await chatCaller(t.db, AMIRA);
    const sent = await amira.chat.send({ conversationId, clientMsgId: id(), body: "Thanks" });
    expect(sent.message).toMatchObject({
      actorType: "advisor",
      engagementId: passId,
      sender: { id: AMIRA, displayName: "Amira Haddad" },
    });
    const history = await amira.chat.listHistory({ conversationId });
    expect(history.messages.map((m) => m.body)).toEqual(["Welcome!", "Thanks"]);
    expect(history.historyFromSeq).toBe(1);
    await expect(amira.chat.listHistory({ conversationId, before: 2 })).resolves.toMatchObject({
      messages: [],
    });
    const conversation = await amira.chat.getConversation({ conversationId });
    const outputs = JSON.stringify([history, conversation, await amira.chat.listConversations({})]);
    expect(outputs).toContain('"Sam"');
    expect(outputs).not.toContain("Carter");
    expect(outputs).not.toContain("sam@demo.advisor.network");
    expect(conversation.capabilities).toMatchObject({ canPost: true, canReport: true });
    expect(conversation.members.map((m) => m.displayName)).toEqual(["Sam", "Amira Haddad"]);
    // The owner sees both in full.
    const own = await sam.chat.getConversation({ conversationId });
    expect(own.members.map((m) => m.displayName)).toEqual(["Sam Carter", "Amira Haddad"]);
  });

  it("a pending invitation doesn't open the conversation, and says why", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    await inviteAdvisor(t.db, { projectId, advisorId: LUCAS, invitedBy: SAM });
    const lucas = await chatCaller(t.db, LUCAS);
    await expect(lucas.chat.getConversation({ conversationId })).rejects.toMatchObject({
      code: "FORBIDDEN",
      appCode: "CHAT_INVITATION_PENDING",
    });
    await expect(
      lucas.chat.send({ conversationId, clientMsgId: id(), body: "hi" }),
    ).rejects.toMatchObject({ appCode: "CHAT_INVITATION_PENDING" });
    expect(await count(conversationId)).toBe(0);
  });

  it("an advisor without a live engagement can't post, and the list leaves the conversation out", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const passId = await admitAdvisor(t.db, {
      projectId,
      conversationId,
      advisorId: LUCAS,
      clientId: SAM,
    });
    const lucas = await chatCaller(t.db, LUCAS);
    const before = await lucas.chat.listConversations({});
    expect(before.items.map((i) => i.conversationId)).toContain(conversationId);
    await t.db.execute(sql`update consultations set status = 'cancelled' where id = ${passId}`);
    await expect(
      lucas.chat.send({ conversationId, clientMsgId: id(), body: "hi" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "CHAT_NO_ENGAGEMENT" });
    const after = await lucas.chat.listConversations({});
    expect(after.items.map((i) => i.conversationId)).not.toContain(conversationId);
  });
});

describe("the assistant's API key", () => {
  it("posts as the assistant, records when the key was used, and stops at once when revoked", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const key = await assistantKey(t.db);
    const assistant = await chatCaller(t.db, { key: key.key });
    const { message } = await assistant.chat.send({
      conversationId,
      clientMsgId: id(),
      body: "I can help with that.",
    });
    expect(message).toMatchObject({ actorType: "assistant", sender: null, engagementId: null });
    const [used] = await t.db.execute<{ used: boolean }>(
      sql`select last_used_at is not null as used from service_credentials where id = ${key.id}`,
    );
    expect(used).toEqual({ used: true });
    await expect(assistant.chat.listConversations({})).rejects.toMatchObject({
      appCode: "CHAT_LIST_NOT_FOR_ASSISTANT",
    });
    await revokeServiceCredential(t.db, { id: key.id, revokedBy: ADMIN, now: new Date() });
    const revoked = await chatCaller(t.db, { key: key.key });
    await expect(
      revoked.chat.send({ conversationId, clientMsgId: id(), body: "again" }),
    ).rejects.toMatchObject({ code: "UNAUTHORIZED", appCode: "SERVICE_KEY_INVALID" });
    const forged = await chatCaller(t.db, { key: `${key.key.slice(0, -2)}xx` });
    await expect(forged.chat.listHistory({ conversationId })).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await count(conversationId)).toBe(1);
  });
});

describe("chat.listHistory", () => {
  it("pages by seq in both directions and refuses cursors past the end", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    for (let i = 1; i <= 7; i += 1) {
      await sam.chat.send({ conversationId, clientMsgId: `h${i}`, body: `message ${i}` });
    }
    const seqs = (page: { messages: { seq: number }[] }) => page.messages.map((m) => m.seq);
    const newest = await sam.chat.listHistory({ conversationId, limit: 3 });
    expect([seqs(newest), newest.hasMore, newest.lastSeq]).toEqual([[5, 6, 7], true, 7]);
    const older = await sam.chat.listHistory({ conversationId, before: 5, limit: 3 });
    expect([seqs(older), older.hasMore]).toEqual([[2, 3, 4], true]);
    const oldest = await sam.chat.listHistory({ conversationId, before: 2, limit: 3 });
    expect([seqs(oldest), oldest.hasMore]).toEqual([[1], false]);
    const forward = await sam.chat.listHistory({ conversationId, after: 0, limit: 4 });
    expect([seqs(forward), forward.hasMore]).toEqual([[1, 2, 3, 4], true]);
    const rest = await sam.chat.listHistory({ conversationId, after: 4, limit: 4 });
    expect([seqs(rest), rest.hasMore]).toEqual([[5, 6, 7], false]);
    const caughtUp = await sam.chat.listHistory({ conversationId, after: 7 });
    expect(seqs(caughtUp)).toEqual([]);
    for (const bad of [{ after: 8 }, { before: 9 }, { before: 3, after: 1 }]) {
      await expect(sam.chat.listHistory({ conversationId, ...bad })).rejects.toMatchObject({
        code: "BAD_REQUEST",
        appCode: "CHAT_CURSOR_INVALID",
      });
    }
    for (const bad of [
      { after: -1 },
      { before: 0 },
      { after: 1.5 },
      { limit: 0 },
      { limit: 201 },
    ]) {
      await expect(sam.chat.listHistory({ conversationId, ...bad })).rejects.toMatchObject({
        code: "BAD_REQUEST",
      });
    }
  });

  it("an admin reads any conversation, and each read is audited", async () => {
    const { conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    const sam = await chatCaller(t.db, SAM);
    await sam.chat.send({ conversationId, clientMsgId: id(), body: "hello" });
    const admin = await chatCaller(t.db, ADMIN);
    const page = await admin.chat.listHistory({ conversationId });
    expect(page.messages).toHaveLength(1);
    const view = await admin.chat.getConversation({ conversationId });
    expect(view.capabilities).toMatchObject({ canPost: false, readIsAudited: true });
    const [audits] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where action = 'chat.read' and subject_id = ${conversationId}`,
    );
    expect(audits).toEqual({ n: 2 });
    await expect(
      admin.chat.send({ conversationId, clientMsgId: id(), body: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "CHAT_CANNOT_POST" });
  });
});

describe("edit and delete", () => {
  it("only the author edits or deletes; earlier text is kept; deleted messages show empty", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    await admitAdvisor(t.db, { projectId, conversationId, advisorId: AMIRA, clientId: SAM });
    const sam = await chatCaller(t.db, SAM);
    const amira = await chatCaller(t.db, AMIRA);
    const diego = await chatCaller(t.db, DIEGO);
    const { message } = await sam.chat.send({ conversationId, clientMsgId: id(), body: "v1" });
    const edited = await sam.chat.edit({
      messageId: message.id,
      body: "v2 call +33 6 12 34 56 78",
    });
    expect(edited.message).toMatchObject({ body: "v2 call +33 6 12 34 56 78" });
    expect(edited.message.editedAt).not.toBeNull();
    await expect(amira.chat.edit({ messageId: message.id, body: "mine" })).rejects.toMatchObject({
      code: "FORBIDDEN",
      appCode: "CHAT_NOT_AUTHOR",
    });
    await expect(diego.chat.delete({ messageId: message.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "MESSAGE_NOT_FOUND",
    });
    await expect(sam.chat.edit({ messageId: UNKNOWN, body: "x" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(sam.chat.edit({ messageId: message.id, body: " " })).rejects.toMatchObject({
      appCode: "CHAT_BODY_EMPTY",
    });
    const deleted = await sam.chat.delete({ messageId: message.id });
    expect(deleted.message).toMatchObject({ body: "" });
    expect(deleted.message.deletedAt).not.toBeNull();
    await expect(sam.chat.edit({ messageId: message.id, body: "v3" })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "CHAT_MESSAGE_DELETED",
    });
    const seen = await amira.chat.listHistory({ conversationId });
    expect(seen.messages.at(-1)).toMatchObject({ id: message.id, body: "" });
    const revisions = await t.db.execute<{ body: string }>(
      sql`select body from message_revisions where message_id = ${message.id} order by revised_at, body`,
    );
    expect(revisions.map((r) => r.body).sort()).toEqual(["v1", "v2 call +33 6 12 34 56 78"]);
    const [flags] = await t.db.execute<{ flag_reasons: string }>(
      sql`select flag_reasons::text from messages where id = ${message.id}`,
    );
    expect(flags).toEqual({ flag_reasons: "{phone}" });
  });
});

describe("read cursors and the conversation list", () => {
  it("the cursor only moves forward and stops at the last message; unread counts follow", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, {
      ownerId: DIEGO,
      name: "Unread test",
    });
    await admitAdvisor(t.db, { projectId, conversationId, advisorId: LUCAS, clientId: DIEGO });
    const diego = await chatCaller(t.db, DIEGO);
    const lucas = await chatCaller(t.db, LUCAS);
    for (let i = 1; i <= 3; i += 1) {
      await lucas.chat.send({ conversationId, clientMsgId: id(), body: `update ${i}` });
    }
    const item = async () =>
      (await diego.chat.listConversations({})).items.find(
        (i) => i.conversationId === conversationId,
      )!;
    expect(await item()).toMatchObject({
      project: { name: "Unread test" },
      unreadCount: 3,
      lastMessage: { seq: 3, preview: "update 3", sender: { displayName: "Lucas Martin" } },
    });
    expect(await diego.chat.markRead({ conversationId, seq: 2 })).toEqual({
      lastReadSeq: 2,
      lastSeq: 3,
    });
    expect((await item()).unreadCount).toBe(1);
    expect(await diego.chat.markRead({ conversationId, seq: 1 })).toMatchObject({ lastReadSeq: 2 });
    expect(await diego.chat.markRead({ conversationId, seq: 99 })).toMatchObject({
      lastReadSeq: 3,
    });
    expect((await item()).unreadCount).toBe(0);
    // Sending moves the sender's own cursor: their message is not unread to them.
    await diego.chat.send({ conversationId, clientMsgId: id(), body: "thanks" });
    expect((await item()).unreadCount).toBe(0);
    await expect(diego.chat.markRead({ conversationId, seq: -1 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const admin = await chatCaller(t.db, ADMIN);
    await expect(admin.chat.markRead({ conversationId, seq: 1 })).rejects.toMatchObject({
      appCode: "CHAT_NO_READ_CURSOR",
    });
  });
});

describe("chat.report", () => {
  it("a member reports another's message once; it is flagged for review", async () => {
    const { projectId, conversationId } = await seedProjectChat(t.db, { ownerId: SAM });
    await admitAdvisor(t.db, { projectId, conversationId, advisorId: AMIRA, clientId: SAM });
    const sam = await chatCaller(t.db, SAM);
    const amira = await chatCaller(t.db, AMIRA);
    const { message } = await amira.chat.send({ conversationId, clientMsgId: id(), body: "hmm" });
    const first = await sam.chat.report({ messageId: message.id, reason: "Rude reply" });
    expect(first.alreadyReported).toBe(false);
    expect(await sam.chat.report({ messageId: message.id, reason: "Again" })).toEqual({
      reportId: first.reportId,
      alreadyReported: true,
    });
    await expect(
      amira.chat.report({ messageId: message.id, reason: "mine" }),
    ).rejects.toMatchObject({
      appCode: "CHAT_REPORT_OWN",
    });
    await expect(
      (await chatCaller(t.db, DIEGO)).chat.report({ messageId: message.id, reason: "nosy" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const [row] = await t.db.execute<{ flag_reasons: string; reports: number }>(
      sql`select flag_reasons::text, (select count(*)::int from message_reports r where r.message_id = m.id) as reports from messages m where id = ${message.id}`,
    );
    expect(row).toEqual({ flag_reasons: "{reported}", reports: 1 });
  });
});
