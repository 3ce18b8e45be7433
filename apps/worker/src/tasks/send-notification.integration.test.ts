import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { enqueueJob, grantRole, issueApplicationInvitation, JOBS, seedDemoData } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import { Logger, runOnce, type JobHelpers } from "graphile-worker";
import { createTransport } from "nodemailer";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testWorkerDeps } from "../testing";
import { createHandlers, createTaskList } from "./index";

const log = pino({ level: "silent" });
// The expected failures below would otherwise print graphile-worker's error logs.
const logger = new Logger(() => () => undefined);
const helpers = {
  logger: { warn: () => undefined, info: () => undefined },
} as unknown as JobHelpers;

type Row = {
  user_id: string;
  locale: string;
  subject: string;
  status: string;
  attempts: number;
  last_error: string | null;
};
const outbox = (userId: string) =>
  t.db.execute<Row>(
    sql`select user_id, locale, subject, status, attempts, last_error from notifications where user_id = ${userId}`,
  );

const t = useTestDatabase((db) => seedDemoData(db.db));

describe("send_notification", () => {
  it("runs from the queue: a role grant ends in the outbox, in the recipient's language", async () => {
    await t.db.transaction((tx) =>
      grantRole(tx, {
        userId: "demo|advisor-amira",
        role: "admin",
        actor: { kind: "system", label: "test" },
      }),
    );
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const rows = await outbox("demo|advisor-amira");
    expect(rows).toEqual([
      {
        user_id: "demo|advisor-amira",
        locale: "ar-EG",
        subject: "أصبح لديك دور مسؤول في Advisor Network",
        status: "queued",
        attempts: 0,
        last_error: null,
      },
    ]);
    const left = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from graphile_worker._private_jobs`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it("is idempotent: the same job run twice writes one message", async () => {
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    const payload = {
      userId: "demo|client-diego",
      template: "role_granted" as const,
      params: { role: "advisor" as const },
      dedupeKey: "dup-1",
    };
    await handlers.send_notification(payload, helpers);
    await handlers.send_notification(payload, helpers);
    const rows = await outbox("demo|client-diego");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.subject).toBe("Ahora tienes el rol asesor en Advisor Network");
  });

  it("renders an application decision with its reason, in the recipient's language", async () => {
    await t.db.execute(
      sql`insert into users (id, email, first_name, locale) values ('test|claire', 'claire@example.com', 'Claire', 'fr')`,
    );
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    await handlers.send_notification(
      {
        userId: "test|claire",
        template: "application_rejected",
        params: { reason: "Profil trop succinct." },
        dedupeKey: "app-rejected-1",
      },
      helpers,
    );
    const rows = await t.db.execute<{ subject: string; body: string }>(
      sql`select subject, body from notifications where dedupe_key = 'app-rejected-1'`,
    );
    expect(rows[0]?.subject).toBe("À propos de votre candidature de conseiller");
    expect(rows[0]?.body).toContain("Motif : Profil trop succinct.");
    // A rejection without its reason breaks the contract rather than sending a hollow message.
    expect(
      JOBS.send_notification.safeParse({
        userId: "test|claire",
        template: "application_rejected",
        params: {},
        dedupeKey: "app-rejected-2",
      }).success,
    ).toBe(false);
  });

  it("a job whose payload breaks the contract fails instead of running", async () => {
    await t.db.execute(
      sql`select graphile_worker.add_job('send_notification', '{"userId": 42}'::json, max_attempts => 1)`,
    );
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const jobs = await t.db.execute<{ last_error: string }>(
      sql`select last_error from graphile_worker._private_jobs`,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.last_error).toMatch(/userId/);
    await t.db.execute(sql`delete from graphile_worker._private_jobs`);
  });

  it("mails an application invitation to an address with no account, in the job's locale", async () => {
    const issued = await t.db.transaction((tx) =>
      issueApplicationInvitation(tx, {
        email: "invitee@example.com",
        expiresAt: new Date("2026-07-01T09:30:00Z"),
        locale: "de",
        now: new Date("2026-06-20T00:00:00Z"),
        actor: { kind: "user", userId: "demo|admin" },
      }),
    );
    if (!issued.ok) throw new Error(issued.error.code);
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const rows = await t.db.execute<{
      user_id: string | null;
      to_email: string;
      locale: string;
      subject: string;
      body: string;
      params: Record<string, unknown>;
    }>(
      sql`select user_id, to_email, locale, subject, body, params from notifications
           where template = 'application_invitation'`,
    );
    const failed = await t.db.execute<{ last_error: string | null }>(
      sql`select last_error from graphile_worker._private_jobs`,
    );
    expect(failed).toEqual([]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      user_id: null,
      to_email: "invitee@example.com",
      locale: "de",
      subject: "Sie sind eingeladen, sich als Berater bei Advisor Network zu bewerben",
      // The token is in the body the invitee needs, not kept in the params beside it.
      params: { expiresAt: "2026-07-01T09:30:00.000Z" },
    });
    expect(rows[0]?.body).toContain(issued.value.token);
    expect(rows[0]?.body).toContain("1. Juli 2026");
  });

  it("refuses a notification naming both a user and an address, or neither", () => {
    const base = {
      template: "role_granted",
      params: { role: "advisor" },
      dedupeKey: "both",
    };
    expect(
      JOBS.send_notification.safeParse({ ...base, userId: "demo|admin", toEmail: "a@b.co" })
        .success,
    ).toBe(false);
    expect(JOBS.send_notification.safeParse(base).success).toBe(false);
    expect(JOBS.send_notification.safeParse({ ...base, userId: "demo|admin" }).success).toBe(true);
  });
});

describe("send_notification with SMTP", () => {
  let server: SMTPServer;
  let port: number;
  const received: { to: string; data: string }[] = [];
  let reject = false;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onRcptTo(address, _session, callback) {
        callback(reject ? new Error("mailbox unavailable") : undefined);
        void address;
      },
      onData(stream, session, callback) {
        let data = "";
        stream.on("data", (chunk: Buffer) => (data += chunk.toString("utf8")));
        stream.on("end", () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(","), data });
          callback();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const mailer = () => createTransport({ host: "127.0.0.1", port, secure: false, ignoreTLS: true });

  it("sends through SMTP and marks the message sent, once", async () => {
    const handlers = createHandlers(
      testWorkerDeps(t.db, {
        log,
        mailer: mailer(),
        mailFrom: "Advisor Network <no-reply@advisor.network>",
      }),
    );
    const payload = {
      userId: "demo|advisor-lucas",
      template: "role_revoked" as const,
      params: { role: "advisor" as const },
      dedupeKey: "smtp-1",
    };
    await handlers.send_notification(payload, helpers);
    await handlers.send_notification(payload, helpers);
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toBe("lucas@demo.advisor.network");
    expect(received[0]?.data).toContain("Subject: =?UTF-8?Q?Votre_r=C3=B4le_conseiller");
    const rows = await outbox("demo|advisor-lucas");
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([["sent", 1]]);
  });

  it("a refused send is recorded and rethrown so the queue retries it", async () => {
    reject = true;
    const handlers = createHandlers(
      testWorkerDeps(t.db, { log, mailer: mailer(), mailFrom: "x@advisor.network" }),
    );
    const payload = {
      userId: "demo|client-sam",
      template: "role_granted" as const,
      params: { role: "advisor" as const },
      dedupeKey: "smtp-2",
    };
    await expect(handlers.send_notification(payload, helpers)).rejects.toThrow(
      /mailbox unavailable/,
    );
    let rows = await outbox("demo|client-sam");
    expect(rows[0]?.status).toBe("failed");
    expect(rows[0]?.last_error).toMatch(/mailbox unavailable/);
    reject = false;
    await handlers.send_notification(payload, helpers);
    rows = await outbox("demo|client-sam");
    expect(rows.map((r) => [r.status, r.attempts, r.last_error])).toEqual([["sent", 2, null]]);
  });
});

describe("enqueue → worker, end to end", () => {
  it("a job enqueued in a rolled-back transaction never runs", async () => {
    await t.db
      .transaction(async (tx) => {
        await enqueueJob(tx, "send_notification", {
          userId: "demo|admin",
          template: "role_granted",
          params: { role: "advisor" },
          dedupeKey: "rb-1",
        });
        tx.rollback();
      })
      .catch(() => undefined);
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    expect(await outbox("demo|admin")).toEqual([]);
  });
});
