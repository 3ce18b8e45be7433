import { createHash, randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { signCalcomPayload, signStripePayload } from "@an/billing";
import { purgeWebhookPayloads } from "@an/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../testing";

const STRIPE_SECRETS = ["whsec_platform_endpoint_a", "whsec_connect_endpoint_b"] as const;
const CALCOM_SECRET = "calcom-test-secret-0123456789abcdef";
/** The secret being rolled away from: still accepted while the roll is under way. */
const CALCOM_PREVIOUS_SECRET = "calcom-previous-secret-0123456789";
/** Set under the older single-secret name: still read, and accepted alongside. */
const CALCOM_LEGACY_SECRET = "calcom-legacy-single-secret-0123";

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    env: {
      STRIPE_WEBHOOK_SECRETS: STRIPE_SECRETS.join(","),
      CALCOM_WEBHOOK_SECRETS: `${CALCOM_SECRET}, ${CALCOM_PREVIOUS_SECRET}`,
      CALCOM_WEBHOOK_SECRET: CALCOM_LEGACY_SECRET,
    },
  });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

type Answer = {
  status: number;
  body: { received?: boolean; duplicate?: boolean; error?: { code: string; message: string } };
};

async function post(
  provider: "stripe" | "calcom",
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const res = await fetch(`${api.url}/webhooks/${provider}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...headers },
    redirect: "manual",
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

const sendStripe = (body: string, secret: string = STRIPE_SECRETS[0], at = new Date()) =>
  post("stripe", body, { "stripe-signature": signStripePayload(body, secret, at) });
const sendCalcom = (body: string, signature = signCalcomPayload(body, CALCOM_SECRET)) =>
  post("calcom", body, { "x-cal-signature-256": signature });

function stripeEvent(overrides: Record<string, unknown> = {}) {
  const id = `evt_${randomUUID().replace(/-/g, "")}`;
  const session = `cs_test_${randomUUID().replace(/-/g, "")}`;
  const body = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "checkout.session.completed",
    data: {
      object: { id: session, object: "checkout.session", amount_total: 12000, currency: "eur" },
    },
    ...overrides,
  });
  return { id, session, body };
}

function calcomBooking(trigger = "BOOKING_CREATED", extra: Record<string, unknown> = {}) {
  const uid = `uid${randomUUID().replace(/-/g, "").slice(0, 19)}`;
  const body = JSON.stringify({
    triggerEvent: trigger,
    createdAt: new Date().toISOString(),
    payload: {
      uid,
      bookingId: 100,
      eventTypeId: 123,
      startTime: "2030-01-01T10:00:00.000Z",
      endTime: "2030-01-01T11:00:00.000Z",
      metadata: { bookingToken: "tok" },
      ...extra,
    },
  });
  return { uid, body };
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type StoredRow = {
  id: string;
  provider: string;
  dedupe_key: string;
  provider_event_id: string | null;
  event_type: string;
  subject: string | null;
  body: string | null;
  body_sha256: string;
  status: string;
};
const rowsWhere = (column: "provider_event_id" | "subject", value: string) =>
  api.db.db.execute<StoredRow>(
    sql`select id, provider, dedupe_key, provider_event_id, event_type, subject, body, body_sha256, status
        from webhook_events where ${sql.identifier(column)} = ${value}`,
  );
const totalRows = async () =>
  (await api.db.db.execute<{ n: number }>(sql`select count(*)::int as n from webhook_events`))[0]!
    .n;
/** Jobs queued for one stored delivery (the public view has no payload column). */
const jobsFor = (webhookEventId: string) =>
  api.db.db.execute<{ max_attempts: number }>(sql`
    select j.max_attempts from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'process_webhook_event' and j.payload->>'webhookEventId' = ${webhookEventId}
  `);
const totalJobs = async () =>
  (
    await api.db.db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker.jobs where task_identifier = 'process_webhook_event'`,
    )
  )[0]!.n;

describe("POST /webhooks/stripe", () => {
  it("stores a verified event with the exact body and queues exactly one job", async () => {
    const event = stripeEvent();
    expect(await sendStripe(event.body)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    const rows = await rowsWhere("provider_event_id", event.id);
    expect(rows).toEqual([
      {
        id: expect.any(String) as string,
        provider: "stripe",
        dedupe_key: event.id,
        provider_event_id: event.id,
        event_type: "checkout.session.completed",
        subject: event.session,
        body: event.body,
        body_sha256: sha256(event.body),
        status: "received",
      },
    ]);
    expect(await jobsFor(rows[0]!.id)).toEqual([{ max_attempts: 20 }]);
  });

  it("a redelivery (Stripe retries with a fresh signature) is 200 duplicate: one row, one job", async () => {
    const event = stripeEvent();
    await sendStripe(event.body);
    const later = new Date(Date.now() + 60_000);
    expect(await sendStripe(event.body, STRIPE_SECRETS[0], later)).toEqual({
      status: 200,
      body: { received: true, duplicate: true },
    });
    const rows = await rowsWhere("provider_event_id", event.id);
    expect(rows).toHaveLength(1);
    expect(await jobsFor(rows[0]!.id)).toHaveLength(1);
  });

  it("concurrent copies of one event store one row and queue one job", async () => {
    const event = stripeEvent();
    const answers = await Promise.all(Array.from({ length: 12 }, () => sendStripe(event.body)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    const rows = await rowsWhere("provider_event_id", event.id);
    expect(rows).toHaveLength(1);
    expect(await jobsFor(rows[0]!.id)).toHaveLength(1);
  });

  it("accepts the second configured secret (Connect endpoint, or a rolled secret)", async () => {
    const event = stripeEvent({ type: "account.updated" });
    expect((await sendStripe(event.body, STRIPE_SECRETS[1])).body.duplicate).toBe(false);
    expect(await rowsWhere("provider_event_id", event.id)).toHaveLength(1);
  });

  it.each([
    {
      name: "a tampered body",
      send: (e: ReturnType<typeof stripeEvent>) =>
        post("stripe", e.body.replace("12000", "1"), {
          "stripe-signature": signStripePayload(e.body, STRIPE_SECRETS[0]),
        }),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /No signatures found matching/,
    },
    {
      name: "an unknown secret",
      send: (e: ReturnType<typeof stripeEvent>) => sendStripe(e.body, "whsec_someone_else"),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /No signatures found matching/,
    },
    {
      name: "a signature older than five minutes (replay)",
      send: (e: ReturnType<typeof stripeEvent>) =>
        sendStripe(e.body, STRIPE_SECRETS[0], new Date(Date.now() - 6 * 60_000)),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /\d+ s old, outside the 300 s tolerance/,
    },
    {
      name: "no Stripe-Signature header",
      send: (e: ReturnType<typeof stripeEvent>) => post("stripe", e.body, {}),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /missing Stripe-Signature header/,
    },
    {
      name: "a validly signed body that isn't JSON",
      send: () => sendStripe("{not json"),
      code: "WEBHOOK_BODY_NOT_JSON",
      reason: /not valid JSON/,
    },
    {
      name: "a validly signed JSON body that isn't an event",
      send: () => sendStripe(JSON.stringify({ hello: "world" })),
      code: "WEBHOOK_BODY_INVALID",
      reason: /Not a Stripe event: id/,
    },
  ])("refuses $name with 400 and a reason, storing nothing", async ({ send, code, reason }) => {
    const event = stripeEvent();
    const [rowsBefore, jobsBefore] = [await totalRows(), await totalJobs()];
    const answer = await send(event);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe(code);
    expect(answer.body.error?.message).toMatch(reason);
    expect(answer.body.error?.message).not.toContain(STRIPE_SECRETS[0]);
    expect(await totalRows()).toBe(rowsBefore);
    expect(await totalJobs()).toBe(jobsBefore);
  });

  it("checks the exact bytes: whitespace and key order survive, whatever the Content-Type", async () => {
    const id = `evt_${randomUUID().replace(/-/g, "")}`;
    const body = `{ "type" : "charge.refunded",\n  "id": "${id}", "data": {"object": {"id": "ch_1", "amount": 1.50}} }`;
    const answer = await post("stripe", body, {
      "content-type": "text/plain",
      "stripe-signature": signStripePayload(body, STRIPE_SECRETS[0]),
    });
    expect(answer).toEqual({ status: 200, body: { received: true, duplicate: false } });
    const [row] = await rowsWhere("provider_event_id", id);
    expect(row).toMatchObject({ body, body_sha256: sha256(body), subject: "ch_1" });
  });

  it("refuses a body over 1 MB with 413, storing nothing", async () => {
    const before = await totalRows();
    const body = JSON.stringify({ id: "evt_big", type: "x", pad: "x".repeat(1_100_000) });
    const answer = await sendStripe(body);
    expect(answer.status).toBe(413);
    expect(answer.body.error?.code).toBe("WEBHOOK_BODY_TOO_LARGE");
    expect(await totalRows()).toBe(before);
  });
});

describe("POST /webhooks/calcom", () => {
  it("stores a verified booking event keyed on body hash, trigger and uid, with one job", async () => {
    const booking = calcomBooking();
    expect(await sendCalcom(booking.body)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    const rows = await rowsWhere("subject", booking.uid);
    expect(rows).toEqual([
      expect.objectContaining({
        provider: "calcom",
        dedupe_key: `${sha256(booking.body)}:BOOKING_CREATED:${booking.uid}`,
        provider_event_id: null,
        event_type: "BOOKING_CREATED",
        body: booking.body,
      }),
    ]);
    expect(await jobsFor(rows[0]!.id)).toHaveLength(1);
  });

  it("the same bytes again are a duplicate; a different body about the same booking is not", async () => {
    const booking = calcomBooking();
    await sendCalcom(booking.body);
    expect((await sendCalcom(booking.body)).body).toEqual({ received: true, duplicate: true });
    const cancelled = JSON.stringify({
      triggerEvent: "BOOKING_CANCELLED",
      createdAt: new Date().toISOString(),
      payload: { uid: booking.uid, requestReschedule: false },
    });
    expect((await sendCalcom(cancelled)).body).toEqual({ received: true, duplicate: false });
    const rows = await rowsWhere("subject", booking.uid);
    expect(rows.map((r) => r.event_type).sort()).toEqual(["BOOKING_CANCELLED", "BOOKING_CREATED"]);
    expect((await jobsFor(rows[0]!.id)).length + (await jobsFor(rows[1]!.id)).length).toBe(2);
  });

  it.each([
    ["the current secret", CALCOM_SECRET],
    ["the previous secret (a roll under way)", CALCOM_PREVIOUS_SECRET],
    ["the secret under the older CALCOM_WEBHOOK_SECRET name", CALCOM_LEGACY_SECRET],
  ])("accepts a delivery signed with %s", async (_name, secret) => {
    const booking = calcomBooking();
    expect(await sendCalcom(booking.body, signCalcomPayload(booking.body, secret))).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    expect(await rowsWhere("subject", booking.uid)).toHaveLength(1);
  });

  it("accepts the signature in uppercase hex too (Cal.com sends lowercase)", async () => {
    const booking = calcomBooking();
    const upper = signCalcomPayload(booking.body, CALCOM_SECRET).toUpperCase();
    expect((await sendCalcom(booking.body, upper)).status).toBe(200);
    expect(await rowsWhere("subject", booking.uid)).toHaveLength(1);
  });

  it("accepts MEETING_ENDED's flat body, uid at the top level", async () => {
    const uid = `flat${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({
      triggerEvent: "MEETING_ENDED",
      id: 42,
      uid,
      createdAt: "2029-12-01T09:00:00.000Z",
      startTime: "2030-01-01T10:00:00.000Z",
      endTime: "2030-01-01T11:00:00.000Z",
      status: "ACCEPTED",
    });
    expect((await sendCalcom(body)).status).toBe(200);
    expect(await rowsWhere("subject", uid)).toEqual([
      expect.objectContaining({ event_type: "MEETING_ENDED" }),
    ]);
  });

  it("accepts BOOKING_NO_SHOW_UPDATED's minimal body (bookingUid only)", async () => {
    const uid = `noshow${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({
      triggerEvent: "BOOKING_NO_SHOW_UPDATED",
      createdAt: new Date().toISOString(),
      payload: {
        message: "x marked as no-show",
        bookingUid: uid,
        attendees: [{ email: "sam@demo.advisor.network", noShow: true }],
      },
    });
    expect((await sendCalcom(body)).status).toBe(200);
    expect(await rowsWhere("subject", uid)).toEqual([
      expect.objectContaining({ event_type: "BOOKING_NO_SHOW_UPDATED" }),
    ]);
  });

  it("answers Cal.com's test ping with 200 and stores nothing", async () => {
    const before = await totalRows();
    const body = JSON.stringify({
      triggerEvent: "PING",
      createdAt: new Date().toISOString(),
      payload: { type: "Test", title: "Test trigger event" },
    });
    expect((await sendCalcom(body)).status).toBe(200);
    expect(await totalRows()).toBe(before);
  });

  it.each([
    {
      name: "a webhook without a secret (no-secret-provided)",
      send: (b: string) => sendCalcom(b, "no-secret-provided"),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /no secret/,
    },
    {
      name: "no X-Cal-Signature-256 header",
      send: (b: string) => post("calcom", b, {}),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /missing X-Cal-Signature-256/,
    },
    {
      name: "a tampered body",
      send: (b: string) =>
        sendCalcom(b.replace("bookingToken", "bookingTokem"), signCalcomPayload(b, CALCOM_SECRET)),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /does not match/,
    },
    {
      name: "a signature made with another secret",
      send: (b: string) => sendCalcom(b, signCalcomPayload(b, "another-secret")),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /does not match/,
    },
    {
      name: "a signature that isn't hex",
      send: (b: string) => sendCalcom(b, `sha256=${signCalcomPayload(b, CALCOM_SECRET)}`),
      code: "WEBHOOK_SIGNATURE_INVALID",
      reason: /64 hex characters/,
    },
    {
      name: "malformed JSON with a valid signature",
      send: (b: string) => sendCalcom(b.slice(0, -5)),
      code: "WEBHOOK_BODY_NOT_JSON",
      reason: /not valid JSON/,
    },
    {
      name: "no triggerEvent",
      send: () => sendCalcom(JSON.stringify({ payload: { uid: "abc" } })),
      code: "WEBHOOK_BODY_INVALID",
      reason: /triggerEvent/,
    },
    {
      name: "no booking uid",
      send: () =>
        sendCalcom(JSON.stringify({ triggerEvent: "BOOKING_CREATED", payload: { bookingId: 7 } })),
      code: "WEBHOOK_BODY_INVALID",
      reason: /no booking uid/,
    },
  ])("refuses $name with 400 and a reason, storing nothing", async ({ send, code, reason }) => {
    const booking = calcomBooking();
    const [rowsBefore, jobsBefore] = [await totalRows(), await totalJobs()];
    const answer = await send(booking.body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code });
    expect(answer.body.error?.message).toMatch(reason);
    expect(await totalRows()).toBe(rowsBefore);
    expect(await totalJobs()).toBe(jobsBefore);
  });
});

describe("each delivery's outcome is its own", () => {
  it("a poison delivery (U+0000 in the uid) in a concurrent burst is refused alone; all 60 others are stored", async () => {
    const good = Array.from({ length: 60 }, () => calcomBooking());
    const poisonUid = `poison${randomUUID().slice(0, 8)}\u0000tail`;
    const poison = JSON.stringify({
      triggerEvent: "BOOKING_CREATED",
      createdAt: new Date().toISOString(),
      payload: { uid: poisonUid, eventTypeId: 123, metadata: { bookingToken: "tok" } },
    });
    const jobsBefore = await totalJobs();
    // The poison goes in the middle, so it shares a group-commit batch with others.
    const sends = good.map((b) => () => sendCalcom(b.body));
    sends.splice(30, 0, () => sendCalcom(poison));
    const answers = await Promise.all(sends.map((send) => send()));
    const poisonAnswer = answers.splice(30, 1)[0]!;
    expect(answers.map((a) => a.status)).toEqual(good.map(() => 200));
    expect(poisonAnswer.status).toBe(400);
    expect(poisonAnswer.body.error?.code).toBe("WEBHOOK_BODY_INVALID");
    expect(poisonAnswer.body.error?.message).toMatch(/payload\.uid.*U\+0000/);
    const stored = await api.db.db.execute<{ subject: string }>(
      sql`select subject from webhook_events where subject in ${good.map((b) => b.uid)}`,
    );
    expect(stored).toHaveLength(60);
    expect(await totalJobs()).toBe(jobsBefore + 60);
  });

  it("any row the database refuses fails alone: the rest of its group-commit batch is stored", async () => {
    // A rule only the database knows (as a future constraint would be), so the row gets
    // past every check in the route and fails inside the shared batch statement.
    await api.db.db.execute(
      sql`alter table webhook_events add constraint test_refuses_boom check (subject not like 'boom%') not valid`,
    );
    try {
      const good = Array.from({ length: 40 }, () => calcomBooking());
      const bad = calcomBooking("BOOKING_CREATED", { uid: `boom${randomUUID().slice(0, 8)}` });
      const sends = good.map((b) => () => sendCalcom(b.body));
      sends.splice(20, 0, () => sendCalcom(bad.body));
      const answers = await Promise.all(sends.map((send) => send()));
      const badAnswer = answers.splice(20, 1)[0]!;
      expect(answers.map((a) => a.status)).toEqual(good.map(() => 200));
      // Not the sender's mistake as far as we can tell: 5xx, so a retrying sender retries.
      expect(badAnswer.status).toBe(500);
      const stored = await api.db.db.execute<{ subject: string }>(
        sql`select subject from webhook_events where subject in ${good.map((b) => b.uid)}`,
      );
      expect(stored).toHaveLength(40);
    } finally {
      await api.db.db.execute(sql`alter table webhook_events drop constraint test_refuses_boom`);
    }
  });

  it.each([
    {
      name: "U+0000 deep in the body",
      text: "Sam\\u0000",
      reason: /payload\.attendees\.0\.name.*U\+0000/,
    },
    {
      name: "a lone high surrogate",
      text: "Sam\\ud800",
      reason: /payload\.attendees\.0\.name.*surrogate/,
    },
    {
      name: "a lone low surrogate",
      text: "\\udc00Sam",
      reason: /payload\.attendees\.0\.name.*surrogate/,
    },
  ])(
    "refuses a signed body with $name (400, the reason, nothing stored)",
    async ({ text, reason }) => {
      const uid = `uid${randomUUID().slice(0, 8)}`;
      const body = `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"${uid}","attendees":[{"name":"${text}","email":"sam@example.com"}]}}`;
      const before = await totalRows();
      const answer = await sendCalcom(body);
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe("WEBHOOK_BODY_INVALID");
      expect(answer.body.error?.message).toMatch(reason);
      expect(await totalRows()).toBe(before);
    },
  );

  it("a paired surrogate (an emoji written as an escape) is fine", async () => {
    const uid = `uid${randomUUID().slice(0, 8)}`;
    const body = `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"${uid}","title":"Hi \\ud83d\\ude00"}}`;
    expect((await sendCalcom(body)).status).toBe(200);
    expect(await rowsWhere("subject", uid)).toHaveLength(1);
  });

  it("refuses a signed Stripe event with U+0000 in a key too", async () => {
    const event = stripeEvent({ metadata: { "a\u0000b": "x" } });
    const answer = await sendStripe(event.body);
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(/U\+0000/);
    expect(await rowsWhere("provider_event_id", event.id)).toHaveLength(0);
  });
});

describe("request encodings on /webhooks/*", () => {
  it.each(["stripe", "stripe/connect", "calcom"])(
    "Content-Encoding gzip with a body that isn't gzip on /webhooks/%s is 400 with the reason",
    async (path) => {
      const before = await totalRows();
      const res = await fetch(`${api.url}/webhooks/${path}`, {
        method: "POST",
        body: '{"hello":"world"}',
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Answer["body"];
      expect(body.error?.code).toBe("WEBHOOK_BODY_UNREADABLE");
      expect(body.error?.message).toMatch(/gzip/);
      expect(await totalRows()).toBe(before);
    },
  );

  it.each(["deflate", "br"])(
    "Content-Encoding %s with a body that isn't in it is 400 with the reason",
    async (encoding) => {
      const res = await fetch(`${api.url}/webhooks/calcom`, {
        method: "POST",
        body: '{"hello":"world"}',
        headers: { "content-type": "application/json", "content-encoding": encoding },
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Answer["body"];
      expect(body.error?.code).toBe("WEBHOOK_BODY_UNREADABLE");
      expect(body.error?.message).toMatch(new RegExp(encoding));
    },
  );

  it("an unsupported Content-Encoding is 415 naming it", async () => {
    const res = await fetch(`${api.url}/webhooks/calcom`, {
      method: "POST",
      body: '{"hello":"world"}',
      headers: { "content-type": "application/json", "content-encoding": "compress" },
    });
    expect(res.status).toBe(415);
    const body = (await res.json()) as Answer["body"];
    expect(body.error?.code).toBe("WEBHOOK_BODY_ENCODING_UNSUPPORTED");
    expect(body.error?.message).toMatch(/compress/);
  });

  it("a really gzipped, signed delivery is accepted and the signature checked on the inflated bytes", async () => {
    const booking = calcomBooking();
    const res = await fetch(`${api.url}/webhooks/calcom`, {
      method: "POST",
      body: gzipSync(booking.body),
      headers: {
        "content-type": "application/json",
        "content-encoding": "gzip",
        "x-cal-signature-256": signCalcomPayload(booking.body, CALCOM_SECRET),
      },
    });
    expect(res.status).toBe(200);
    expect(await rowsWhere("subject", booking.uid)).toEqual([
      expect.objectContaining({ body: booking.body }),
    ]);
  });

  it("a signed body that isn't UTF-8 is refused (it could not be stored as received)", async () => {
    const raw = Buffer.concat([
      Buffer.from('{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"x'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}}'),
    ]);
    const before = await totalRows();
    const answer = await post("calcom", raw, {
      "x-cal-signature-256": signCalcomPayload(raw, CALCOM_SECRET),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe("WEBHOOK_BODY_NOT_JSON");
    expect(answer.body.error?.message).toMatch(/UTF-8/);
    expect(await totalRows()).toBe(before);
  });
});

describe("the two ways in: Node's server directly, and Express", () => {
  // A plain JSON POST with a Content-Length is answered before Express; a chunked body
  // (no Content-Length) or a path variant Express routes goes through Express. Both must
  // answer alike.
  async function send(
    way: "direct" | "chunked" | "trailing slash",
    body: string,
    headers: Record<string, string>,
  ) {
    const path = way === "trailing slash" ? "/webhooks/stripe/" : "/webhooks/stripe";
    const res = await fetch(`${api.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      ...(way === "chunked"
        ? {
            body: new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode(body));
                controller.close();
              },
            }),
            duplex: "half",
          }
        : { body }),
    });
    return {
      status: res.status,
      contentType: res.headers.get("content-type"),
      requestId: res.headers.get("x-request-id"),
      body: (await res.json()) as Answer["body"],
    };
  }

  it.each(["direct", "chunked", "trailing slash"] as const)(
    "%s: stores a signed event, refuses a bad signature, echoes the request id",
    async (way) => {
      const event = stripeEvent();
      const signature = signStripePayload(event.body, STRIPE_SECRETS[0]);
      const stored = await send(way, event.body, {
        "stripe-signature": signature,
        "x-request-id": `req-${way.replace(" ", "-")}`,
      });
      expect(stored).toEqual({
        status: 200,
        contentType: "application/json; charset=utf-8",
        requestId: `req-${way.replace(" ", "-")}`,
        body: { received: true, duplicate: false },
      });
      const [row] = await rowsWhere("provider_event_id", event.id);
      expect(row?.body).toBe(event.body);
      expect(await jobsFor(row!.id)).toHaveLength(1);
      expect((await send(way, event.body, { "stripe-signature": signature })).body).toEqual({
        received: true,
        duplicate: true,
      });

      const other = stripeEvent();
      const refused = await send(way, other.body, {
        "stripe-signature": signStripePayload(other.body, "whsec_not_ours"),
        "x-request-id": "req-refused",
      });
      expect(refused.status).toBe(400);
      expect(refused.contentType).toBe("application/json; charset=utf-8");
      expect(refused.body.error).toMatchObject({
        code: "WEBHOOK_SIGNATURE_INVALID",
        requestId: "req-refused",
      });
      expect(await rowsWhere("provider_event_id", other.id)).toEqual([]);
    },
  );
});

describe("webhookEvents procedures (admin)", () => {
  let adminToken: string;
  let clientToken: string;
  beforeAll(async () => {
    adminToken = await tokenFor({ id: "demo|admin" });
    clientToken = await tokenFor({ id: "demo|client-sam" });
  });

  type ListBody = {
    items: { id: string; subject: string; eventType: string; body?: unknown }[];
    nextCursor: string | null;
  };

  it("lists deliveries newest first without bodies, filtered, in keyset pages", async () => {
    const uid = `list${randomUUID().slice(0, 8)}`;
    for (const trigger of ["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"]) {
      await sendCalcom(
        JSON.stringify({
          triggerEvent: trigger,
          createdAt: new Date().toISOString(),
          payload: { uid },
        }),
      );
    }
    const first = await call(api.url, "query", "webhookEvents.list", {
      token: adminToken,
      input: { subject: uid, limit: 2 },
    });
    const page1 = first.body.result?.data as ListBody;
    expect(page1.items.map((i) => i.eventType)).toEqual([
      "BOOKING_CANCELLED",
      "BOOKING_RESCHEDULED",
    ]);
    expect(page1.items.every((i) => !("body" in i))).toBe(true);
    const second = await call(api.url, "query", "webhookEvents.list", {
      token: adminToken,
      input: { subject: uid, limit: 2, cursor: page1.nextCursor },
    });
    const page2 = second.body.result?.data as ListBody;
    expect(page2.items.map((i) => i.eventType)).toEqual(["BOOKING_CREATED"]);
    expect(page2.nextCursor).toBeNull();

    const typed = await call(api.url, "query", "webhookEvents.list", {
      token: adminToken,
      input: { provider: "calcom", type: "BOOKING_RESCHEDULED", status: "received", limit: 100 },
    });
    const items = (typed.body.result?.data as ListBody).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.eventType === "BOOKING_RESCHEDULED")).toBe(true);

    const forbidden = await call(api.url, "query", "webhookEvents.list", { token: clientToken });
    expect(forbidden.status).toBe(403);
  });

  it("gets one delivery with its body pretty-printed; an unknown id is WEBHOOK_EVENT_NOT_FOUND", async () => {
    const event = stripeEvent();
    await sendStripe(event.body);
    const [row] = await rowsWhere("provider_event_id", event.id);
    const got = await call(api.url, "query", "webhookEvents.get", {
      token: adminToken,
      input: { id: row!.id },
    });
    expect(got.body.result?.data).toMatchObject({
      id: row!.id,
      provider: "stripe",
      eventType: "checkout.session.completed",
      status: "received",
      attempts: 0,
      consultationId: null,
      bodySha256: sha256(event.body),
      bodyPurged: false,
      body: JSON.stringify(JSON.parse(event.body), null, 2),
    });
    const missing = await call(api.url, "query", "webhookEvents.get", {
      token: adminToken,
      input: { id: randomUUID() },
    });
    expect(missing.body.error?.data.appCode).toBe("WEBHOOK_EVENT_NOT_FOUND");
  });

  it("replay re-queues processing, audited with the reason; refused once the body is purged", async () => {
    const event = stripeEvent();
    await sendStripe(event.body);
    const [row] = await rowsWhere("provider_event_id", event.id);
    const id = row!.id;
    await api.db.db.execute(
      sql`update webhook_events set status = 'failed', outcome = 'gave up' where id = ${id}`,
    );

    const short = await call(api.url, "mutation", "webhookEvents.replay", {
      token: adminToken,
      input: { id, reason: "x" },
    });
    expect(short.status).toBe(400);
    const notAdmin = await call(api.url, "mutation", "webhookEvents.replay", {
      token: clientToken,
      input: { id, reason: "let me in" },
    });
    expect(notAdmin.status).toBe(403);
    expect(await jobsFor(id)).toHaveLength(1);

    const replayed = await call(api.url, "mutation", "webhookEvents.replay", {
      token: adminToken,
      input: { id, reason: "consultation fixed by hand" },
    });
    expect(replayed.body.result?.data).toMatchObject({ id, status: "received" });
    expect(await jobsFor(id)).toHaveLength(2);
    const [after] = await api.db.db.execute<{ status: string; replayed_by: string | null }>(
      sql`select status, replayed_by from webhook_events where id = ${id}`,
    );
    expect(after).toEqual({ status: "received", replayed_by: "demo|admin" });
    const audit = await api.db.db.execute<{ action: string; actor_id: string; after: unknown }>(
      sql`select action, actor_id, after from audit_log where subject_type = 'webhook_event' and subject_id = ${id}`,
    );
    expect(audit).toEqual([
      {
        action: "webhook_event.replay",
        actor_id: "demo|admin",
        after: { status: "received", reason: "consultation fixed by hand" },
      },
    ]);

    const purged = await purgeWebhookPayloads(api.db.db, {
      olderThan: new Date(Date.now() + 60_000),
      limit: 10_000,
    });
    expect(purged).toBeGreaterThan(0);
    const got = await call(api.url, "query", "webhookEvents.get", {
      token: adminToken,
      input: { id },
    });
    expect(got.body.result?.data).toMatchObject({
      body: null,
      bodyPurged: true,
      bodySha256: sha256(event.body),
      status: "received",
    });
    const refused = await call(api.url, "mutation", "webhookEvents.replay", {
      token: adminToken,
      input: { id, reason: "try again" },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.data.appCode).toBe("WEBHOOK_BODY_PURGED");
    expect(await jobsFor(id)).toHaveLength(2);

    const unknown = await call(api.url, "mutation", "webhookEvents.replay", {
      token: adminToken,
      input: { id: randomUUID(), reason: "no such thing" },
    });
    expect(unknown.body.error?.data.appCode).toBe("WEBHOOK_EVENT_NOT_FOUND");
  });

  it("a purged delivery still deduplicates its redelivery", async () => {
    const event = stripeEvent();
    await sendStripe(event.body);
    await purgeWebhookPayloads(api.db.db, {
      olderThan: new Date(Date.now() + 60_000),
      limit: 10_000,
    });
    expect((await sendStripe(event.body)).body.duplicate).toBe(true);
  });
});
