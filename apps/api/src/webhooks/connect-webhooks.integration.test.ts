import { createHash, randomUUID } from "node:crypto";
import { signStripePayload } from "@an/billing";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing";

const PLATFORM_SECRET = "whsec_platform_endpoint_only";
const CONNECT_SECRETS = ["whsec_connect_endpoint_current", "whsec_connect_endpoint_previous"];

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({
    env: {
      STRIPE_WEBHOOK_SECRETS: PLATFORM_SECRET,
      STRIPE_CONNECT_WEBHOOK_SECRETS: CONNECT_SECRETS.join(","),
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

async function post(path: string, body: string, secret: string, at = new Date()): Promise<Answer> {
  const res = await fetch(`${api.url}${path}`, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/json",
      "stripe-signature": signStripePayload(body, secret, at),
    },
    redirect: "manual",
  });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}
const sendConnect = (body: string, secret = CONNECT_SECRETS[0]!, at?: Date) =>
  post("/webhooks/stripe/connect", body, secret, at);

function accountUpdated(overrides: Record<string, unknown> = {}) {
  const id = `evt_${randomUUID().replace(/-/g, "")}`;
  const account = `acct_${randomUUID().replace(/-/g, "").slice(0, 16)}`;
  const body = JSON.stringify({
    id,
    object: "event",
    account,
    api_version: "2026-10-28.endive",
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    type: "account.updated",
    data: { object: { id: account, object: "account", capabilities: { transfers: "active" } } },
    ...overrides,
  });
  return { id, account, body };
}

type StoredRow = {
  provider: string;
  dedupe_key: string;
  event_type: string;
  subject: string | null;
  body: string | null;
  body_sha256: string;
};
const rowsFor = (eventId: string) =>
  api.db.db.execute<StoredRow & { id: string }>(
    sql`select id, provider, dedupe_key, event_type, subject, body, body_sha256
        from webhook_events where provider_event_id = ${eventId}`,
  );
const jobsFor = (webhookEventId: string) =>
  api.db.db.execute<{ id: string }>(sql`
    select j.id::text as id from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'process_webhook_event' and j.payload->>'webhookEventId' = ${webhookEventId}
  `);

describe("POST /webhooks/stripe/connect", () => {
  it("stores a Connect event signed with the Connect secret as stripe_connect and queues one job", async () => {
    const event = accountUpdated();

    expect(await sendConnect(event.body)).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });

    const rows = await rowsFor(event.id);
    expect(rows.map(({ id: _id, ...rest }) => rest)).toEqual([
      {
        provider: "stripe_connect",
        dedupe_key: event.id,
        event_type: "account.updated",
        subject: event.account,
        body: event.body,
        body_sha256: createHash("sha256").update(event.body).digest("hex"),
      },
    ]);
    expect(await jobsFor(rows[0]!.id)).toHaveLength(1);
  });

  it("accepts the previous Connect secret during a roll, and a redelivery is a duplicate", async () => {
    const event = accountUpdated();
    expect((await sendConnect(event.body, CONNECT_SECRETS[1])).body.duplicate).toBe(false);
    expect((await sendConnect(event.body)).body).toEqual({ received: true, duplicate: true });
    const rows = await rowsFor(event.id);
    expect(rows).toHaveLength(1);
    expect(await jobsFor(rows[0]!.id)).toHaveLength(1);
  });

  it("refuses a body signed with the platform endpoint's secret, storing nothing", async () => {
    const event = accountUpdated();

    const answer = await sendConnect(event.body, PLATFORM_SECRET);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect(await rowsFor(event.id)).toHaveLength(0);
  });

  it("the platform route refuses a body signed with the Connect secret", async () => {
    const event = accountUpdated();

    const answer = await post("/webhooks/stripe", event.body, CONNECT_SECRETS[0]!);

    expect(answer.status).toBe(400);
    expect(answer.body.error?.code).toBe("WEBHOOK_SIGNATURE_INVALID");
    expect(await rowsFor(event.id)).toHaveLength(0);
  });

  it("refuses a stale signature and an event that names no connected account", async () => {
    const stale = accountUpdated();
    const old = await sendConnect(stale.body, CONNECT_SECRETS[0], new Date(Date.now() - 600_000));
    expect(old.status).toBe(400);
    expect(old.body.error?.message).toMatch(/tolerance/);

    const platformShaped = accountUpdated({ account: undefined });
    const answer = await sendConnect(platformShaped.body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "WEBHOOK_BODY_INVALID" });
    expect(answer.body.error?.message).toMatch(/account/);
    expect(await rowsFor(platformShaped.id)).toHaveLength(0);
  });
});
