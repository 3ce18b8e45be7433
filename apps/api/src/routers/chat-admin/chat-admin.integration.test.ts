import { appendMessage, CHAT_CHANNEL, createDb, type Db, seedDemoData } from "@an/db";
import { messageReports, messageRevisions, messages } from "@an/db/schema";
import {
  ADMIN,
  AMIRA,
  DIEGO,
  insertAdvisor,
  SAM,
  seedProjectChat,
  useTestDatabase,
} from "@an/db/testing";
import type { MessageFlagReason } from "@an/domain";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { callerFor } from "../consultations/test-fixtures";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
});

const T0 = new Date("2026-11-02T09:00:00.000Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const UNKNOWN = "00000000-0000-4000-8000-00000000abcd";

async function send(
  db: Db,
  conversationId: string,
  from: { userId: string; as: "client" | "advisor" },
  body: string,
  now: Date,
  flagReasons: MessageFlagReason[] = [],
) {
  const outcome = await db.transaction((tx) =>
    appendMessage(tx, {
      conversationId,
      actorType: from.as,
      senderId: from.userId,
      authorKey: `user:${from.userId}`,
      body,
      flagReasons,
      now,
    }),
  );
  if (outcome.kind !== "created") throw new Error(`append failed: ${outcome.kind}`);
  return outcome.message;
}

const auditRows = (subjectId: string) =>
  t.db.execute<{ action: string; actor_id: string | null; after: Record<string, unknown> }>(
    sql`select action, actor_id, after from audit_log where subject_id = ${subjectId} order by id`,
  );

/** Awaits a rejection and returns its tRPC code and app code. */
async function failure(promise: Promise<unknown>) {
  const error = (await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  )) as { code?: string; appCode?: string };
  return { code: error.code, appCode: error.appCode };
}

describe("chatAdmin.listConversations", () => {
  it("finds conversations by project name, by member id, email or name, and flagged ones; keyset pages; counts flags and reports", async () => {
    const shop = await seedProjectChat(t.db, {
      ownerId: SAM,
      name: "Mobile shop 100%",
      advisorId: AMIRA,
      createdAt: at(0),
    });
    const dash = await seedProjectChat(t.db, {
      ownerId: DIEGO,
      name: "Analytics dashboard",
      createdAt: at(1),
    });
    await send(t.db, shop.conversationId, { userId: SAM, as: "client" }, "Hello!", at(10));
    const flagged = await send(
      t.db,
      shop.conversationId,
      { userId: AMIRA, as: "advisor" },
      "Write me at amira@example.com",
      at(11),
      ["email"],
    );
    const reported = await send(
      t.db,
      shop.conversationId,
      { userId: SAM, as: "client" },
      "rude",
      at(12),
    );
    await t.db
      .insert(messageReports)
      .values({ messageId: reported.id, reporterId: AMIRA, reason: "Insulting" });
    await send(t.db, dash.conversationId, { userId: DIEGO, as: "client" }, "Charts please", at(20));

    const admin = await callerFor(t.db, ADMIN);
    const all = await admin.chatAdmin.listConversations({});
    // Most recently active first.
    expect(all.items.map((c) => c.project.name)).toEqual([
      "Analytics dashboard",
      "Mobile shop 100%",
    ]);
    expect(all.items[1]).toMatchObject({
      id: shop.conversationId,
      owner: { id: SAM, firstName: "Sam", lastName: "Carter", email: "sam@demo.advisor.network" },
      lastSeq: 3,
      memberCount: 2,
      flaggedMessages: 1,
      reportedMessages: 1,
    });
    expect(flagged.flaggedAt).not.toBeNull();

    const byName = await admin.chatAdmin.listConversations({ project: "shop 100%" });
    expect(byName.items.map((c) => c.id)).toEqual([shop.conversationId]);
    // A literal % matches only a percent sign.
    expect(
      (await admin.chatAdmin.listConversations({ project: "%" })).items.map((c) => c.id),
    ).toEqual([shop.conversationId]);
    for (const member of [AMIRA, "amira@demo.advisor.network", "Haddad", "amira haddad"]) {
      const found = await admin.chatAdmin.listConversations({ member });
      expect(
        found.items.map((c) => c.id),
        member,
      ).toEqual([shop.conversationId]);
    }
    expect(
      (await admin.chatAdmin.listConversations({ member: "Diego Ruiz" })).items.map((c) => c.id),
    ).toEqual([dash.conversationId]);
    expect(
      (await admin.chatAdmin.listConversations({ flaggedOnly: true })).items.map((c) => c.id),
    ).toEqual([shop.conversationId]);

    const first = await admin.chatAdmin.listConversations({ limit: 1 });
    const second = await admin.chatAdmin.listConversations({ limit: 1, cursor: first.nextCursor });
    expect([...first.items, ...second.items].map((c) => c.id)).toEqual([
      dash.conversationId,
      shop.conversationId,
    ]);
    expect(second.nextCursor).toBeNull();

    expect(await failure(admin.chatAdmin.listConversations({ cursor: "not-a-cursor" }))).toEqual({
      code: "BAD_REQUEST",
      appCode: undefined,
    });
    for (const who of [SAM, AMIRA, null]) {
      const caller = await callerFor(t.db, who);
      expect((await failure(caller.chatAdmin.listConversations({}))).code).toBe(
        who ? "FORBIDDEN" : "UNAUTHORIZED",
      );
    }
  });
});

describe("chatAdmin.readConversation", () => {
  it("shows everything to an admin (hidden and deleted text, revisions, flags, reports), pages by seq both ways, and audits each read exactly once", async () => {
    const chat = await seedProjectChat(t.db, {
      ownerId: SAM,
      name: "Read me",
      advisorId: AMIRA,
      createdAt: T0,
    });
    const sent = [];
    for (let i = 1; i <= 5; i++) {
      sent.push(
        await send(t.db, chat.conversationId, { userId: SAM, as: "client" }, `message ${i}`, at(i)),
      );
    }
    // Message 2 edited then deleted by its author, message 3 hidden and reported.
    await t.db.insert(messageRevisions).values([
      {
        messageId: sent[1]!.id,
        body: "message 2 (first draft)",
        revisedBy: SAM,
        revisedAt: at(30),
      },
      { messageId: sent[1]!.id, body: "message 2", revisedBy: SAM, revisedAt: at(31) },
    ]);
    await t.db
      .update(messages)
      .set({ editedAt: at(30), deletedAt: at(31) })
      .where(eq(messages.id, sent[1]!.id));
    await t.db
      .update(messages)
      .set({ hiddenAt: at(32), hiddenBy: ADMIN, hiddenReason: "Spam" })
      .where(eq(messages.id, sent[2]!.id));
    await t.db
      .insert(messageReports)
      .values({ messageId: sent[2]!.id, reporterId: AMIRA, reason: "Spam link" });

    const admin = await callerFor(t.db, ADMIN);
    const newest = await admin.chatAdmin.readConversation({
      conversationId: chat.conversationId,
      limit: 3,
    });
    expect(newest.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    expect(newest.olderBeforeSeq).toBe(3);
    expect(newest.newerAfterSeq).toBeNull();
    expect(newest.conversation).toMatchObject({
      id: chat.conversationId,
      lastSeq: 5,
      project: { name: "Read me" },
      owner: { id: SAM, lastName: "Carter" },
    });
    expect(newest.conversation.members.map((m) => [m.user.id, m.role])).toEqual([
      [SAM, "owner"],
      [AMIRA, "advisor"],
    ]);
    const hidden = newest.messages[0]!;
    expect(hidden).toMatchObject({
      body: "message 3",
      hidden: { by: ADMIN, reason: "Spam" },
      reports: [
        { reporter: { id: AMIRA, lastName: "Haddad" }, reason: "Spam link", resolvedAt: null },
      ],
    });

    const older = await admin.chatAdmin.readConversation({
      conversationId: chat.conversationId,
      beforeSeq: newest.olderBeforeSeq!,
      limit: 3,
    });
    expect(older.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(older.olderBeforeSeq).toBeNull();
    expect(older.newerAfterSeq).toBe(2);
    expect(older.messages[1]).toMatchObject({
      body: "message 2",
      deletedAt: at(31),
      editedAt: at(30),
      revisions: [{ body: "message 2 (first draft)" }, { body: "message 2" }],
    });
    const forward = await admin.chatAdmin.readConversation({
      conversationId: chat.conversationId,
      afterSeq: 2,
      limit: 2,
    });
    expect(forward.messages.map((m) => m.seq)).toEqual([3, 4]);
    expect(forward.newerAfterSeq).toBe(4);

    const reads = await auditRows(chat.conversationId);
    expect(reads.map((r) => [r.action, r.actor_id])).toEqual([
      ["chat.read", ADMIN],
      ["chat.read", ADMIN],
      ["chat.read", ADMIN],
    ]);
    expect(reads.map((r) => [r.after.fromSeq, r.after.toSeq])).toEqual([
      [3, 5],
      [1, 2],
      [3, 4],
    ]);
  });

  it("refuses non-admins, unknown conversations and contradictory pages, auditing nothing", async () => {
    const chat = await seedProjectChat(t.db, { ownerId: SAM, name: "Private", createdAt: T0 });
    await send(t.db, chat.conversationId, { userId: SAM, as: "client" }, "secret", at(1));
    for (const who of [SAM, DIEGO, AMIRA]) {
      const caller = await callerFor(t.db, who);
      expect(
        await failure(caller.chatAdmin.readConversation({ conversationId: chat.conversationId })),
      ).toEqual({
        code: "FORBIDDEN",
        appCode: "FORBIDDEN_ROLE",
      });
    }
    const admin = await callerFor(t.db, ADMIN);
    expect(await failure(admin.chatAdmin.readConversation({ conversationId: UNKNOWN }))).toEqual({
      code: "NOT_FOUND",
      appCode: "CONVERSATION_NOT_FOUND",
    });
    for (const input of [
      { conversationId: "nope" },
      { conversationId: chat.conversationId, afterSeq: 1, beforeSeq: 3 },
      { conversationId: chat.conversationId, beforeSeq: 0 },
      { conversationId: chat.conversationId, afterSeq: -1 },
      { conversationId: chat.conversationId, limit: 1000 },
    ]) {
      expect(
        (await failure(admin.chatAdmin.readConversation(input))).code,
        JSON.stringify(input),
      ).toBe("BAD_REQUEST");
    }
    expect(await auditRows(chat.conversationId)).toEqual([]);
    expect(await auditRows(UNKNOWN)).toEqual([]);
  });
});

/** Collects chat notices delivered while `body` runs (they go out on commit). */
async function noticesDuring(body: () => Promise<void>): Promise<unknown[]> {
  const listener = createDb(t.url, { max: 1 });
  const received: unknown[] = [];
  try {
    await listener.sql.listen(CHAT_CHANNEL, (payload) => received.push(JSON.parse(payload)));
    await body();
    // A round trip on the listening connection: notices committed before it have arrived.
    await listener.sql`select 1`;
  } finally {
    await listener.close();
  }
  return received;
}

describe("chatAdmin.hideMessage / unhideMessage", () => {
  it("hides with a required reason (soft, announced, audited once), and shows again", async () => {
    const chat = await seedProjectChat(t.db, {
      ownerId: SAM,
      name: "Moderated",
      advisorId: AMIRA,
      createdAt: T0,
    });
    const msg = await send(
      t.db,
      chat.conversationId,
      { userId: AMIRA, as: "advisor" },
      "pay me at paypal.me/x",
      at(1),
      ["payment_link"],
    );
    const admin = await callerFor(t.db, ADMIN, { now: at(5) });
    for (const input of [
      { messageId: msg.id },
      { messageId: msg.id, reason: "  " },
      { messageId: msg.id, reason: "x" },
    ]) {
      expect((await failure(admin.chatAdmin.hideMessage(input as never))).code).toBe("BAD_REQUEST");
    }
    expect(
      await failure(
        admin.chatAdmin.hideMessage({ messageId: UNKNOWN, reason: "Off-platform payment" }),
      ),
    ).toEqual({
      code: "NOT_FOUND",
      appCode: "MESSAGE_NOT_FOUND",
    });
    expect(
      await failure(
        (await callerFor(t.db, SAM)).chatAdmin.hideMessage({ messageId: msg.id, reason: "mine" }),
      ),
    ).toEqual({
      code: "FORBIDDEN",
      appCode: "FORBIDDEN_ROLE",
    });
    const [untouched] = await t.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(untouched!.hiddenAt).toBeNull();

    let result: unknown;
    const notices = await noticesDuring(async () => {
      result = await admin.chatAdmin.hideMessage({
        messageId: msg.id,
        reason: "Off-platform payment",
      });
    });
    expect(result).toEqual({
      messageId: msg.id,
      conversationId: chat.conversationId,
      seq: 1,
      hidden: true,
      changed: true,
    });
    expect(notices).toEqual([
      { kind: "update", conversationId: chat.conversationId, messageId: msg.id },
    ]);
    const [row] = await t.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(row).toMatchObject({
      body: "pay me at paypal.me/x",
      hiddenAt: at(5),
      hiddenBy: ADMIN,
      hiddenReason: "Off-platform payment",
    });
    // Hiding again changes nothing and audits nothing.
    expect(
      (await admin.chatAdmin.hideMessage({ messageId: msg.id, reason: "again please" })).changed,
    ).toBe(false);

    expect(
      (await failure(admin.chatAdmin.unhideMessage({ messageId: msg.id } as never))).code,
    ).toBe("BAD_REQUEST");
    expect(
      (await admin.chatAdmin.unhideMessage({ messageId: msg.id, reason: "Appeal upheld" })).changed,
    ).toBe(true);
    const [shown] = await t.db.select().from(messages).where(eq(messages.id, msg.id));
    expect(shown).toMatchObject({ hiddenAt: null, hiddenBy: null, hiddenReason: null });

    const audit = await auditRows(msg.id);
    expect(audit.map((r) => [r.action, r.actor_id, r.after.reason])).toEqual([
      ["chat.message_hidden", ADMIN, "Off-platform payment"],
      ["chat.message_shown", ADMIN, "Appeal upheld"],
    ]);
  });
});

describe("chatAdmin.listFlagged / resolveReports", () => {
  it("lists flagged and reported messages newest first, by reason; resolving reports is audited and idempotent", async () => {
    const chat = await seedProjectChat(t.db, {
      ownerId: DIEGO,
      name: "Flags",
      advisorId: AMIRA,
      createdAt: T0,
    });
    const phone = await send(
      t.db,
      chat.conversationId,
      { userId: AMIRA, as: "advisor" },
      "call +33 6 12 34 56 78",
      at(100),
      ["phone"],
    );
    await send(t.db, chat.conversationId, { userId: DIEGO, as: "client" }, "fine", at(101));
    const reported = await send(
      t.db,
      chat.conversationId,
      { userId: DIEGO, as: "client" },
      "you're useless",
      at(102),
    );
    await t.db
      .insert(messageReports)
      .values({ messageId: reported.id, reporterId: AMIRA, reason: "Abusive" });

    const admin = await callerFor(t.db, ADMIN, { now: at(110) });
    const listed = await admin.chatAdmin.listFlagged({});
    const mine = listed.items.filter((m) => m.conversationId === chat.conversationId);
    expect(mine.map((m) => m.id)).toEqual([reported.id, phone.id]);
    expect(mine[0]).toMatchObject({
      project: { name: "Flags" },
      openReports: 1,
      reports: [{ reason: "Abusive", reporter: { id: AMIRA } }],
    });
    expect(mine[1]).toMatchObject({
      flagReasons: ["phone"],
      openReports: 0,
      body: "call +33 6 12 34 56 78",
    });
    const byPhone = await admin.chatAdmin.listFlagged({ reason: "phone" });
    expect(byPhone.items.map((m) => m.id)).toContain(phone.id);
    expect(byPhone.items.map((m) => m.id)).not.toContain(reported.id);
    const byReport = await admin.chatAdmin.listFlagged({ reason: "reported" });
    expect(byReport.items.map((m) => m.id)).toContain(reported.id);
    expect(byReport.items.map((m) => m.id)).not.toContain(phone.id);

    const page1 = await admin.chatAdmin.listFlagged({ limit: 1 });
    const page2 = await admin.chatAdmin.listFlagged({ limit: 1, cursor: page1.nextCursor });
    expect(page2.items[0]!.id).not.toBe(page1.items[0]!.id);

    expect(
      (await failure(admin.chatAdmin.resolveReports({ messageId: reported.id, note: "" }))).code,
    ).toBe("BAD_REQUEST");
    expect(
      await failure(admin.chatAdmin.resolveReports({ messageId: UNKNOWN, note: "Warned" })),
    ).toEqual({
      code: "NOT_FOUND",
      appCode: "MESSAGE_NOT_FOUND",
    });
    expect(
      await admin.chatAdmin.resolveReports({ messageId: reported.id, note: "Warned the client" }),
    ).toEqual({
      messageId: reported.id,
      resolved: 1,
    });
    expect(
      (await admin.chatAdmin.resolveReports({ messageId: reported.id, note: "again" })).resolved,
    ).toBe(0);
    const [report] = await t.db
      .select()
      .from(messageReports)
      .where(eq(messageReports.messageId, reported.id));
    expect(report).toMatchObject({ resolvedAt: at(110), resolvedBy: ADMIN });
    expect((await auditRows(reported.id)).map((r) => [r.action, r.after.note])).toEqual([
      ["chat.reports_resolved", "Warned the client"],
    ]);

    // Open only: still visible with a content flag or an unresolved report.
    await admin.chatAdmin.hideMessage({ messageId: phone.id, reason: "Contact details" });
    const open = await admin.chatAdmin.listFlagged({ openOnly: true });
    expect(open.items.map((m) => m.id)).not.toContain(phone.id);
    expect(open.items.map((m) => m.id)).not.toContain(reported.id);
    expect(await failure((await callerFor(t.db, AMIRA)).chatAdmin.listFlagged({}))).toEqual({
      code: "FORBIDDEN",
      appCode: "FORBIDDEN_ROLE",
    });
  });
});
