import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing";
import {
  createWebhookIngestBatcher,
  getWebhookEvent,
  isDataException,
  ingestWebhookEvent,
  listWebhookEvents,
  markWebhookEventProcessed,
  requeueWebhookEvent,
} from "./webhook-events";

const t = useTestDatabase();

const delivery = (subject = `uid-${randomUUID()}`) => ({
  provider: "calcom" as const,
  dedupeKey: `hash:BOOKING_CREATED:${subject}`,
  providerEventId: null,
  eventType: "BOOKING_CREATED",
  subject,
  body: `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"${subject}"}}`,
  bodySha256: "0".repeat(64),
});

const jobCount = async (id: string) =>
  (
    await t.db.execute<{ n: number }>(sql`
      select count(*)::int as n from graphile_worker._private_jobs j
      join graphile_worker._private_tasks k on k.id = j.task_id
      where k.identifier = 'process_webhook_event' and j.payload->>'webhookEventId' = ${id}`)
  )[0]!.n;

describe("webhook event queries", () => {
  it("ingest stores once and queues once; a duplicate points at the stored row", async () => {
    const input = delivery();
    const first = await ingestWebhookEvent(t.db, input);
    expect(first).toEqual({ duplicate: false, id: expect.any(String) as string });
    const again = await ingestWebhookEvent(t.db, { ...input, body: "{}" });
    expect(again).toEqual({ duplicate: true, id: first.id });
    expect(await jobCount(first.id!)).toBe(1);
    expect((await getWebhookEvent(t.db, { id: first.id! }))?.body).toBe(input.body);
  });

  it("an ingest rolled back with its transaction leaves neither row nor job", async () => {
    const input = delivery();
    await t.db
      .transaction(async (tx) => {
        await ingestWebhookEvent(tx, input);
        throw new Error("rollback");
      })
      .catch(() => undefined);
    const page = await listWebhookEvents(t.db, { limit: 10, subject: input.subject });
    expect(page.items).toEqual([]);
    const [jobs] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process_webhook_event'`,
    );
    const [rows] = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from webhook_events`,
    );
    expect(jobs!.n).toBe(rows!.n);
  });

  it("markWebhookEventProcessed records the verdict, counts attempts and keeps a known consultation", async () => {
    const { id } = await ingestWebhookEvent(t.db, delivery());
    const consultationId = randomUUID();
    expect(
      await markWebhookEventProcessed(t.db, {
        id: id!,
        status: "deferred",
        outcome: "consultation not known yet",
      }),
    ).toEqual({ attempts: 1 });
    expect(
      await markWebhookEventProcessed(t.db, {
        id: id!,
        status: "processed",
        outcome: "awaiting_payment → confirmed",
        consultationId,
        details: { from: "awaiting_payment" },
      }),
    ).toEqual({ attempts: 2 });
    await markWebhookEventProcessed(t.db, {
      id: id!,
      status: "processed",
      outcome: "duplicate",
      consultationId: null,
    });
    const row = await getWebhookEvent(t.db, { id: id! });
    expect(row).toMatchObject({
      status: "processed",
      outcome: "duplicate",
      attempts: 3,
      consultationId,
      details: { from: "awaiting_payment" },
    });
    expect(row?.processedAt).toBeInstanceOf(Date);
    expect(
      await markWebhookEventProcessed(t.db, { id: randomUUID(), status: "failed", outcome: "x" }),
    ).toBeNull();

    const byConsultation = await listWebhookEvents(t.db, { limit: 10, consultationId });
    expect(byConsultation.items.map((i) => i.id)).toEqual([id]);
    const processed = await listWebhookEvents(t.db, { limit: 100, status: "processed" });
    expect(processed.items.map((i) => i.id)).toContain(id);
    const received = await listWebhookEvents(t.db, { limit: 100, status: "received" });
    expect(received.items.map((i) => i.id)).not.toContain(id);
  });

  it("replay re-queues, repeated replays fold into one pending job", async () => {
    const { id } = await ingestWebhookEvent(t.db, delivery());
    const first = await t.db.transaction((tx) =>
      requeueWebhookEvent(tx, { id: id!, by: "demo|admin" }),
    );
    expect(first).toMatchObject({ ok: true, previousStatus: "received" });
    await t.db.transaction((tx) => requeueWebhookEvent(tx, { id: id!, by: "demo|admin" }));
    expect(await jobCount(id!)).toBe(2);
    expect(await requeueWebhookEvent(t.db, { id: randomUUID(), by: "x" })).toEqual({
      ok: false,
      code: "WEBHOOK_EVENT_NOT_FOUND",
    });
  });

  it("the ingest batcher isolates a row the database refuses: every other delivery of the burst is stored once", async () => {
    const batcher = createWebhookIngestBatcher(t.db, { maxBatch: 100 });
    const good = Array.from({ length: 30 }, () => delivery());
    // U+0000 can't be stored in text: the statement holding this row fails.
    const poison = delivery(`uid-${randomUUID()}\u0000`);
    // The same delivery twice, far apart: whichever halves they land in, one is stored.
    const twice = delivery();
    const inputs = [twice, ...good.slice(0, 15), poison, ...good.slice(15), twice];
    const outcomes = await Promise.allSettled(inputs.map((input) => batcher.ingest(input)));
    const poisonOutcome = outcomes[16]!;
    expect(poisonOutcome.status).toBe("rejected");
    expect(isDataException((poisonOutcome as PromiseRejectedResult).reason)).toBe(true);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled").map((o) => o.value);
    expect(fulfilled).toHaveLength(32);
    expect(fulfilled.filter((r) => !r.duplicate)).toHaveLength(31);
    const [first, last] = [outcomes[0], outcomes.at(-1)] as PromiseFulfilledResult<{
      duplicate: boolean;
      id: string | null;
    }>[];
    expect([first!.value.duplicate, last!.value.duplicate]).toEqual([false, true]);
    expect(last!.value.id).toBe(first!.value.id);
    for (const input of [...good, twice]) {
      const page = await listWebhookEvents(t.db, { limit: 10, subject: input.subject });
      expect(page.items).toHaveLength(1);
      expect(await jobCount(page.items[0]!.id)).toBe(1);
    }
  });

  it("the ingest batcher sends the next batch before answering the one written", async () => {
    // Records when each statement is issued; the statements themselves run for real.
    const events: string[] = [];
    const recording = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop !== "execute") return Reflect.get(target, prop, receiver) as unknown;
        return (query: Parameters<typeof t.db.execute>[0]) => {
          events.push("statement");
          return target.execute(query);
        };
      },
    });
    const batcher = createWebhookIngestBatcher(recording);
    const first = batcher.ingest(delivery()).then((r) => {
      events.push("first answered");
      return r;
    });
    // Queued while the first statement is in flight: it goes in the next one.
    const second = batcher.ingest(delivery()).then((r) => {
      events.push("second answered");
      return r;
    });
    const results = await Promise.all([first, second]);
    expect(results.map((r) => r.duplicate)).toEqual([false, false]);
    expect(events).toEqual(["statement", "statement", "first answered", "second answered"]);
  });
});
