import {
  createSimulatedPayments,
  createSimulatedScheduling,
  parseBillingEnv,
  resolveBillingConfig,
} from "@an/billing";
import { seedDemoMarketplace } from "@an/db";
import { formatMoney, translator } from "@an/domain";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTestApi, type TestApi } from "../testing";
import { simulatorRuntime } from "./routes";

let api: TestApi;
const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://127.0.0.1:9",
});
const sam = { name: "Sam Carter", email: "sam@demo.advisor.network" };

beforeAll(async () => {
  api = await startTestApi();
  await seedDemoMarketplace(api.db.db);
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});
beforeEach(async () => {
  await takeDeliveries();
});

const runtime = () => simulatorRuntime({ db: api.db.db, now: () => new Date() });
const scheduling = () => createSimulatedScheduling(config, runtime());
const payments = () => createSimulatedPayments(config, runtime());

type Delivery = { provider: "stripe" | "calcom"; body: Record<string, unknown> };

/** The webhooks the simulators queued since the last call (and takes them off the queue). */
async function takeDeliveries(): Promise<Delivery[]> {
  const rows = await api.db.db.execute<{
    id: string;
    payload: { provider: string; body: string };
  }>(sql`
    select j.id::text as id, j.payload
    from graphile_worker._private_jobs j
    join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = 'deliver_simulated_webhook'
    order by j.id
  `);
  if (rows.length > 0) {
    const ids = rows.map((r) => r.id);
    await api.db.db.execute(
      sql`select graphile_worker.complete_jobs(${`{${ids.join(",")}}`}::bigint[])`,
    );
  }
  return rows.map((r) => ({
    provider: r.payload.provider as Delivery["provider"],
    body: JSON.parse(r.payload.body) as Record<string, unknown>,
  }));
}

const get = (path: string) => fetch(`${api.url}${path}`, { redirect: "manual" });
const post = (path: string, fields: Record<string, string> = {}) =>
  fetch(`${api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });

/** A fresh slot (10:00 UTC on a new day of 2035 each time), so tests never collide. */
let nextDay = 2;
const slot = () => new Date(Date.UTC(2035, 0, nextDay++, 10)).toISOString();

async function book(fields: Record<string, string> = {}): Promise<string> {
  const res = await post("/sim/book/amira%2Fconsultation", {
    bookingToken: "v1.token-from-prepare",
    name: sam.name,
    email: sam.email,
    timeZone: "America/New_York",
    start: slot(),
    duration: "60",
    ...fields,
  });
  expect(res.status).toBe(303);
  const location = res.headers.get("location")!;
  expect(location).toMatch(/^\/sim\/bookings\/[A-Za-z0-9]{22}$/);
  return location.split("/").pop()!;
}

describe("the booking page", () => {
  it("opens from the booking link with the advisor, the slots and the prefilled client, all escaped", async () => {
    const link = new URL(
      scheduling().bookingUrl({
        eventType: "amira/consultation",
        bookingToken: 'v1."><script>x</script>',
        name: "Sam <b>Carter</b>",
        email: sam.email,
      }),
    );
    const res = await get(link.pathname + link.search);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).toContain("Book Amira Haddad");
    expect(page).toContain("Africa/Cairo");
    expect(page).toContain('value="Sam &lt;b&gt;Carter&lt;/b&gt;"');
    expect(page).toContain('value="v1.&quot;&gt;&lt;script&gt;x&lt;/script&gt;"');
    expect(page).not.toContain("<script>");
    // The client's own time zone, known from their account.
    expect(page).toContain('value="America/New_York"');
    expect(page).toMatch(/name="duration" value="90"/);
  });

  it("404 for an event type no advisor offers", async () => {
    const res = await get("/sim/book/nobody%2Fnothing?metadata%5BbookingToken%5D=x");
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("nobody/nothing");
  });

  it("400, not 500, for an event type or a name the database can't store", async () => {
    expect((await get("/sim/book/amira%00consultation")).status).toBe(400);
    expect((await get("/sim/book/amira%2Fconsultation?name=Sam%00")).status).toBe(400);
  });

  it("booking sends BOOKING_CREATED with the token, the chosen length and the advisor as organizer", async () => {
    const start = slot();
    const uid = await book({ start, duration: "90" });
    const stored = await api.db.db.execute<{ data: Record<string, unknown> }>(
      sql`select data from sim_objects where kind = 'booking' and id = ${uid}`,
    );
    expect(stored[0]?.data).toMatchObject({ uid, status: "accepted", length: 90 });
    const [delivery, ...rest] = await takeDeliveries();
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({
      provider: "calcom",
      body: {
        triggerEvent: "BOOKING_CREATED",
        payload: {
          uid,
          type: "consultation",
          startTime: start,
          endTime: new Date(new Date(start).getTime() + 90 * 60_000).toISOString(),
          length: 90,
          metadata: { bookingToken: "v1.token-from-prepare" },
          organizer: {
            name: "Amira Haddad",
            email: "amira@demo.advisor.network",
            timeZone: "Africa/Cairo",
            language: { locale: "ar-EG" },
          },
          attendees: [
            {
              name: "Sam Carter",
              email: sam.email,
              timeZone: "America/New_York",
              language: { locale: "en" },
            },
          ],
        },
      },
    });
  });

  it("an advisor who set Cal.com's numeric event type id is booked on it: eventTypeId is that id", async () => {
    const amira = sql`user_id = (select id from users where email = 'amira@demo.advisor.network')`;
    const [before] = await api.db.db.execute<{ calcom_event_type: string | null }>(
      sql`select calcom_event_type from advisors where ${amira}`,
    );
    await api.db.db.execute(sql`update advisors set calcom_event_type = '48213' where ${amira}`);
    try {
      const res = await post("/sim/book/48213", {
        bookingToken: "v1.token-from-prepare",
        name: sam.name,
        email: sam.email,
        timeZone: "America/New_York",
        start: slot(),
        duration: "60",
      });
      expect(res.status).toBe(303);
      const [delivery] = await takeDeliveries();
      expect(delivery?.body).toMatchObject({
        triggerEvent: "BOOKING_CREATED",
        payload: {
          eventTypeId: 48213,
          type: "consultation",
          organizer: { email: "amira@demo.advisor.network" },
        },
      });
    } finally {
      await api.db.db.execute(
        sql`update advisors set calcom_event_type = ${before!.calcom_event_type} where ${amira}`,
      );
    }
  });

  it("refuses bad forms with 400 and a taken slot with 409, queuing nothing", async () => {
    const base = {
      bookingToken: "",
      name: sam.name,
      email: sam.email,
      timeZone: "UTC",
      start: slot(),
      duration: "60",
    };
    for (const bad of [
      { email: "not-an-email" },
      { duration: "45" },
      { timeZone: "Mars/Olympus" },
      { start: "tomorrow" },
      { name: "" },
      { start: "2020-01-01T10:00:00.000Z" },
    ]) {
      const res = await post("/sim/book/amira%2Fconsultation", { ...base, ...bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const first = await post("/sim/book/amira%2Fconsultation", base);
    expect(first.status).toBe(303);
    const again = await post("/sim/book/amira%2Fconsultation", { ...base, name: "Diego Ruiz" });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already has a booking");
    expect((await takeDeliveries()).map((d) => d.body.triggerEvent)).toEqual(["BOOKING_CREATED"]);
    const unknown = await post("/sim/book/nobody", base);
    expect(unknown.status).toBe(404);
  });

  it("the testing starts are resolved when the form is submitted, not when the page was drawn", async () => {
    const page = await (
      await get("/sim/book/amira%2Fconsultation?metadata%5BbookingToken%5D=x")
    ).text();
    // No time is baked into the page: one drawn a minute ago must still book "now".
    expect(page).toMatch(/<option value="now">\s*Starting now/);
    expect(page).toMatch(/<option value="soon">\s*In 5 minutes/);
    for (const [start, offsetMs] of [
      ["now", 0],
      ["soon", 5 * 60_000],
    ] as const) {
      const before = Date.now();
      // Its own organizer's slot each time: "now" and "soon" of two tests would overlap.
      const uid = await book({ start });
      const after = Date.now();
      const [delivery] = await takeDeliveries();
      const startTime = Date.parse((delivery?.body.payload as { startTime: string }).startTime);
      expect(startTime).toBeGreaterThanOrEqual(Math.floor(before / 60_000) * 60_000 + offsetMs);
      expect(startTime).toBeLessThanOrEqual(Math.ceil((after + offsetMs) / 60_000) * 60_000);
      // Cancelled so that the next start is free.
      expect((await post(`/sim/bookings/${uid}/cancel`)).status).toBe(303);
      await takeDeliveries();
    }
    // A time that has passed is still refused.
    const stale = await post("/sim/book/amira%2Fconsultation", {
      bookingToken: "x",
      name: sam.name,
      email: sam.email,
      timeZone: "UTC",
      start: new Date(Date.now() - 5 * 60_000).toISOString(),
      duration: "30",
    });
    expect(stale.status).toBe(400);
  });

  it("after booking, the page leads on to the payment, which waits for the platform's checkout", async () => {
    const uid = await book();
    const page = await (await get(`/sim/bookings/${uid}`)).text();
    expect(page).toContain(`href="/sim/bookings/${uid}/pay"`);
    expect(page).toContain("Continue to payment");
    // The platform hasn't processed BOOKING_CREATED yet (no worker here): the page waits.
    const waiting = await get(`/sim/bookings/${uid}/pay`);
    expect(waiting.status).toBe(200);
    expect(waiting.headers.get("refresh")).toBe("2");
    expect(await waiting.text()).toContain("Preparing your payment");
    expect((await get("/sim/bookings/doesNotExist123/pay")).status).toBe(404);
    // Without a booking token the platform refuses the booking: no payment is offered.
    const untokened = await book({ bookingToken: "" });
    expect(await (await get(`/sim/bookings/${untokened}`)).text()).not.toContain(
      "Continue to payment",
    );
  });

  it("a booking without a token is still made (the platform decides what to do with it)", async () => {
    await book({ bookingToken: "" });
    const [delivery] = await takeDeliveries();
    expect((delivery?.body.payload as { metadata: object }).metadata).not.toHaveProperty(
      "bookingToken",
    );
  });
});

describe("a booking's page and actions", () => {
  it("shows the booking, and 404s for an unknown uid", async () => {
    const uid = await book();
    const res = await get(`/sim/bookings/${uid}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain("accepted");
    expect(page).toContain("Mark the attendee as no-show");
    expect((await get("/sim/bookings/doesNotExist123")).status).toBe(404);
    expect((await get("/sim/bookings/bad%20uid")).status).toBe(404);
    expect((await post("/sim/bookings/doesNotExist123/cancel")).status).toBe(404);
  });

  it("reschedule, no-show, end, host's reschedule request, and the attendee's new time", async () => {
    const uid = await book();
    await takeDeliveries();

    const newStart = slot();
    const moved = await post(`/sim/bookings/${uid}/reschedule`, {
      start: newStart,
      by: "attendee",
      reason: "conflict",
    });
    expect(moved.status).toBe(303);
    const newUid = moved.headers.get("location")!.split("/").pop()!;
    expect(newUid).not.toBe(uid);

    expect((await post(`/sim/bookings/${newUid}/no-show`, { noShow: "true" })).status).toBe(303);
    expect((await post(`/sim/bookings/${newUid}/no-show`, { noShow: "maybe" })).status).toBe(400);
    expect((await post(`/sim/bookings/${newUid}/end`)).status).toBe(303);
    expect(
      (await post(`/sim/bookings/${newUid}/request-reschedule`, { reason: "ill" })).status,
    ).toBe(303);
    // Cancelled now: the attendee can't cancel it too.
    const late = await post(`/sim/bookings/${newUid}/cancel`, { reason: "x" });
    expect(late.status).toBe(409);
    const third = await post(`/sim/bookings/${newUid}/reschedule`, { start: slot() });
    expect(third.status).toBe(303);
    const thirdUid = third.headers.get("location")!.split("/").pop()!;
    expect(
      (await post(`/sim/bookings/${thirdUid}/cancel`, { reason: "plans changed" })).status,
    ).toBe(303);

    const bodies = (await takeDeliveries()).map((d) => d.body);
    expect(bodies.map((b) => b.triggerEvent)).toEqual([
      "BOOKING_RESCHEDULED",
      "BOOKING_NO_SHOW_UPDATED",
      "MEETING_ENDED",
      "BOOKING_CANCELLED",
      "BOOKING_RESCHEDULED",
      "BOOKING_CANCELLED",
    ]);
    expect(bodies[0]).toMatchObject({
      payload: { uid: newUid, rescheduleUid: uid, startTime: newStart },
    });
    expect(bodies[1]).toMatchObject({
      payload: { bookingUid: newUid, attendees: [{ email: sam.email, noShow: true }] },
    });
    expect(bodies[2]).toMatchObject({ uid: newUid, triggerEvent: "MEETING_ENDED" });
    expect(bodies[3]).toMatchObject({
      payload: { uid: newUid, requestReschedule: true, cancelledBy: "amira@demo.advisor.network" },
    });
    expect(bodies[4]).toMatchObject({ payload: { uid: thirdUid, rescheduleUid: newUid } });
    expect(bodies[5]).toMatchObject({
      payload: { uid: thirdUid, requestReschedule: false, cancelledBy: sam.email },
    });

    const page = await (await get(`/sim/bookings/${uid}`)).text();
    expect(page).toContain(`/sim/bookings/${newUid}`);
  });
});

describe("the checkout page", () => {
  let paymentCounter = 0;
  async function openSession() {
    paymentCounter += 1;
    const id = `00000000-0000-4000-8000-${String(paymentCounter).padStart(12, "0")}`;
    const session = await payments().createCheckoutSession({
      paymentId: id,
      consultationId: "11111111-1111-4111-8111-111111111111",
      advisorId: "demo|advisor-amira",
      amount: { amount: 15_000, currency: "USD" },
      description: "60-minute consultation with <Amira H.>",
      customerEmail: sam.email,
      expiresAt: new Date(Date.now() + 60 * 60_000),
      successUrl: "http://app.test/paid?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "javascript:alert(1)",
    });
    await takeDeliveries();
    return session;
  }

  it("shows the amount and description; pay sends checkout.session.completed (paid)", async () => {
    const session = await openSession();
    expect(session.url).toBe(`${config.publicApiUrl}/sim/checkout/${session.id}`);
    const open = await get(`/sim/checkout/${session.id}`);
    expect(open.status).toBe(200);
    const page = await open.text();
    expect(page).toContain("$150.00");
    expect(page).toContain("60-minute consultation with &lt;Amira H.&gt;");
    expect(page).toContain(`/sim/checkout/${session.id}/pay`);
    // A non-http link is never rendered.
    expect(page).not.toContain("javascript:");

    expect((await post(`/sim/checkout/${session.id}/pay`)).status).toBe(303);
    const paid = await (await get(`/sim/checkout/${session.id}`)).text();
    expect(paid).toContain("Paid");
    expect(paid).toContain(`http://app.test/paid?session_id=${session.id}`);
    expect((await post(`/sim/checkout/${session.id}/pay`)).status).toBe(409);

    const [delivery, ...rest] = await takeDeliveries();
    expect(rest).toEqual([]);
    expect(delivery).toMatchObject({
      provider: "stripe",
      body: {
        type: "checkout.session.completed",
        data: { object: { id: session.id, payment_status: "paid", amount_total: 15_000 } },
      },
    });
  });

  it("a chargeback is opened and lost from the page", async () => {
    const session = await openSession();
    await post(`/sim/checkout/${session.id}/pay`);
    const { chargeId } = await payments().retrieveCharge({
      paymentIntentId: (await payments().retrieveCheckoutSession(session.id)).paymentIntentId!,
    });
    await takeDeliveries();
    const opened = await post(`/sim/charges/${chargeId}/dispute`);
    expect(opened.status).toBe(303);
    expect(opened.headers.get("location")).toBe(`/sim/checkout/${session.id}`);
    expect((await post(`/sim/charges/${chargeId}/dispute`)).status).toBe(409);
    const [created] = await takeDeliveries();
    const disputeId = (created?.body.data as { object: { id: string } }).object.id;
    expect(created?.body.type).toBe("charge.dispute.created");

    const page = await (await get(`/sim/checkout/${session.id}`)).text();
    expect(page).toContain(`/sim/disputes/${disputeId}/close`);
    expect((await post(`/sim/disputes/${disputeId}/close`, { outcome: "maybe" })).status).toBe(400);
    expect((await post(`/sim/disputes/${disputeId}/close`, { outcome: "lost" })).status).toBe(303);
    expect((await post(`/sim/disputes/${disputeId}/close`, { outcome: "won" })).status).toBe(409);
    const [closed, ...rest] = await takeDeliveries();
    expect(rest).toEqual([]);
    expect(closed?.body).toMatchObject({
      type: "charge.dispute.closed",
      data: { object: { id: disputeId, status: "lost" } },
    });
  });

  it("fail sends completed (unpaid) then async_payment_failed; abandon sends expired", async () => {
    const failing = await openSession();
    const abandoned = await openSession();
    expect((await post(`/sim/checkout/${failing.id}/fail`)).status).toBe(303);
    expect((await post(`/sim/checkout/${abandoned.id}/abandon`)).status).toBe(303);
    expect(await (await get(`/sim/checkout/${abandoned.id}`)).text()).toContain("Expired");
    const list = await takeDeliveries();
    expect(
      list.map((d) => {
        const object = (d.body.data as { object: { id: string; payment_status: string } }).object;
        return [d.body.type, object.id, object.payment_status];
      }),
    ).toEqual([
      ["checkout.session.completed", failing.id, "unpaid"],
      ["checkout.session.async_payment_failed", failing.id, "unpaid"],
      ["checkout.session.expired", abandoned.id, "unpaid"],
    ]);
  });

  it("404 for unknown sessions, charges and disputes", async () => {
    expect((await get("/sim/checkout/cs_sim_unknown")).status).toBe(404);
    expect((await get("/sim/checkout/not-a-session")).status).toBe(404);
    expect((await post("/sim/checkout/cs_sim_unknown/pay")).status).toBe(404);
    expect((await post("/sim/charges/ch_sim_unknown/dispute")).status).toBe(404);
    expect((await post("/sim/disputes/dp_sim_unknown/close", { outcome: "won" })).status).toBe(404);
  });
});

describe("the pages in the viewer's language", () => {
  const htmlTag = (page: string) => /<html lang="([^"]+)" dir="([^"]+)">/.exec(page)?.slice(1);
  const ar = translator("ar");
  const fr = translator("fr");

  it("takes the locale from the link, then from Accept-Language, else English", async () => {
    const path = "/sim/book/amira%2Fconsultation?metadata%5BbookingToken%5D=v1.x";
    const arabic = await get(`${path}&locale=ar`);
    expect(arabic.headers.get("content-language")).toBe("ar");
    const arPage = await arabic.text();
    expect(htmlTag(arPage)).toEqual(["ar", "rtl"]);
    expect(arPage).toContain(`>${ar("simulator.booking.book")}</button>`);
    expect(arPage).toContain(ar("simulator.booking.yourTimeZone"));
    expect(arPage).toContain('<input type="hidden" name="locale" value="ar" />');
    // The advisor's name and zone are data, kept in their own direction.
    expect(arPage).toContain("<bdi>Africa/Cairo</bdi>");

    const french = await (
      await fetch(`${api.url}${path}`, { headers: { "accept-language": "fr-CA,fr;q=0.9" } })
    ).text();
    expect(htmlTag(french)).toEqual(["fr", "ltr"]);
    expect(french).toContain(`>${fr("simulator.booking.book")}</button>`);
    expect(french).toMatch(/<option value="now">\s*Commence maintenant/);

    // The link's locale wins over the browser's.
    const asked = await (
      await fetch(`${api.url}${path}&locale=ar-EG`, { headers: { "accept-language": "fr" } })
    ).text();
    expect(htmlTag(asked)).toEqual(["ar-EG", "rtl"]);

    for (const unknown of ["xx", "not a tag!", "tlh-Latn"]) {
      const page = await (await get(`${path}&locale=${encodeURIComponent(unknown)}`)).text();
      expect(htmlTag(page)).toEqual(["en", "ltr"]);
      expect(page).toContain(">Book</button>");
      expect(page).not.toContain('name="locale"');
    }
  });

  it("keeps the locale through a booking's form posts and redirects", async () => {
    const booked = await post("/sim/book/amira%2Fconsultation", {
      locale: "ar",
      bookingToken: "v1.token-from-prepare",
      name: sam.name,
      email: sam.email,
      timeZone: "America/New_York",
      start: slot(),
      duration: "60",
    });
    expect(booked.status).toBe(303);
    const location = booked.headers.get("location")!;
    expect(location).toMatch(/^\/sim\/bookings\/[A-Za-z0-9]{22}\?locale=ar$/);
    const uid = location.split("/").pop()!.split("?")[0]!;

    const page = await (await get(location)).text();
    expect(htmlTag(page)).toEqual(["ar", "rtl"]);
    expect(page).toContain(ar("simulator.booking.status.accepted"));
    expect(page).toContain(ar("simulator.booking.minutes", { count: 60 }));
    expect(page).toContain(`href="/sim/bookings/${uid}/pay?locale=ar"`);
    // Every form on the page posts the locale back.
    const forms = page.match(/<form[\s\S]*?<\/form>/g) ?? [];
    expect(forms.length).toBeGreaterThan(3);
    for (const form of forms) expect(form).toContain('name="locale" value="ar"');

    const cancelled = await post(`/sim/bookings/${uid}/cancel`, { locale: "ar", reason: "" });
    expect(cancelled.headers.get("location")).toBe(`/sim/bookings/${uid}?locale=ar`);
    const after = await (await get(cancelled.headers.get("location")!)).text();
    expect(after).toContain(ar("simulator.booking.status.cancelled"));

    // A refusal is a page in the same language.
    const again = await post(`/sim/bookings/${uid}/cancel`, { locale: "ar" });
    expect(again.status).toBe(409);
    const refused = await again.text();
    expect(htmlTag(refused)).toEqual(["ar", "rtl"]);
    expect(refused).toContain(ar("simulator.error.conflict"));
  });

  it("writes amounts and states in the locale and keeps it through Pay", async () => {
    const session = await payments().createCheckoutSession({
      paymentId: "00000000-0000-4000-8000-00000000a001",
      consultationId: "11111111-1111-4111-8111-111111111111",
      advisorId: "demo|advisor-amira",
      amount: { amount: 15_000, currency: "USD" },
      description: "60-minute consultation",
      customerEmail: sam.email,
      expiresAt: new Date(Date.now() + 60 * 60_000),
      successUrl: "http://app.test/paid?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "http://app.test/cancelled",
    });
    await takeDeliveries();
    const page = await (await get(`/sim/checkout/${session.id}?locale=ar`)).text();
    expect(htmlTag(page)).toEqual(["ar", "rtl"]);
    expect(page).toContain(`<bdi>${formatMoney({ amount: 15_000, currency: "USD" }, "ar")}</bdi>`);
    expect(page).toContain(ar("simulator.checkout.state.open"));
    expect(page).toContain(`<bdi>${sam.email}</bdi>`);

    const paid = await post(`/sim/checkout/${session.id}/pay`, { locale: "de" });
    expect(paid.headers.get("location")).toBe(`/sim/checkout/${session.id}?locale=de`);
    const german = await (await get(paid.headers.get("location")!)).text();
    expect(htmlTag(german)).toEqual(["de", "ltr"]);
    expect(german).toContain(translator("de")("simulator.checkout.state.paid"));
    expect(german).toContain(formatMoney({ amount: 15_000, currency: "USD" }, "de"));
    await takeDeliveries();
  });

  it("an error page speaks the locale too", async () => {
    const res = await get("/sim/bookings/doesNotExist123?locale=fr");
    expect(res.status).toBe(404);
    const page = await res.text();
    expect(htmlTag(page)).toEqual(["fr", "ltr"]);
    expect(page).toContain(fr("simulator.booking.noSuchBooking"));
  });
});
