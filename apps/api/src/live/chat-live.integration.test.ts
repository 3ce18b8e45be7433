import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { appendMessage, notifyChat } from "@an/db";
import {
  advisorInvitations,
  advisors,
  conversationMembers,
  conversations,
  messages,
  users,
} from "@an/db/schema";
import {
  AMIRA,
  createTestDatabase,
  DIEGO,
  insertAdvisor,
  insertConsultation,
  LUCAS,
  SAM,
  seedParties,
  seedProjectChat,
  type TestDatabase,
} from "@an/db/testing";
import type { TRPCClientError } from "@trpc/client";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppRouter } from "../trpc/router";
import { call, startTestApi, type TestApi, tokenFor } from "../testing";
import type { ChatStreamEvent } from "./chat-stream";
import { liveChatClient } from "./live-client";

/**
 * Live chat across two API processes: this test process runs one (A, in-process) and spawns
 * another (B), both on the same database. Messages are appended straight into the table
 * (the NOTIFY goes out on commit, from this process's connection); subscribers use the real
 * tRPC client over SSE with the EventSource ponyfill.
 */

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");
const NOOR = "test|advisor-noor";
const DAY = 24 * 3_600_000;

type Received = { id?: string; event: ChatStreamEvent };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function until<T>(
  what: string,
  probe: () => T | null | undefined | false | Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** An advisor who accepted an invitation and has a running async pass on the project. */
async function admitAdvisor(
  db: TestDatabase,
  chat: { projectId: string; conversationId: string },
  advisorId: string,
  invitedBy: string,
  scope: { seesHistory?: boolean; historyFromSeq?: number } = {},
) {
  const now = Date.now();
  await db.db.insert(advisorInvitations).values({
    projectId: chat.projectId,
    advisorId,
    invitedBy,
    status: "accepted",
    seesHistory: scope.seesHistory ?? true,
    canPost: true,
    expiresAt: new Date(now + 30 * DAY),
    respondedAt: new Date(now),
  });
  await db.db.insert(conversationMembers).values({
    conversationId: chat.conversationId,
    userId: advisorId,
    role: "advisor",
    historyFromSeq: scope.historyFromSeq ?? 0,
  });
  await insertConsultation(db.db, {
    clientId: invitedBy,
    advisorId,
    projectId: chat.projectId,
    kind: "async_pass",
    passDays: 7,
    status: "confirmed",
    startsAt: new Date(now - DAY),
    endsAt: new Date(now + 6 * DAY),
    durationMinutes: 7 * 24 * 60,
  });
}

async function send(db: TestDatabase, conversationId: string, senderId: string, body: string) {
  return db.db.transaction(async (tx) => {
    const out = await appendMessage(tx, {
      conversationId,
      actorType:
        senderId === AMIRA || senderId === LUCAS || senderId === NOOR ? "advisor" : "client",
      senderId,
      authorKey: `user:${senderId}`,
      clientMsgId: `${body}-${Math.random()}`,
      body,
      now: new Date(),
    });
    if (out.kind !== "created") throw new Error(out.kind);
    return out.message;
  });
}

/** A subscriber: what it received, its errors and whether it is (re)connecting. */
function subscribe(
  origin: () => string,
  token: string,
  input: { conversationId: string; lastEventId?: string | null },
) {
  const client = liveChatClient({ origin, token: () => token });
  const received: Received[] = [];
  const state = { error: null as TRPCClientError<AppRouter> | null, started: 0 };
  const sub = client.chat.onEvents.subscribe(input, {
    onStarted: () => {
      state.started += 1;
    },
    onData: (data) => {
      const tracked = data as { id?: string; data?: ChatStreamEvent } & ChatStreamEvent;
      received.push(
        typeof tracked.id === "string" && tracked.data
          ? { id: tracked.id, event: tracked.data }
          : { event: data as ChatStreamEvent },
      );
    },
    onError: (err) => {
      state.error = err;
    },
  });
  const messagesSeen = () =>
    received.flatMap((r) => (r.event.type === "message" ? [r.event.message.seq] : []));
  return { received, state, messagesSeen, stop: () => sub.unsubscribe(), client };
}

describe("live chat over SSE across two API processes", () => {
  let db: TestDatabase;
  let a: TestApi;
  let bUrl = "";
  let b: ChildProcess | null = null;
  let samToken = "";
  let amiraToken = "";
  let diegoToken = "";
  let p1: { projectId: string; conversationId: string };

  async function lastSeqOf(conversationId: string) {
    const [row] = await db.db
      .select({ lastSeq: conversations.lastSeq })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    return row!.lastSeq;
  }

  async function startB(env: Record<string, string> = {}) {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", tsxLoader, "src/main.ts"], {
      cwd: join(root, "apps", "api"),
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: db.url,
        MIGRATE_ON_START: "false",
        LOG_LEVEL: "silent",
        HOST: "127.0.0.1",
        PORT: String(port),
        CHAT_STREAM_ACCESS_RECHECK_MS: "500",
        ...env,
      },
      stdio: "ignore",
    });
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("API B did not start");
      await new Promise((r) => setTimeout(r, 200));
    }
    b = child;
    bUrl = url;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedParties(db.db);
    await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas M." });
    await db.db.insert(users).values({ id: NOOR, firstName: "Noor", lastName: "Saleh" });
    await insertAdvisor(db.db, { userId: NOOR, displayName: "Noor S." });
    a = await startTestApi({
      db,
      seed: false,
      env: { CHAT_STREAM_ACCESS_RECHECK_MS: "500", CHAT_TYPING_INTERVAL_MS: "60000" },
    });
    await startB({ CHAT_STREAM_BACKLOG_CAP: "25" });
    samToken = await tokenFor({ id: SAM, firstName: "Sam", lastName: "Carter" });
    amiraToken = await tokenFor({ id: AMIRA });
    diegoToken = await tokenFor({ id: DIEGO });
    await db.db
      .update(users)
      .set({ firstName: "Sam", lastName: "Carter" })
      .where(eq(users.id, SAM));
    p1 = await seedProjectChat(db.db, { ownerId: SAM, name: "Shop app" });
    await admitAdvisor(db, p1, AMIRA, SAM);
  }, 120_000);

  afterAll(async () => {
    b?.kill("SIGKILL");
    await a?.close();
    await db?.drop();
  });

  it("a message committed through one process reaches subscribers on the other, in seq order", async () => {
    const owner = subscribe(() => bUrl, samToken, { conversationId: p1.conversationId });
    const advisor = subscribe(() => bUrl, amiraToken, { conversationId: p1.conversationId });
    await until("both streams to start", () => owner.state.started && advisor.state.started);
    for (const body of ["hello", "the checkout breaks", "on mobile"]) {
      await send(db, p1.conversationId, SAM, body);
    }
    await until("three messages on both", () =>
      owner.messagesSeen().length === 3 && advisor.messagesSeen().length === 3 ? true : null,
    );
    expect(owner.messagesSeen()).toEqual([1, 2, 3]);
    expect(advisor.received.map((r) => r.id)).toEqual(["1", "2", "3"]);
    const first = advisor.received[0]!.event;
    expect(first).toMatchObject({ type: "message", message: { seq: 1, body: "hello" } });
    // Advisors see the client by first name only; the owner sees the full name.
    expect(first.type === "message" && first.message.sender).toEqual({
      id: SAM,
      displayName: "Sam",
    });
    const own = owner.received[0]!.event;
    expect(own.type === "message" && own.message.sender?.displayName).toBe("Sam Carter");
    // The sender's own echo carries its clientMsgId (to match it), as chat.send answers; no one
    // else's does.
    expect(own.type === "message" && own.message.clientMsgId).toMatch(/^hello-/);
    expect(first.type === "message" && first.message.clientMsgId).toBeNull();

    // Typing goes through process A, reaches B's subscribers, untracked, never stored.
    const before = await db.db.select({ n: sql<number>`count(*)::int` }).from(messages);
    const typed = await call(a.url, "mutation", "chat.setTyping", {
      token: amiraToken,
      input: { conversationId: p1.conversationId },
    });
    expect(typed.body.result?.data).toEqual({ notified: true });
    const again = await call(a.url, "mutation", "chat.setTyping", {
      token: amiraToken,
      input: { conversationId: p1.conversationId },
    });
    expect(again.body.result?.data).toEqual({ notified: false });
    const typing = await until("typing on the owner's stream", () =>
      owner.received.find((r) => r.event.type === "typing"),
    );
    expect(typing.id).toBeUndefined();
    expect(typing.event).toEqual({ type: "typing", user: { id: AMIRA, displayName: "Amira H." } });
    expect(advisor.received.some((r) => r.event.type === "typing")).toBe(false);
    const after = await db.db.select({ n: sql<number>`count(*)::int` }).from(messages);
    expect(after[0]!.n).toBe(before[0]!.n);

    // An edit is an untracked update; the next message still carries the next seq.
    await db.db.transaction(async (tx) => {
      const [m] = await tx
        .update(messages)
        .set({ body: "the checkout breaks on iOS", editedAt: new Date() })
        .where(sql`${messages.conversationId} = ${p1.conversationId} and ${messages.seq} = 2`)
        .returning({ id: messages.id });
      await notifyChat(tx, { kind: "update", conversationId: p1.conversationId, messageId: m!.id });
    });
    await send(db, p1.conversationId, AMIRA, "looking at it");
    await until("the update and seq 4", () => (advisor.messagesSeen().includes(4) ? true : null));
    const update = advisor.received.find((r) => r.event.type === "update")!;
    expect(update.id).toBeUndefined();
    expect(update.event).toMatchObject({ message: { seq: 2, body: "the checkout breaks on iOS" } });
    expect(advisor.messagesSeen()).toEqual([1, 2, 3, 4]);
    owner.stop();
    advisor.stop();
  });

  it("a reconnect with lastEventId backfills from the table; past the backlog cap it gets resync", async () => {
    const resumed = subscribe(() => a.url, samToken, {
      conversationId: p1.conversationId,
      lastEventId: "2",
    });
    await until("backfill of 3 and 4", () => (resumed.messagesSeen().length === 2 ? true : null));
    expect(resumed.messagesSeen()).toEqual([3, 4]);
    resumed.stop();

    // B's cap is 25: 30 missed messages are not replayed.
    for (let i = 0; i < 30; i += 1) await send(db, p1.conversationId, SAM, `burst ${i}`);
    const late = subscribe(() => bUrl, samToken, {
      conversationId: p1.conversationId,
      lastEventId: "4",
    });
    const resync = await until("resync", () => late.received[0]);
    expect(resync).toEqual({ id: "34", event: { type: "resync", upToSeq: 34 } });
    await send(db, p1.conversationId, SAM, "after the resync");
    await until("seq 35", () => (late.messagesSeen().includes(35) ? true : null));
    expect(late.messagesSeen()).toEqual([35]);
    late.stop();
  });

  it("bad lastEventId, strangers and missing tokens are refused, with nothing delivered", async () => {
    const expectRefused = async (
      token: string,
      input: { conversationId: string; lastEventId?: string },
      code: string,
      appCode: string,
    ) => {
      const s = subscribe(() => a.url, token, input);
      const err = await until(`refusal ${appCode}`, () => s.state.error);
      expect(err.data).toMatchObject({ code, appCode });
      expect(s.received).toEqual([]);
      s.stop();
      return err;
    };
    const ahead = await expectRefused(
      samToken,
      { conversationId: p1.conversationId, lastEventId: "100000" },
      "BAD_REQUEST",
      "LAST_EVENT_ID_AHEAD",
    );
    expect(ahead.data?.httpStatus).toBe(400);
    expect(ahead.message).toContain("100000");
    await expectRefused(
      samToken,
      { conversationId: p1.conversationId, lastEventId: "abc" },
      "BAD_REQUEST",
      "LAST_EVENT_ID_INVALID",
    );
    await expectRefused(
      samToken,
      { conversationId: p1.conversationId, lastEventId: "-1" },
      "BAD_REQUEST",
      "LAST_EVENT_ID_INVALID",
    );
    await expectRefused(
      diegoToken,
      { conversationId: p1.conversationId },
      "NOT_FOUND",
      "CONVERSATION_NOT_FOUND",
    );
    await expectRefused(
      samToken,
      { conversationId: "00000000-0000-4000-8000-000000000000" },
      "NOT_FOUND",
      "CONVERSATION_NOT_FOUND",
    );
    const typing = await call(a.url, "mutation", "chat.setTyping", {
      token: diegoToken,
      input: { conversationId: p1.conversationId },
    });
    expect(typing.status).toBe(404);

    // On the wire: an SSE response (unbuffered by proxies) whose only events are the
    // connection and the error; no event id, no message.
    const qs = encodeURIComponent(
      JSON.stringify({ conversationId: p1.conversationId, lastEventId: "abc" }),
    );
    const raw = await fetch(`${a.url}/trpc/chat.onEvents?input=${qs}`, {
      headers: { authorization: `Bearer ${samToken}`, accept: "text/event-stream" },
    });
    expect(raw.headers.get("content-type")).toContain("text/event-stream");
    expect(raw.headers.get("x-accel-buffering")).toBe("no");
    const text = await raw.text();
    expect(text).toContain("event: serialized-error");
    expect(text).toContain('"httpStatus":400');
    expect(text).not.toMatch(/^id: \d/m);
    const anonymous = await fetch(`${a.url}/trpc/chat.onEvents?input=${qs}`);
    expect(await anonymous.text()).toContain('"httpStatus":401');
  });

  it("a revoked invitation ends the advisor's stream within seconds", async () => {
    const p2 = await seedProjectChat(db.db, { ownerId: DIEGO, name: "Revoked" });
    await admitAdvisor(db, p2, AMIRA, DIEGO);
    const s = subscribe(() => bUrl, amiraToken, { conversationId: p2.conversationId });
    await until("stream start", () => s.state.started);
    await send(db, p2.conversationId, DIEGO, "welcome");
    await until("the welcome", () => (s.messagesSeen().length === 1 ? true : null));
    const t0 = Date.now();
    await db.db.transaction(async (tx) => {
      await tx
        .update(advisorInvitations)
        .set({ status: "revoked", revokedAt: new Date(), revokedBy: DIEGO })
        .where(eq(advisorInvitations.projectId, p2.projectId));
      await notifyChat(tx, { kind: "access", conversationId: p2.conversationId, userId: AMIRA });
    });
    const err = await until("the stream to end", () => s.state.error, 5_000);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(err.data).toMatchObject({ code: "FORBIDDEN", appCode: "CHAT_ACCESS_DENIED" });
    await send(db, p2.conversationId, DIEGO, "after the revoke");
    await new Promise((r) => setTimeout(r, 300));
    expect(s.messagesSeen()).toEqual([1]);
  });

  it("an expired invitation or a suspension ends the stream within seconds, without a notice", async () => {
    const p3 = await seedProjectChat(db.db, { ownerId: DIEGO, name: "Expiring" });
    await admitAdvisor(db, p3, NOOR, DIEGO);
    const p4 = await seedProjectChat(db.db, { ownerId: SAM, name: "Suspended" });
    await admitAdvisor(db, p4, LUCAS, SAM);
    const noor = subscribe(() => a.url, await tokenFor({ id: NOOR }), {
      conversationId: p3.conversationId,
    });
    const lucas = subscribe(() => bUrl, await tokenFor({ id: LUCAS }), {
      conversationId: p4.conversationId,
    });
    await until("streams start", () => noor.state.started && lucas.state.started);
    const t0 = Date.now();
    await db.db
      .update(advisorInvitations)
      .set({ expiresAt: new Date(Date.now() - 1_000) })
      .where(eq(advisorInvitations.projectId, p3.projectId));
    await db.db
      .update(advisors)
      .set({ status: "suspended", suspendedAt: new Date(), suspendedReason: "test" })
      .where(eq(advisors.userId, LUCAS));
    const [expired, suspended] = await Promise.all([
      until("the expired stream to end", () => noor.state.error, 5_000),
      until("the suspended stream to end", () => lucas.state.error, 5_000),
    ]);
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(expired.data?.appCode).toBe("CHAT_ACCESS_DENIED");
    expect(expired.message).toContain("invitation_expired");
    expect(suspended.message).toContain("advisor_suspended");
  });

  it("a dropped LISTEN connection reconnects and nothing committed meanwhile is lost", async () => {
    const startSeq = await lastSeqOf(p1.conversationId);
    const s = subscribe(() => a.url, samToken, {
      conversationId: p1.conversationId,
      lastEventId: String(startSeq),
    });
    await until("stream start", () => s.state.started);
    await db.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and application_name = 'advisor-network:api-chat-listen'`,
    );
    for (let i = 0; i < 5; i += 1) await send(db, p1.conversationId, SAM, `while down ${i}`);
    await until("the five", () => (s.messagesSeen().length === 5 ? true : null), 10_000);
    expect(s.messagesSeen()).toEqual([1, 2, 3, 4, 5].map((i) => startSeq + i));
    // Both processes' hubs are listening again.
    await until("both LISTEN connections back", async () => {
      const [row] = await db.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity
            where datname = current_database() and application_name = 'advisor-network:api-chat-listen'`,
      );
      return row!.n === 2 ? true : null;
    });
    s.stop();
  });

  it("SIGKILL of the API mid-stream: the client resumes on the other from lastEventId, nothing lost or repeated", async () => {
    let target = bUrl;
    const startSeq = await lastSeqOf(p1.conversationId);
    const s = subscribe(() => target, samToken, {
      conversationId: p1.conversationId,
      lastEventId: String(startSeq),
    });
    await until("stream start", () => s.state.started);
    const total = 40;
    let sent = 0;
    const writer = (async () => {
      for (; sent < total; sent += 1) {
        await send(db, p1.conversationId, SAM, `steady ${sent}`);
        await new Promise((r) => setTimeout(r, 60));
      }
    })();
    await until("a third of the messages", () => (s.messagesSeen().length >= 12 ? true : null));
    // The load balancer now sends new connections to A; B dies without a goodbye.
    target = a.url;
    b!.kill("SIGKILL");
    await writer;
    await until("every message", () => (s.messagesSeen().length >= total ? true : null), 30_000);
    await new Promise((r) => setTimeout(r, 300));
    const expected = Array.from({ length: total }, (_, i) => startSeq + 1 + i);
    expect(s.messagesSeen()).toEqual(expected);
    // It did reconnect (a second "started"), and never saw an error.
    expect(s.state.started).toBeGreaterThanOrEqual(2);
    expect(s.state.error).toBeNull();
    s.stop();
  }, 60_000);
});
