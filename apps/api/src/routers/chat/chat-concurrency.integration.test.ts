import { createDb, type Db, type DbHandle, getUserWithRoles, seedDemoData } from "@an/db";
import { insertAdvisor, seedProjectChat, useTestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authenticateServiceKey } from "../../auth/service-key";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";
import { admitAdvisor, assistantKey } from "./test-fixtures";

const SAM = "demo|client-sam";
const AMIRA = "demo|advisor-amira";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira Haddad" });
});

/**
 * Each sender talks through its own connection pool, as if through its own API instance,
 * so their transactions really race on the conversation row.
 */
let pools: DbHandle[] = [];
beforeAll(() => {
  pools = Array.from({ length: 4 }, () => createDb(t.url, { max: 2 }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

type Sender = { name: string; caller: ReturnType<typeof createCaller> };

async function senders(conversation: { projectId: string; conversationId: string }) {
  await admitAdvisor(t.db, { ...conversation, advisorId: AMIRA, clientId: SAM });
  const userCaller = async (db: Db, userId: string) =>
    createCaller(createContextInner({ db, user: await getUserWithRoles(db, { id: userId }) }));
  const assistantCaller = async (db: Db) => {
    const key = await assistantKey(t.db);
    const { service } = await authenticateServiceKey(db, key.key, new Date());
    return createCaller(createContextInner({ db, service }));
  };
  return [
    { name: "owner", caller: await userCaller(pools[0]!.db, SAM) },
    { name: "advisor", caller: await userCaller(pools[1]!.db, AMIRA) },
    { name: "assistant-1", caller: await assistantCaller(pools[2]!.db) },
    { name: "assistant-2", caller: await assistantCaller(pools[3]!.db) },
  ] satisfies Sender[];
}

/** One intended message: its id, and how many extra attempts race or follow the first. */
const plan = fc.array(
  fc.record({
    /** Small id space, so the same id comes back later (a retry after success). */
    id: fc.integer({ min: 1, max: 6 }),
    racing: fc.integer({ min: 0, max: 2 }),
    later: fc.boolean(),
  }),
  { minLength: 1, maxLength: 6 },
);

describe("concurrent senders", () => {
  it("seqs are 1..n without gaps, one row per author and clientMsgId, history is what was sent", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(plan, { minLength: 4, maxLength: 4 }), async (plans) => {
        const conversation = await seedProjectChat(t.db, { ownerId: SAM });
        const { conversationId } = conversation;
        const all = await senders(conversation);
        /** What each sender's messages are, in the order it first sent them. */
        const expected = new Map<string, string[]>();
        await Promise.all(
          all.map(async (sender, i) => {
            const sent: string[] = [];
            for (const step of plans[i]!) {
              const clientMsgId = `${sender.name}-${step.id}`;
              const body = `${sender.name} says ${step.id}`;
              if (!sent.includes(body)) sent.push(body);
              const attempt = () => sender.caller.chat.send({ conversationId, clientMsgId, body });
              // A first attempt and its retries in flight at once: one stores, the rest see it.
              const results = await Promise.all(Array.from({ length: 1 + step.racing }, attempt));
              expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
              if (step.later) {
                expect(await attempt()).toMatchObject({ duplicate: true });
              }
            }
            expected.set(sender.name, sent);
          }),
        );
        const rows = await t.db.execute<{
          seq: number;
          author_key: string;
          client_msg_id: string;
          body: string;
        }>(
          sql`select seq, author_key, client_msg_id, body from messages
              where conversation_id = ${conversationId} order by seq`,
        );
        const total = [...expected.values()].reduce((sum, bodies) => sum + bodies.length, 0);
        expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
        const keys = rows.map((r) => `${r.author_key}/${r.client_msg_id}`);
        expect(new Set(keys).size).toBe(rows.length);
        const [conv] = await t.db.execute<{ last_seq: number }>(
          sql`select last_seq from conversations where id = ${conversationId}`,
        );
        expect(conv!.last_seq).toBe(total);
        // The history, read as the owner does, holds each sender's messages in their order.
        const owner = all[0]!.caller;
        const history = await owner.chat.listHistory({ conversationId, after: 0, limit: 200 });
        for (const [name, bodies] of expected) {
          expect(
            history.messages.map((m) => m.body).filter((b) => b.startsWith(`${name} says`)),
          ).toEqual(bodies);
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it("a poller reading seq > n while others send never skips a seq (commit order is seq order)", async () => {
    const conversation = await seedProjectChat(t.db, { ownerId: SAM });
    const { conversationId } = conversation;
    const all = await senders(conversation);
    const perSender = 25;
    const total = all.length * perSender;
    const poller = createCaller(
      createContextInner({ db: t.db, user: await getUserWithRoles(t.db, { id: SAM }) }),
    );
    const seen: number[] = [];
    let reads = 0;
    const poll = async () => {
      let after = 0;
      while (after < total) {
        const page = await poller.chat.listHistory({ conversationId, after, limit: 200 });
        reads += 1;
        for (const m of page.messages) {
          // Every row after the last one seen is the very next seq: none committed out of order.
          expect(m.seq).toBe(after + 1);
          seen.push(m.seq);
          after = m.seq;
        }
      }
    };
    await Promise.all([
      poll(),
      ...all.map(async (sender) => {
        for (let k = 0; k < perSender; k += 1) {
          await sender.caller.chat.send({
            conversationId,
            clientMsgId: `${sender.name}-${k}`,
            body: `${sender.name} ${k}`,
          });
        }
      }),
    ]);
    expect(seen).toEqual(Array.from({ length: total }, (_, k) => k + 1));
    expect(reads).toBeGreaterThan(1);
  }, 120_000);
});
