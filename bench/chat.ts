// Live chat benchmark, in one run on this machine:
//  1. delivery latency: two API processes, SSE subscribers (4 members per conversation, split
//     across the two processes), messages sent at a fixed rate (open loop) with a clientMsgId;
//     the time from the send to the message reaching every OTHER member of its conversation;
//  2. send throughput, closed loop: `chat.send` over HTTP next to the same insert
//     (`appendMessage` in a transaction) issued directly, same concurrency;
//  3. a reconnect storm: every subscriber drops and reconnects at once with its lastEventId
//     while sends go on; afterwards every subscriber must hold seq 1..last of its conversation
//     exactly once (lost, duplicated) and the time until all have caught up is reported.
//
//   node_modules/.bin/tsx bench/chat.ts
//
// BENCH_DATABASE_URL: a disposable database; otherwise an embedded PostgreSQL, durable and
// production-configured (BENCH_DURABILITY=ephemeral for the old fsync-off figures).
// BENCH_CHAT_CONVERSATIONS (500; subscribers = 4 ×), BENCH_CHAT_RATE (200 messages/s),
// BENCH_SECONDS (10), BENCH_CONCURRENCY (16, closed loop), BENCH_PROFILE (a directory: the
// API processes write CPU profiles there). A small run:
//   BENCH_CHAT_CONVERSATIONS=50 BENCH_CHAT_RATE=50 BENCH_SECONDS=4 node_modules/.bin/tsx bench/chat.ts
// Sends go through `chat.send` when the API has it; otherwise the message is appended directly
// (the stream side is measured the same way) and the HTTP throughput line says so.
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { appendMessage, createDb, type Db, migrateDatabase } from "@an/db";
import {
  cpuPerOperation,
  describeBaseline,
  measureMachineBaseline,
  resetStatementStats,
  sampleCpu,
  startBenchDatabase,
  topStatements,
} from "./lib/cluster";
import {
  advisorInvitations,
  advisors,
  consultations,
  conversationMembers,
  conversations,
  projects,
  users,
} from "@an/db/schema";
import { sql } from "drizzle-orm";
import { appRouter, DEV_JWT_SECRET, signDevToken } from "../apps/api/src/index.ts";
import type { ChatStreamEvent } from "../apps/api/src/live/chat-stream.ts";
import { liveChatClient } from "../apps/api/src/live/live-client.ts";

const CONVERSATIONS = Number(process.env.BENCH_CHAT_CONVERSATIONS ?? 500);
const MEMBERS = 4;
const RATE = Number(process.env.BENCH_CHAT_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ADVISORS = Math.max(3, Math.ceil(CONVERSATIONS / 10));
const TARGETS = { p50: 10, p99: 50, ratio: 0.6 };
const DAY = 86_400_000;
const HAS_SEND = "chat.send" in appRouter._def.procedures;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsxLoader = join(root, "node_modules", "tsx", "dist", "esm", "index.mjs");

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const ms = (n: number) => n.toFixed(2);
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

let stopping = false;
function launch(name: string, env: Record<string, string>): ChildProcess {
  // BENCH_PROFILE=<dir>: each API process writes a CPU profile there when it stops.
  const profile = process.env.BENCH_PROFILE
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, "--import", tsxLoader, "src/main.ts"], {
    cwd: join(root, "apps", "api"),
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  child.on("exit", (code, signal) => {
    if (!stopping && code !== 0) console.error(`${name} exited early (${signal ?? code})`);
  });
  return child;
}

async function waitFor(url: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not come up`);
}

type Chat = { conversationId: string; members: string[] };

/** Owners, advisors with accepted invitations and running passes, one conversation each. */
async function seed(db: Db): Promise<Chat[]> {
  const now = Date.now();
  const clientIds = Array.from({ length: CONVERSATIONS }, (_, i) => `bench|client-${i}`);
  const advisorIds = Array.from({ length: ADVISORS }, (_, i) => `bench|advisor-${i}`);
  await db.insert(users).values(
    [...clientIds, ...advisorIds].map((id, i) => ({
      id,
      email: `${id.replace("|", ".")}@bench.test`,
      firstName: `First${i}`,
      lastName: `Last${i}`,
    })),
  );
  await db.insert(advisors).values(
    advisorIds.map((userId, i) => ({
      userId,
      displayName: `Advisor ${i}`,
      headline: "Bench",
      bio: "Bench",
      timeZone: "UTC",
      yearsExperience: 5,
      hourlyRate: 10_000,
      currency: "USD",
    })),
  );
  const chats: Chat[] = [];
  for (let i = 0; i < CONVERSATIONS; i += 1) {
    const ownerId = clientIds[i]!;
    const team = [0, 1, 2].map((k) => advisorIds[(i * 3 + k) % ADVISORS]!);
    await db.transaction(async (tx) => {
      const [project] = await tx
        .insert(projects)
        .values({ ownerId, name: `Bench ${i}` })
        .returning({ id: projects.id });
      const [conv] = await tx
        .insert(conversations)
        .values({ projectId: project!.id })
        .returning({ id: conversations.id });
      const conversationId = conv!.id;
      await tx
        .insert(conversationMembers)
        .values([
          { conversationId, userId: ownerId, role: "owner" as const },
          ...team.map((userId) => ({ conversationId, userId, role: "advisor" as const })),
        ]);
      await tx.insert(advisorInvitations).values(
        team.map((advisorId) => ({
          projectId: project!.id,
          advisorId,
          invitedBy: ownerId,
          status: "accepted" as const,
          seesHistory: true,
          expiresAt: new Date(now + 30 * DAY),
        })),
      );
      await tx.insert(consultations).values(
        team.map((advisorId) => ({
          clientId: ownerId,
          advisorId,
          projectId: project!.id,
          kind: "async_pass" as const,
          passDays: 7,
          status: "confirmed" as const,
          startsAt: new Date(now - DAY),
          endsAt: new Date(now + 6 * DAY),
          durationMinutes: 7 * 24 * 60,
          currency: "USD",
          price: 12_000,
          platformFee: 2_400,
          advisorShare: 9_600,
          refundablePrice: 12_000,
          refundableFee: 2_400,
          refundableShare: 9_600,
        })),
      );
      chats.push({ conversationId, members: [ownerId, ...team] });
    });
  }
  return chats;
}

type Subscriber = {
  chat: number;
  member: number;
  seqs: number[];
  last: number;
  stop: () => void;
};

async function main() {
  const database = await startBenchDatabase();
  const databaseUrl = database.url;
  console.log(`PostgreSQL: ${database.description}.`);
  const machine = await measureMachineBaseline(databaseUrl);
  console.log(describeBaseline(machine));
  const children: ChildProcess[] = [];
  const handle = createDb(databaseUrl, { max: CONCURRENCY + 4, applicationName: "an-bench" });
  const subscribers: Subscriber[] = [];
  try {
    await migrateDatabase(databaseUrl);
    const chats = await seed(handle.db);
    const urls: string[] = [];
    for (let p = 0; p < 2; p += 1) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      children.push(
        launch(`api-${p}`, {
          NODE_ENV: "development",
          DATABASE_URL: databaseUrl,
          MIGRATE_ON_START: "false",
          PUBLIC_API_URL: url,
          PORT: String(port),
          HOST: "127.0.0.1",
          LOG_LEVEL: "warn",
          DATABASE_POOL_SIZE: "20",
          RATE_LIMIT_MUTATIONS: "1000000",
          RATE_LIMIT_CHAT_SENDS: "1000000",
        }),
      );
      urls.push(url);
    }
    await Promise.all(urls.map((u) => waitFor(`${u}/readyz`)));
    const tokens = new Map<string, string>();
    for (const id of new Set(chats.flatMap((c) => c.members))) {
      const { token } = await signDevToken(
        DEV_JWT_SECRET,
        { id, email: null, firstName: null, lastName: null },
        { ttlSeconds: 3600 },
      );
      tokens.set(id, token);
    }
    console.log(
      `Machine: ${cpus().length} cores; 2 API processes; ${CONVERSATIONS} conversations × ${MEMBERS} members = ` +
        `${CONVERSATIONS * MEMBERS} SSE subscribers; ${RATE} messages/s for ${SECONDS} s; ` +
        `sends via ${HAS_SEND ? "chat.send (HTTP)" : "appendMessage directly (chat.send not in this tree)"}.\n`,
    );

    // Receipt bookkeeping: message n is waited for by every member but its sender.
    const pending = new Map<string, { t0: number; left: number; committed: number | null }>();
    const deliveries: number[] = [];
    // The same, from the moment the send returned (committed): the fan-out alone.
    const fanout: number[] = [];
    const lastReceipt = new Map<string, number>();
    let latencyOn = false;
    const onMessage = (sub: Subscriber, seq: number, body: string) => {
      sub.seqs.push(seq);
      sub.last = seq;
      if (!latencyOn) return;
      const p = pending.get(body);
      if (!p) return;
      p.left -= 1;
      if (p.left === 0) {
        const now = performance.now();
        deliveries.push(now - p.t0);
        if (p.committed !== null) fanout.push(Math.max(0, now - p.committed));
        else lastReceipt.set(body, now);
        pending.delete(body);
      }
    };

    const subscribe = (
      chat: number,
      member: number,
      lastEventId: number | null,
      sub?: Subscriber,
    ) => {
      const s: Subscriber = sub ?? { chat, member, seqs: [], last: 0, stop: () => undefined };
      const { conversationId, members } = chats[chat]!;
      const userId = members[member]!;
      const origin = urls[(chat * MEMBERS + member) % 2]!;
      const client = liveChatClient({ origin: () => origin, token: () => tokens.get(userId)! });
      const handleSub = client.chat.onEvents.subscribe(
        { conversationId, lastEventId: lastEventId === null ? null : String(lastEventId) },
        {
          onData: (data) => {
            const envelope = data as { id?: string; data?: ChatStreamEvent };
            const event = envelope.data;
            if (event?.type === "message") {
              const body = event.message.body;
              // The sender's own echo doesn't count toward "every other member".
              if (event.message.sender?.id === userId) {
                s.seqs.push(event.message.seq);
                s.last = event.message.seq;
              } else onMessage(s, event.message.seq, body);
            } else if (event?.type === "resync") {
              console.error(`unexpected resync on ${conversationId}`);
            }
          },
          onError: (err) => console.error(`stream error: ${err.message}`),
        },
      );
      s.stop = () => handleSub.unsubscribe();
      return s;
    };

    const t0 = performance.now();
    for (let c = 0; c < chats.length; c += 1) {
      for (let m = 0; m < MEMBERS; m += 1) subscribers.push(subscribe(c, m, 0));
    }
    // Wait until every stream is up (a message per conversation reaches all four).
    await sendMany(handle.db, chats, tokens, urls, chats.length, (i) => i, "warm");
    await until(() => subscribers.every((s) => s.seqs.length >= 1), 120_000);
    console.log(
      `${subscribers.length} subscribers connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );

    // 1. Open loop: RATE messages/s; latency from the send to the last other member's receipt.
    latencyOn = true;
    const total = RATE * SECONDS;
    const apiPids = { "api-0": children[0]?.pid, "api-1": children[1]?.pid };
    await resetStatementStats(databaseUrl);
    const openCpu0 = await sampleCpu(apiPids);
    const start = performance.now();
    let sendErrors = 0;
    await Promise.all(
      Array.from({ length: total }, async (_, i) => {
        const due = start + (i * 1000) / RATE;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const chat = i % chats.length;
        const sender = i % MEMBERS;
        const body = `m${i}`;
        const entry = {
          t0: performance.now(),
          left: MEMBERS - 1,
          committed: null as number | null,
        };
        pending.set(body, entry);
        try {
          await sendOne(handle.db, chats[chat]!, sender, tokens, urls[i % 2]!, body);
          entry.committed = performance.now();
          // Delivered to everyone before the send call even returned.
          if (lastReceipt.delete(body)) fanout.push(0);
        } catch {
          sendErrors += 1;
          pending.delete(body);
        }
      }),
    );
    await until(() => pending.size === 0, 15_000).catch(() => undefined);
    const undelivered = pending.size;
    latencyOn = false;
    const openCpu = cpuPerOperation(openCpu0, await sampleCpu(apiPids), total);
    const openStatements = await topStatements(databaseUrl, 6);
    deliveries.sort((a, b) => a - b);
    fanout.sort((a, b) => a - b);

    // 2. Closed-loop send throughput: HTTP chat.send vs the same append directly.
    const httpCpu0 = await sampleCpu(apiPids);
    const httpRun = HAS_SEND
      ? await closedLoop(SECONDS, async (i) => {
          const chat = chats[i % chats.length]!;
          await sendOne(handle.db, chat, i % MEMBERS, tokens, urls[i % 2]!, `h${i}`);
        })
      : null;
    const httpCpu = httpRun
      ? cpuPerOperation(httpCpu0, await sampleCpu(apiPids), httpRun.latencies.length)
      : null;
    const directCpu0 = await sampleCpu(apiPids);
    const directRun = await closedLoop(SECONDS, async (i) => {
      await appendDirect(handle.db, chats[i % chats.length]!, i % MEMBERS, `d${i}`);
    });
    const directCpu = cpuPerOperation(
      directCpu0,
      await sampleCpu(apiPids),
      directRun.latencies.length,
    );

    // 3. Reconnect storm: everyone drops and reconnects with lastEventId while sends go on.
    const lastSeqs = new Map<string, number>();
    for (const s of subscribers) s.stop();
    let storming = true;
    const background = (async () => {
      let i = 0;
      while (storming) {
        await appendDirect(handle.db, chats[i % chats.length]!, i % MEMBERS, `s${i}`);
        i += 1;
        await new Promise((r) => setTimeout(r, 1000 / RATE));
      }
    })();
    const stormStart = performance.now();
    for (const s of subscribers) subscribe(s.chat, s.member, s.last, s);
    const target = async () => {
      const rows = await handle.db.execute<{ id: string; last_seq: number }>(
        sql`select id, last_seq from conversations`,
      );
      for (const r of rows) lastSeqs.set(r.id, r.last_seq);
    };
    await target();
    await until(
      () => subscribers.every((s) => s.last >= lastSeqs.get(chats[s.chat]!.conversationId)!),
      60_000,
    );
    const settle = performance.now() - stormStart;
    storming = false;
    await background;
    await target();
    await until(
      () => subscribers.every((s) => s.last >= lastSeqs.get(chats[s.chat]!.conversationId)!),
      30_000,
    ).catch(() => undefined);
    let lost = 0;
    let duplicated = 0;
    for (const s of subscribers) {
      const want = lastSeqs.get(chats[s.chat]!.conversationId)!;
      const seen = new Set<number>();
      for (const q of s.seqs) {
        if (seen.has(q)) duplicated += 1;
        seen.add(q);
      }
      for (let q = 1; q <= want; q += 1) if (!seen.has(q)) lost += 1;
    }

    const p = (xs: number[], q: number) => ms(percentile(xs, q));
    console.log(
      `Delivery (send → every other member), ${deliveries.length}/${total} messages at ${RATE}/s, ` +
        `${sendErrors} send errors, ${undelivered} not delivered to all:`,
    );
    console.log(
      `  p50 ${p(deliveries, 50)} ms, p95 ${p(deliveries, 95)} ms, p99 ${p(deliveries, 99)} ms, max ${p(deliveries, 100)} ms  ` +
        `targets p50 ≤ ${TARGETS.p50}: ${verdict(percentile(deliveries, 50) <= TARGETS.p50)}, ` +
        `p99 ≤ ${TARGETS.p99}: ${verdict(percentile(deliveries, 99) <= TARGETS.p99)}`,
    );
    console.log(
      `  from commit (send returned) → every other member: p50 ${p(fanout, 50)} ms, p99 ${p(fanout, 99)} ms, max ${p(fanout, 100)} ms`,
    );
    console.log(`  CPU per message (open loop): ${openCpu}`);
    console.log("  statements that took the server's time (open loop):");
    for (const line of openStatements) console.log(`    ${line}`);
    console.log(`Send throughput, closed loop, ${CONCURRENCY} concurrent:`);
    if (httpRun) {
      console.log(
        `  chat.send (HTTP) ${httpRun.rate.toFixed(0).padStart(6)} messages/s (p50 ${p(httpRun.latencies, 50)} ms, p99 ${p(httpRun.latencies, 99)} ms)`,
      );
    } else {
      console.log("  chat.send (HTTP)    n/a  (the procedure is not in this tree)");
    }
    console.log(
      `  direct append    ${directRun.rate.toFixed(0).padStart(6)} messages/s (p50 ${p(directRun.latencies, 50)} ms, p99 ${p(directRun.latencies, 99)} ms)`,
    );
    if (httpCpu) console.log(`  CPU per HTTP send: ${httpCpu}`);
    console.log(`  CPU per direct append: ${directCpu}`);
    if (httpRun) {
      const ratio = httpRun.rate / directRun.rate;
      console.log(
        `  HTTP / direct = ${ratio.toFixed(2)}  target ≥ ${TARGETS.ratio}: ${verdict(ratio >= TARGETS.ratio)}`,
      );
    }
    console.log(
      `Ratios to this machine's baseline: delivery p50 = ${(percentile(deliveries, 50) / machine.selectP50Ms).toFixed(0)}× one indexed select; ` +
        `direct append = ${(directRun.rate / machine.insertsPerSecond).toFixed(3)}× the single-row insert rate` +
        (httpRun ? `, HTTP send = ${(httpRun.rate / machine.insertsPerSecond).toFixed(3)}×` : ""),
    );
    console.log(
      `Reconnect storm (${subscribers.length} subscribers reconnect with lastEventId while sends go on):`,
    );
    console.log(
      `  settled in ${ms(settle)} ms; lost ${lost}, duplicated ${duplicated}  ` +
        `target 0 / 0: ${verdict(lost === 0 && duplicated === 0)}`,
    );
  } finally {
    stopping = true;
    for (const s of subscribers) s.stop();
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1500));
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
    await handle.close();
    await database.stop();
  }
}

async function until(probe: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function appendDirect(db: Db, chat: Chat, sender: number, body: string) {
  const senderId = chat.members[sender]!;
  await db.transaction(async (tx) => {
    const out = await appendMessage(tx, {
      conversationId: chat.conversationId,
      actorType: sender === 0 ? "client" : "advisor",
      senderId,
      authorKey: `user:${senderId}`,
      clientMsgId: randomUUID(),
      body,
      now: new Date(),
    });
    if (out.kind !== "created") throw new Error(out.kind);
  });
}

/** One send: `chat.send` over HTTP when the API has it, else the same append directly. */
async function sendOne(
  db: Db,
  chat: Chat,
  sender: number,
  tokens: Map<string, string>,
  url: string,
  body: string,
) {
  if (!HAS_SEND) return appendDirect(db, chat, sender, body);
  const res = await fetch(`${url}/trpc/chat.send`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${tokens.get(chat.members[sender]!)}`,
    },
    body: JSON.stringify({ conversationId: chat.conversationId, clientMsgId: randomUUID(), body }),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`chat.send answered ${res.status}`);
}

async function sendMany(
  db: Db,
  chats: Chat[],
  tokens: Map<string, string>,
  urls: string[],
  n: number,
  chatOf: (i: number) => number,
  prefix: string,
) {
  for (let i = 0; i < n; i += 1) {
    await sendOne(db, chats[chatOf(i)]!, 0, tokens, urls[i % 2]!, `${prefix}${i}`);
  }
}

/** Runs `one` from CONCURRENCY loops for `seconds`; completed operations/s and latencies. */
async function closedLoop(seconds: number, one: (i: number) => Promise<void>) {
  let next = 0;
  const latencies: number[] = [];
  const started = performance.now();
  const end = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < end) {
        const i = next++;
        const t0 = performance.now();
        await one(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { rate: latencies.length / elapsed, latencies };
}

await main();
