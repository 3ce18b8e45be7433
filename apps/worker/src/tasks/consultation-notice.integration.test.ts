import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import {
  type JobPayload,
  loadConsultationNoticeContext,
  notifyAboutConsultation,
  updateUserPreferences,
} from "@an/db";
import { insertAdvisor, insertConsultation, useTestDatabase } from "@an/db/testing";
import {
  CONSULTATION_NOTICES,
  formatMeetingTime,
  NOTICE_ROLES,
  SUPPORTED_LOCALES,
  translator,
} from "@an/domain";
import { Logger, runOnce, type JobHelpers } from "graphile-worker";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { renderConsultationNotice } from "../notifications/consultation-notice";
import { testWorkerDeps } from "../testing";
import { createHandlers, createTaskList } from "./index";

const log = pino({ level: "silent" });
const logger = new Logger(() => () => undefined);
const warnings: string[] = [];
const helpers = {
  logger: { warn: (m: string) => warnings.push(m), info: () => undefined },
} as unknown as JobHelpers;

// Monday 30 March 2026, 10:00 UTC: the day after Europe moved to summer time, so Paris
// is UTC+2 (12:00), Dubai is UTC+4 all year (14:00) and New York is on EDT (06:00).
const STARTS_AT = new Date("2026-03-30T10:00:00Z");
const plain = (s: string) => s.replace(/\s/g, " ");

const t = useTestDatabase(async (db) => {
  await db.db.execute(sql`
    insert into users (id, email, first_name, last_name, locale, time_zone) values
      ('test|claire', 'claire.dupont@example.com', 'Claire', 'Dupont', 'fr', 'Europe/Paris'),
      ('test|omar', 'omar@example.com', 'Omar', 'Haddad', 'ar', 'America/Los_Angeles'),
      ('test|ada', 'ada@example.com', 'Ada', 'Admin', 'de', 'America/New_York'),
      ('test|youssef', 'youssef@example.com', 'Youssef', 'Alami', 'fr-MA', 'Africa/Casablanca'),
      ('test|mona', 'mona@example.com', 'Mona', 'Saleh', 'ar-EG', 'Africa/Cairo')`);
  await db.db.execute(sql`insert into user_roles (user_id, role) values ('test|ada', 'admin')`);
  // The advisor's own zone is on the advisor profile; their user row says otherwise, and
  // must not be the one used.
  await insertAdvisor(db.db, {
    userId: "test|omar",
    displayName: "Omar Haddad",
    timeZone: "Asia/Dubai",
  });
});

type Outbox = { user_id: string; locale: string; subject: string; body: string };
const outbox = (dedupePrefix: string) =>
  t.db.execute<Outbox>(
    sql`select user_id, locale, subject, body from notifications
        where dedupe_key like ${`${dedupePrefix}%`} order by user_id`,
  );

const consultation = (overrides: Parameters<typeof insertConsultation>[1] | object = {}) =>
  insertConsultation(t.db, {
    clientId: "test|claire",
    advisorId: "test|omar",
    status: "confirmed",
    startsAt: STARTS_AT,
    ...overrides,
  });

const notice = (
  consultationId: string,
  userId: string,
  params: Omit<
    Extract<JobPayload<"send_notification">, { template: "consultation_notice" }>["params"],
    "consultationId"
  >,
  dedupeKey: string,
): JobPayload<"send_notification"> => ({
  userId,
  dedupeKey,
  template: "consultation_notice",
  params: { consultationId, ...params },
});

describe("consultation notices", () => {
  it("a confirmed booking reaches client and advisor, each in their language and time zone", async () => {
    const id = await consultation();
    await t.db.transaction(async (tx) => {
      for (const to of ["client", "advisor"] as const) {
        await notifyAboutConsultation(tx, {
          consultation: { id, clientId: "test|claire", advisorId: "test|omar" },
          to,
          notice: "booking_confirmed",
          cause: "evt_confirmed",
        });
      }
    });
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const [client, advisor] = await outbox(`consultation:${id}:`);

    expect(client?.user_id).toBe("test|claire");
    expect(client?.locale).toBe("fr");
    expect(client?.subject).toBe("Confirmé : votre consultation avec Omar Haddad");
    expect(plain(client!.body)).toContain("Quand : lundi 30 mars 2026 à 12:00 UTC+2");
    expect(plain(client!.body)).toContain("Montant payé : 120,00 $US");
    expect(client?.body).toContain("Durée : 60 minutes");

    expect(advisor?.user_id).toBe("test|omar");
    expect(advisor?.locale).toBe("ar");
    expect(advisor?.subject).toBe("حجز جديد لاستشارة مع Claire");
    // Dubai time, 14:00 (2 PM), with its zone, not the advisor's user-row zone.
    expect(advisor?.body).toContain(`الموعد: ${formatMeetingTime(STARTS_AT, "Asia/Dubai", "ar")}`);
    expect(advisor?.body).toMatch(/الاثنين، 30 مارس 2026 في 2:00\s?م غرينتش\+4/);
    expect(plain(advisor!.body)).toContain("أرباحك: \u200f96.00 \u2068US$\u2069");
    // Privacy: the client's first name only.
    expect(advisor?.body).toContain("Claire");
    expect(advisor?.body).not.toContain("Dupont");
    expect(advisor?.body).not.toContain("claire.dupont@example.com");
    expect(advisor?.subject).not.toContain("Dupont");
  });

  it("a paid pass tells each party its length, end and reply deadline, not a meeting", async () => {
    // A 3-day pass paid at STARTS_AT: it ends 3 days later; the first reply is due in 48 h.
    const id = await consultation({
      kind: "async_pass",
      passDays: 3,
      endsAt: new Date(STARTS_AT.getTime() + 3 * 86_400_000),
    });
    await t.db.transaction(async (tx) => {
      for (const to of ["client", "advisor"] as const) {
        await notifyAboutConsultation(tx, {
          consultation: { id, clientId: "test|claire", advisorId: "test|omar" },
          to,
          notice: "pass_confirmed",
          cause: "evt_pass_paid",
        });
      }
    });
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const [client, advisor] = await outbox(`consultation:${id}:`);

    expect(client?.locale).toBe("fr");
    expect(client?.subject).toBe("Votre pass conseil avec Omar Haddad est actif");
    expect(plain(client!.body)).toContain(
      "votre pass conseil avec Omar Haddad (3 jours) est actif jusqu'au jeudi 2 avril 2026 à 12:00 UTC+2",
    );
    expect(plain(client!.body)).toContain("d'ici le mercredi 1 avril 2026 à 12:00 UTC+2");
    expect(client?.body).not.toMatch(/consultation|calendrier/);

    expect(advisor?.locale).toBe("ar");
    expect(advisor?.subject).toBe("باقة استشارة جديدة من Claire");
    // The advisor's own zone (Dubai) for the end of the pass.
    expect(advisor?.body).toContain(
      `سارية حتى ${formatMeetingTime(new Date(STARTS_AT.getTime() + 3 * 86_400_000), "Asia/Dubai", "ar")}`,
    );
    expect(advisor?.body).not.toContain("Dupont");
  });

  it("a cancellation states the refund in each party's words; without one, it doesn't", async () => {
    const id = await consultation({
      status: "cancelled",
      refundablePrice: 6_000,
      refundableFee: 1_200,
      refundableShare: 4_800,
    });
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    await handlers.send_notification(
      notice(
        id,
        "test|claire",
        { notice: "cancelled", role: "client", amount: 6_000 },
        `c1:${id}:client`,
      ),
      helpers,
    );
    await handlers.send_notification(
      notice(
        id,
        "test|omar",
        { notice: "cancelled", role: "advisor", amount: 6_000 },
        `c1:${id}:advisor`,
      ),
      helpers,
    );
    const [client, advisor] = await outbox(`c1:${id}:`);
    expect(client?.subject).toBe("Votre consultation avec Omar Haddad a été annulée");
    expect(plain(client!.body)).toContain(
      "Votre consultation avec Omar Haddad du lundi 30 mars 2026 à 12:00 UTC+2 a été annulée.",
    );
    expect(plain(client!.body)).toContain("Nous vous remboursons 60,00 $US");
    expect(advisor?.subject).toBe("تم إلغاء الاستشارة مع Claire");
    expect(plain(advisor!.body)).toContain("تم ردّ \u200f60.00 \u2068US$\u2069 إلى العميل");
    expect(plain(advisor!.body)).toContain("ويتبقى لك \u200f48.00 \u2068US$\u2069");
    expect(advisor?.body).not.toContain("Dupont");

    // An unpaid booking cancelled: no refund line at all.
    const unpaid = await consultation({ status: "cancelled" });
    await handlers.send_notification(
      notice(unpaid, "test|claire", { notice: "cancelled", role: "client" }, `c2:${unpaid}`),
      helpers,
    );
    const [plainCancel] = await outbox(`c2:${unpaid}`);
    expect(plainCancel?.body).toContain("a été annulée");
    expect(plainCancel?.body).not.toContain("rembours");
  });

  it("a client's notices use UTC while their zone is unknown, then the zone and language they chose", async () => {
    await t.db.execute(sql`
      insert into users (id, email, first_name, locale) values
        ('test|kenji', 'kenji@example.com', 'Kenji', 'en')`);
    const id = await consultation({ clientId: "test|kenji" });
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    const confirmed = (key: string) =>
      handlers.send_notification(
        notice(id, "test|kenji", { notice: "booking_confirmed", role: "client" }, key),
        helpers,
      );

    await confirmed(`tz1:${id}`);
    const [before] = await outbox(`tz1:${id}`);
    expect(before?.locale).toBe("en");
    expect(plain(before!.body)).toContain("Monday, March 30, 2026 at 10:00 AM UTC");

    await t.db.transaction((tx) =>
      updateUserPreferences(tx, {
        userId: "test|kenji",
        patch: { locale: "de", timeZone: "Asia/Tokyo" },
        actor: { kind: "user", userId: "test|kenji" },
        now: STARTS_AT,
      }),
    );
    await confirmed(`tz2:${id}`);
    const [after] = await outbox(`tz2:${id}`);
    expect(after?.locale).toBe("de");
    // 10:00 UTC is 19:00 in Tokyo (UTC+9, no daylight saving).
    expect(after?.body).toContain(`Wann: ${formatMeetingTime(STARTS_AT, "Asia/Tokyo", "de")}`);
    expect(plain(after!.body)).toContain("Montag, 30. März 2026 um 19:00 GMT+9");
  });

  it("a payment link carries the link and its expiry in the client's own time", async () => {
    const expires = new Date("2026-03-29T00:30:00Z"); // 01:30 in Paris, still winter time
    const id = await consultation({ status: "awaiting_payment", paymentExpiresAt: expires });
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    const url = "https://checkout.stripe.com/c/pay/cs_test_123";
    await handlers.send_notification(
      notice(id, "test|claire", { notice: "payment_link", role: "client", url }, `pl:${id}`),
      helpers,
    );
    const [row] = await outbox(`pl:${id}`);
    expect(row?.subject).toBe("Finalisez votre réservation avec Omar Haddad");
    expect(row?.body).toContain(`\n\n${url}\n\n`);
    expect(plain(row!.body)).toContain(
      "Ce lien est valable jusqu'au dimanche 29 mars 2026 à 01:30 UTC+1.",
    );
    expect(plain(row!.body)).toContain("payez 120,00 $US ici");
  });

  it("admins get the reason and both names, in their own language and zone", async () => {
    const id = await consultation({ status: "awaiting_payment" });
    await t.db.transaction((tx) =>
      notifyAboutConsultation(tx, {
        consultation: { id, clientId: "test|claire", advisorId: "test|omar" },
        to: "admins",
        notice: "security_incident",
        cause: "incident-1",
        reason: "Paid 100 USD but the quote was 120 USD.",
      }),
    );
    await runOnce({
      connectionString: t.url,
      logger,
      taskList: createTaskList(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" })),
    });
    const rows = await outbox(`consultation:${id}:`);
    expect(rows).toHaveLength(1);
    const [admin] = rows;
    expect(admin?.user_id).toBe("test|ada");
    expect(admin?.subject).toBe("Sicherheitsvorfall: Beratung mit Omar Haddad");
    expect(admin?.body).toContain("\n\nPaid 100 USD but the quote was 120 USD.\n\n");
    expect(admin?.body).toContain("Kunde: Claire Dupont");
    expect(plain(admin!.body)).toContain("Wann: Montag, 30. März 2026 um 06:00 GMT-4");
    expect(admin?.body).toContain(`Beratung: ${id}`);
    // The reason is in the body once, not repeated as a "Grund:" line.
    expect(admin?.body).not.toContain("Grund:");
  });

  it("regional locales use their base language's text with their own number forms", async () => {
    const id = await consultation({ clientId: "test|mona", status: "refunded" });
    const other = await consultation({ clientId: "test|youssef", status: "completed" });
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    await handlers.send_notification(
      notice(id, "test|mona", { notice: "refunded", role: "client", amount: 12_000 }, `rg:1`),
      helpers,
    );
    await handlers.send_notification(
      notice(other, "test|youssef", { notice: "consultation_completed", role: "client" }, `rg:2`),
      helpers,
    );
    const [mona, youssef] = await t.db.execute<Outbox>(
      sql`select user_id, locale, subject, body from notifications where dedupe_key like 'rg:%' order by dedupe_key`,
    );
    expect(mona?.locale).toBe("ar-EG");
    expect(plain(mona!.subject)).toBe("جارٍ ردّ مبلغ \u200f١٢٠٫٠٠ \u2068US$\u2069 إليك");
    // 12:00 in Cairo (UTC+2), in Arabic-Indic digits.
    expect(mona?.body).toContain("١٢:٠٠");
    expect(youssef?.locale).toBe("fr-MA");
    expect(youssef?.subject).toBe("Comment s'est passée votre consultation avec Omar Haddad ?");
    // Casablanca is UTC+1 except during Ramadan, which in 2026 ends on 19 March.
    expect(plain(youssef!.body)).toContain("du lundi 30 mars 2026 à 11:00 UTC+1");
    // The review window closes 48 hours after the end (11:00 UTC on 1 April).
    expect(plain(youssef!.body)).toContain("jusqu'au mercredi 1 avril 2026 à 12:00 UTC+1");
  });

  it("a notice with no text of its own for the role falls back to the role's generic text", async () => {
    const id = await consultation({ status: "paid_out" });
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    await handlers.send_notification(
      notice(id, "test|claire", { notice: "payout_sent", role: "client" }, `gen:${id}`),
      helpers,
    );
    // A payment link whose link is missing says there's news, rather than showing a hole.
    await handlers.send_notification(
      notice(id, "test|claire", { notice: "payment_link", role: "client" }, `gen:${id}:nolink`),
      helpers,
    );
    const rows = await outbox(`gen:${id}`);
    expect(rows.map((r) => r.subject)).toEqual([
      "Du nouveau pour votre consultation avec Omar Haddad",
      "Du nouveau pour votre consultation avec Omar Haddad",
    ]);
    expect(plain(rows[0]!.body)).toContain(
      "votre consultation avec Omar Haddad du lundi 30 mars 2026 à 12:00 UTC+2",
    );
  });

  it("every notice for every role renders fully in all nine locales", async () => {
    const id = await consultation({ status: "completed", paymentExpiresAt: STARTS_AT });
    const context = await loadConsultationNoticeContext(t.db, { consultationId: id });
    expect(context).not.toBeNull();
    for (const locale of SUPPORTED_LOCALES) {
      const tr = translator(locale);
      for (const n of CONSULTATION_NOTICES) {
        for (const role of NOTICE_ROLES) {
          const recipient =
            role === "advisor"
              ? { firstName: "Omar", email: "omar@example.com", timeZone: "UTC" }
              : {
                  firstName: "Claire",
                  email: "claire.dupont@example.com",
                  timeZone: "Europe/Paris",
                };
          const { subject, body } = renderConsultationNotice({
            context: context!,
            params: {
              notice: n,
              role,
              consultationId: id,
              amount: 500,
              url: "https://pay.example/x",
              reason: "why",
            },
            recipient,
            locale,
            t: tr,
          });
          const where = `${locale} ${n} ${role}`;
          expect(subject, where).not.toMatch(/{{|notifications\./);
          expect(body, where).not.toMatch(/{{|notifications\./);
          // Each party is named: the advisor to the client, the client to the advisor.
          expect(body, where).toContain(role === "advisor" ? "Claire" : "Omar Haddad");
          if (role !== "admin") {
            expect(body, where).not.toContain("Dupont");
            expect(body, where).not.toContain("claire.dupont@example.com");
          }
        }
      }
    }
  });

  it("a pass's notices have their own text for each party they address, in every locale", async () => {
    type Notice = (typeof CONSULTATION_NOTICES)[number];
    const both = ["client", "advisor"] as const;
    // Each pass notice, the booking notice it stands in for, and whom it is written for.
    const table: [Notice, Notice | null, readonly ("client" | "advisor")[]][] = [
      ["pass_confirmed", "booking_confirmed", both],
      ["pass_unanswered", null, both],
      ["pass_cancelled", "cancelled", both],
      ["pass_completed", "consultation_completed", both],
      ["pass_refunded", "refunded", both],
      ["pass_payment_link", "payment_link", ["client"]],
      ["pass_payment_failed", "payment_failed", ["client"]],
      ["pass_payment_expired", "payment_expired", ["client"]],
      ["pass_earnings_released", "earnings_released", ["advisor"]],
      ["pass_payout_sent", "payout_sent", ["advisor"]],
    ];
    expect(table.map(([n]) => n).sort()).toEqual(
      CONSULTATION_NOTICES.filter((n) => n.startsWith("pass_")).sort(),
    );
    const id = await consultation({
      kind: "async_pass",
      passDays: 1,
      status: "completed",
      endsAt: new Date(STARTS_AT.getTime() + 86_400_000),
    });
    const context = await loadConsultationNoticeContext(t.db, { consultationId: id });
    const recipient = { firstName: "Omar", email: "omar@example.com", timeZone: "UTC" };
    for (const locale of SUPPORTED_LOCALES) {
      const tr = translator(locale);
      for (const [n, twin, roles] of table) {
        for (const role of roles) {
          const render = (notice: Notice) =>
            renderConsultationNotice({
              context: context!,
              params: { notice, role, consultationId: id, url: "https://pay.example/x" },
              recipient,
              locale,
              t: tr,
            });
          const where = `${locale} ${n} ${role}`;
          const own = render(n);
          // A notice without text for the role falls back to the generic one: a security
          // incident is written for admins only, so it shows what that fallback reads like.
          const generic = render("security_incident");
          expect(own.subject, where).not.toBe(generic.subject);
          expect(own.body, where).not.toBe(generic.body);
          if (twin) expect(own.body, where).not.toBe(render(twin).body);
        }
      }
    }
  });

  it("a notice about a consultation that doesn't exist writes nothing", async () => {
    const handlers = createHandlers(testWorkerDeps(t.db, { log, mailer: null, mailFrom: "x@y.z" }));
    const missing = randomUUID();
    await handlers.send_notification(
      notice(missing, "test|claire", { notice: "cancelled", role: "client" }, `missing:${missing}`),
      helpers,
    );
    expect(await outbox(`missing:${missing}`)).toEqual([]);
    expect(warnings.some((w) => w.includes(missing))).toBe(true);
  });
});
