import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyCalcomSignature, verifyStripeWebhook } from "@an/billing";
import { enqueueJob } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import { sql } from "drizzle-orm";
import { Logger, runOnce, type JobHelpers } from "graphile-worker";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBillingConfig, testWorkerDeps } from "../testing";
import { deliverSimulatedWebhook } from "./deliver-simulated-webhook";
import { createTaskList } from "./index";

const t = useTestDatabase();
const logger = new Logger(() => () => undefined);
const helpers = {} as JobHelpers;

type Received = { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer };
let received: Received[] = [];
let answer = 200;
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      res.writeHead(answer, { "content-type": "application/json" });
      res.end(JSON.stringify({ answer }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
  answer = 200;
});

const now = new Date();
const deps = () =>
  testWorkerDeps(t.db, { billing: testBillingConfig({ publicApiUrl: base }), now: () => now });

const stripeBody = JSON.stringify({
  id: "evt_sim_1",
  object: "event",
  type: "checkout.session.completed",
  data: { object: { id: "cs_sim_1", object: "checkout.session" } },
});
const calcomBody = JSON.stringify({
  triggerEvent: "BOOKING_CREATED",
  createdAt: now.toISOString(),
  payload: { uid: "abc", title: "Ünïcode – ok" },
});

describe("deliver_simulated_webhook", () => {
  it("posts a Stripe body, unchanged, signed at delivery time so our route accepts it", async () => {
    const d = deps();
    await deliverSimulatedWebhook(d)({ provider: "stripe", body: stripeBody }, helpers);
    expect(received).toHaveLength(1);
    const [req] = received;
    expect(req).toMatchObject({ method: "POST", url: "/webhooks/stripe" });
    expect(req!.headers["content-type"]).toBe("application/json");
    expect(req!.body.toString("utf8")).toBe(stripeBody);
    const verified = verifyStripeWebhook(
      req!.body,
      req!.headers["stripe-signature"] as string,
      d.billing.stripe.webhookSecrets,
      now,
    );
    expect(verified.ok).toBe(true);
    expect(req!.headers["stripe-signature"]).toContain(`t=${Math.floor(now.getTime() / 1000)},`);
  });

  it("posts a Connect event to the Connect route, signed with the Connect secret only", async () => {
    const d = deps();
    const body = JSON.stringify({
      id: "evt_sim_2",
      object: "event",
      account: "acct_sim_1",
      type: "account.updated",
      data: { object: { id: "acct_sim_1", object: "account" } },
    });
    await deliverSimulatedWebhook(d)({ provider: "stripe_connect", body }, helpers);
    const [req] = received;
    expect(req).toMatchObject({ method: "POST", url: "/webhooks/stripe/connect" });
    expect(req!.body.toString("utf8")).toBe(body);
    const signature = req!.headers["stripe-signature"] as string;
    expect(
      verifyStripeWebhook(req!.body, signature, d.billing.stripe.connectWebhookSecrets, now).ok,
    ).toBe(true);
    expect(verifyStripeWebhook(req!.body, signature, d.billing.stripe.webhookSecrets, now).ok).toBe(
      false,
    );
  });

  it("posts a Cal.com body with its hex signature and the pinned payload version", async () => {
    const d = deps();
    await deliverSimulatedWebhook(d)({ provider: "calcom", body: calcomBody }, helpers);
    const [req] = received;
    expect(req).toMatchObject({ method: "POST", url: "/webhooks/calcom" });
    expect(req!.body.toString("utf8")).toBe(calcomBody);
    expect(req!.headers["x-cal-webhook-version"]).toBe("2021-10-20");
    expect(
      verifyCalcomSignature(
        req!.body,
        req!.headers["x-cal-signature-256"] as string,
        d.billing.calcom.webhookSecrets,
      ),
    ).toEqual({ ok: true });
  });

  it.each([400, 409, 500, 503])("a %i answer fails the job (so it is retried)", async (status) => {
    answer = status;
    await expect(
      deliverSimulatedWebhook(deps())({ provider: "stripe", body: stripeBody }, helpers),
    ).rejects.toThrow(new RegExp(`answered ${status}`));
  });

  it("an unreachable route fails the job", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const d = testWorkerDeps(t.db, {
      billing: testBillingConfig({ publicApiUrl: `http://127.0.0.1:${port}` }),
    });
    await expect(
      deliverSimulatedWebhook(d)({ provider: "calcom", body: calcomBody }, helpers),
    ).rejects.toThrow();
  });

  it("runs from the queue; a refused delivery stays queued for a retry with its error", async () => {
    await enqueueJob(t.db, "deliver_simulated_webhook", { provider: "calcom", body: calcomBody });
    await runOnce({ connectionString: t.url, logger, taskList: createTaskList(deps()) });
    expect(received.map((r) => r.url)).toEqual(["/webhooks/calcom"]);

    answer = 503;
    await enqueueJob(t.db, "deliver_simulated_webhook", { provider: "stripe", body: stripeBody });
    await runOnce({ connectionString: t.url, logger, taskList: createTaskList(deps()) });
    const jobs = await t.db.execute<{ attempts: number; last_error: string | null }>(sql`
      select attempts, last_error from graphile_worker.jobs
      where task_identifier = 'deliver_simulated_webhook'
    `);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.attempts).toBe(1);
    expect(jobs[0]?.last_error).toMatch(/answered 503/);
  });
});
