import type { SimBooking, SimulatedScheduling } from "@an/billing";
import { type Db, findCheckoutForBooking, findUserZoneByEmail } from "@an/db";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { text } from "../routers/schemas";
import { html, type Page, type SafeHtml, sendError, sendPage } from "./html";
import { findOrganizerForEventType } from "./organizer";
import { formatInZone, isTimeZone, slotDays } from "./time";
import { type FormParser, pageAction } from "./page-action";

export type BookingPageDeps = {
  db: Db;
  scheduling: SimulatedScheduling;
  now: () => Date;
  form: FormParser;
};

/** Lengths the simulated event types offer (Cal.com's "multiple durations"). */
const DURATIONS = ["30", "60", "90"] as const;

const eventTypeParam = text().trim().min(1).max(200);
const uidParam = z.string().regex(/^[A-Za-z0-9]{1,64}$/);
const optionalText = (max: number) =>
  text()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : null));

const linkQuery = z.object({
  bookingToken: optionalText(2000),
  name: optionalText(200),
  email: optionalText(320),
});

/**
 * The testing starts are sent as words, not times: the page may have been open for a while,
 * and a time fixed when it was drawn would be in the past by the time it is submitted.
 */
const RELATIVE_STARTS = ["now", "soon"] as const;
type RelativeStart = (typeof RELATIVE_STARTS)[number];
const startField = z.union([z.iso.datetime({ offset: true }), z.enum(RELATIVE_STARTS)]);

/**
 * The start a form asked for, resolved at `now` (when the form is submitted): "now" is this
 * minute, so the meeting can be ended at once; "soon" is about five minutes away.
 */
export function resolveStart(start: string, now: Date): Date {
  switch (start as RelativeStart) {
    case "now":
      return new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    case "soon":
      return new Date(Math.ceil((now.getTime() + 5 * 60_000) / 60_000) * 60_000);
    default:
      return new Date(start);
  }
}

const bookForm = z.object({
  bookingToken: optionalText(2000),
  name: text().trim().min(1).max(200),
  email: z.email().max(320),
  timeZone: text().trim().min(1).max(100).refine(isTimeZone, "unknown time zone"),
  start: startField,
  duration: z.enum(DURATIONS),
});
const rescheduleForm = z.object({
  start: startField,
  by: z.enum(["attendee", "organizer"]).default("attendee"),
  reason: optionalText(500),
});
const reasonForm = z.object({ reason: optionalText(500) });
const noShowForm = z.object({ noShow: z.enum(["true", "false"]) });

const bookingHref = (uid: string) => `/sim/bookings/${encodeURIComponent(uid)}`;

/**
 * The simulated Cal.com pages: a booking page per event type (what the booking link opens)
 * and a page per booking with what a client or host can do to it on Cal.com. Every action
 * makes the simulated scheduler send its Cal.com-shaped webhook to our own route.
 */
export function bookingPages(deps: BookingPageDeps): Router {
  const router = Router();
  const { db, scheduling, now, form } = deps;

  router.get(
    "/sim/book/:eventType",
    pageAction(async (req, res, page) => {
      const { t } = page;
      const eventType = eventTypeParam.safeParse(req.params.eventType);
      // Read from the raw URL: the key `metadata[bookingToken]` must not depend on the
      // query parser's bracket handling.
      const params = new URL(req.originalUrl, "http://sim.invalid").searchParams;
      const query = linkQuery.safeParse({
        bookingToken: params.get("metadata[bookingToken]") ?? undefined,
        name: params.get("name") ?? undefined,
        email: params.get("email") ?? undefined,
      });
      if (!eventType.success || !query.success) {
        return sendError(res, page, 400, t("simulator.booking.malformedLink"));
      }
      const organizer = await findOrganizerForEventType(db, eventType.data);
      if (!organizer) {
        return sendError(res, page, 404, noAdvisor(page, eventType.data));
      }
      const booker = query.data.email
        ? await findUserZoneByEmail(db, { email: query.data.email })
        : null;
      const busy = await scheduling.busyIntervals(organizer.email);
      const days = slotDays({
        timeZone: organizer.timeZone,
        now: now(),
        busy,
        locale: page.locale,
      });
      sendPage(
        res,
        page,
        200,
        t("simulator.booking.bookTitle", { name: organizer.name }),
        html`<p>
            ${page.tx("simulator.booking.intro", {
              eventType: html`<code>${eventType.data}</code>`,
              name: html`<bdi>${organizer.name}</bdi>`,
              timeZone: html`<strong><bdi>${organizer.timeZone}</bdi></strong>`,
            })}
          </p>
          ${query.data.bookingToken ? "" : html`<p class="error">${t("simulator.booking.noToken")}</p>`}
          <form method="post" action="/sim/book/${encodeURIComponent(eventType.data)}">
            ${page.field}
            <input type="hidden" name="bookingToken" value="${query.data.bookingToken ?? ""}" />
            <label
              >${t("simulator.booking.yourName")}
              <input
                type="text"
                name="name"
                required
                maxlength="200"
                autocomplete="name"
                value="${query.data.name ?? ""}"
            /></label>
            <label
              >${t("simulator.booking.yourEmail")}
              <input
                type="email"
                name="email"
                required
                maxlength="320"
                autocomplete="email"
                dir="ltr"
                value="${query.data.email ?? ""}"
            /></label>
            <label
              >${t("simulator.booking.yourTimeZone")}
              <input
                type="text"
                name="timeZone"
                required
                dir="ltr"
                value="${booker?.timeZone ?? "UTC"}"
            /></label>
            <label>${t("simulator.booking.start")} ${slotSelect(page, "start", days)}</label>
            <fieldset>
              <legend>${t("simulator.booking.length")}</legend>
              ${DURATIONS.map((d) => html`<label><input type="radio" name="duration" value="${d}" ${d === "60" ? html` checked` : ""} /> ${t("simulator.booking.minutes", { count: Number(d) })}</label>`)}
            </fieldset>
            <p><button class="primary" type="submit">${t("simulator.booking.book")}</button></p>
          </form>`,
        {
          heading: page.tx("simulator.booking.bookTitle", {
            name: html`<bdi>${organizer.name}</bdi>`,
          }),
        },
      );
    }),
  );

  router.post(
    "/sim/book/:eventType",
    form,
    pageAction(async (req, res, page) => {
      const eventType = eventTypeParam.safeParse(req.params.eventType);
      const input = bookForm.safeParse(req.body);
      if (!eventType.success) {
        return sendError(res, page, 400, page.t("simulator.booking.malformedEventType"));
      }
      if (!input.success) return sendError(res, page, 400, formError(page, input.error));
      const organizer = await findOrganizerForEventType(db, eventType.data);
      if (!organizer) {
        return sendError(res, page, 404, noAdvisor(page, eventType.data));
      }
      const booker = await findUserZoneByEmail(db, { email: input.data.email });
      const booking = await scheduling.createBooking({
        eventType: eventType.data,
        token: input.data.bookingToken,
        name: input.data.name,
        email: input.data.email,
        timeZone: input.data.timeZone,
        locale: booker?.locale ?? "en",
        startTime: resolveStart(input.data.start, now()),
        durationMinutes: Number(input.data.duration),
        organizer,
      });
      res.redirect(303, page.href(bookingHref(booking.uid)));
    }),
  );

  router.get(
    "/sim/bookings/:uid",
    pageAction(async (req, res, page) => {
      const uid = uidParam.safeParse(req.params.uid);
      const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
      if (!booking) return sendError(res, page, 404, page.t("simulator.booking.noSuchBooking"));
      const busy = (await scheduling.busyIntervals(booking.organizer.email)).filter(
        (b) => b.uid !== booking.uid,
      );
      const days = slotDays({
        timeZone: booking.organizer.timeZone,
        now: now(),
        busy,
        locale: page.locale,
      });
      sendPage(
        res,
        page,
        200,
        booking.title,
        bookingView(page, booking, slotSelect(page, "start", days)),
        { heading: html`<bdi>${booking.title}</bdi>` },
      );
    }),
  );

  // What a client does right after booking: pay. Our platform makes the Checkout Session
  // when it processes BOOKING_CREATED, a moment after the booking; until then this page
  // waits and reloads itself.
  router.get(
    "/sim/bookings/:uid/pay",
    pageAction(async (req, res, page) => {
      const { t } = page;
      const uid = uidParam.safeParse(req.params.uid);
      const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
      if (!booking) return sendError(res, page, 404, t("simulator.booking.noSuchBooking"));
      const found = await findCheckoutForBooking(db, { bookingUid: booking.uid, now: now() });
      if (found?.checkoutUrl) return res.redirect(303, page.href(found.checkoutUrl));
      const back = html`<p>
        <a href="${page.href(bookingHref(booking.uid))}">${t("simulator.booking.backToBooking")}</a>
      </p>`;
      if (found) {
        return sendPage(
          res,
          page,
          200,
          t("simulator.booking.nothingToPay"),
          html`<p>
              ${page.tx("simulator.booking.nothingToPayText", {
                status: html`<span class="status"><bdi>${found.status}</bdi></span>`,
              })}
            </p>
            ${back}`,
        );
      }
      res.set("Refresh", "2");
      sendPage(
        res,
        page,
        200,
        t("simulator.booking.preparing"),
        html`<p>${t("simulator.booking.preparingText")}</p>
          <p class="muted">${t("simulator.booking.preparingNoToken")}</p>
          ${back}`,
      );
    }),
  );

  /** One POST per action; each answers with the booking's page (the new one for a move). */
  const act = <S extends z.ZodType>(
    path: string,
    schema: S,
    run: (booking: SimBooking, input: z.output<S>) => Promise<SimBooking>,
  ) =>
    router.post(
      `/sim/bookings/:uid/${path}`,
      form,
      pageAction(async (req: Request, res: Response, page: Page) => {
        const uid = uidParam.safeParse(req.params.uid);
        const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
        if (!booking) return sendError(res, page, 404, page.t("simulator.booking.noSuchBooking"));
        const input = schema.safeParse(req.body ?? {});
        if (!input.success) {
          return sendError(res, page, 400, formError(page, input.error), {
            href: bookingHref(booking.uid),
            label: page.t("simulator.booking.backToBooking"),
          });
        }
        const after = await run(booking, input.data);
        res.redirect(303, page.href(bookingHref(after.uid)));
      }),
    );

  act("reschedule", rescheduleForm, (b, input) =>
    scheduling.rescheduleBooking(b.uid, resolveStart(input.start, now()), {
      by: input.by,
      reason: input.reason,
    }),
  );
  act("cancel", reasonForm, (b, input) => scheduling.cancelAsAttendee(b.uid, input.reason));
  act("request-reschedule", reasonForm, (b, input) =>
    scheduling.requestReschedule(b.uid, input.reason),
  );
  act("no-show", noShowForm, (b, input) => scheduling.markNoShow(b.uid, input.noShow === "true"));
  act("end", z.object({}), (b) => scheduling.endMeeting(b.uid));

  return router;
}

function noAdvisor(page: Page, eventType: string): SafeHtml {
  return page.tx("simulator.booking.noAdvisor", { eventType: html`<bdi>${eventType}</bdi>` });
}

/** Zod's own wording stays English (it names fields); the sentence around it is translated. */
function formError(page: Page, error: z.ZodError): SafeHtml {
  const fields = error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`);
  return page.tx("simulator.common.formInvalid", {
    fields: html`<bdi lang="en" dir="ltr">${fields.join("; ")}</bdi>`,
  });
}

function slotSelect(page: Page, name: string, days: ReturnType<typeof slotDays>): SafeHtml {
  const { t } = page;
  return html`<select name="${name}" required>
    ${days.map(
      (day) =>
        html`<optgroup label="${day.label}">
          ${day.slots.map(
            (s) =>
              html`<option value="${s.value}" ${s.taken ? html` disabled` : ""}>
                ${s.taken ? t("simulator.booking.slotTaken", { time: s.label }) : s.label}
              </option>`,
          )}
        </optgroup>`,
    )}
    <optgroup label="${t("simulator.booking.forTesting")}">
      <option value="now">${t("simulator.booking.startNow")}</option>
      <option value="soon">${t("simulator.booking.startSoon")}</option>
    </optgroup>
  </select>`;
}

const BOOKING_STATUSES = ["accepted", "cancelled", "rejected", "pending"];

function statusLabel(page: Page, status: string): SafeHtml {
  return BOOKING_STATUSES.includes(status)
    ? html`${page.t(`simulator.booking.status.${status}`)}`
    : html`<bdi>${status}</bdi>`;
}

function bookingView(page: Page, b: SimBooking, startSelect: SafeHtml): SafeHtml {
  const { t } = page;
  const attendee = b.attendees[0];
  const start = new Date(b.startTime);
  const end = new Date(b.endTime);
  const live = b.status === "accepted";
  const movable = !b.rescheduledToUid && (live || b.requestReschedule);
  const action = (path: string) => `${bookingHref(b.uid)}/${path}`;
  const when = (at: Date, zone: string) => html`<bdi>${formatInZone(at, zone, page.locale)}</bdi>`;
  const person = (name: string, email: string) =>
    html`<bdi>${name}</bdi> <bdi dir="ltr">&lt;${email}&gt;</bdi>`;
  const link = (uid: string) =>
    html`<a href="${page.href(bookingHref(uid))}"><bdi>${uid}</bdi></a>`;
  // Booked through the platform's link: the client's next step is paying for it.
  const payable = live && !b.rescheduledToUid && Boolean(b.metadata.bookingToken);
  const reasonField = (id: string) =>
    html`<label for="${id}">${t("simulator.booking.reason")}</label>
      <input id="${id}" type="text" name="reason" maxlength="500" />`;
  return html`${
      payable
        ? html`<p class="next">
            ${t("simulator.booking.booked")}
            <a class="primary" href="${page.href(action("pay"))}"
              >${t("simulator.booking.continueToPayment")}</a
            >
          </p>`
        : ""
    }
    <p>
      <span class="status">${statusLabel(page, b.status)}</span
      >${b.requestReschedule ? html` · ${t("simulator.booking.hostAskedNewTime")}` : ""}${attendee?.noShow ? html` · ${t("simulator.booking.markedNoShow")}` : ""}
    </p>
    <dl>
      <dt>${t("simulator.booking.uid")}</dt>
      <dd>
        <code>${b.uid}</code>
        ${page.tx("simulator.booking.ids", {
          id: html`<bdi>${b.id}</bdi>`,
          eventType: html`<bdi>${b.eventTypeId}</bdi>`,
        })}
      </dd>
      <dt>${t("simulator.booking.host")}</dt>
      <dd>${person(b.organizer.name, b.organizer.email)}</dd>
      <dt>${t("simulator.booking.attendee")}</dt>
      <dd>${attendee ? person(attendee.name, attendee.email) : t("simulator.common.none")}</dd>
      <dt>${t("simulator.booking.hostTime")}</dt>
      <dd>${when(start, b.organizer.timeZone)} – ${when(end, b.organizer.timeZone)}</dd>
      ${
        attendee
          ? html`<dt>${t("simulator.booking.attendeeTime")}</dt>
              <dd>${when(start, attendee.timeZone)}</dd>`
          : ""
      }
      <dt>${t("simulator.booking.length")}</dt>
      <dd>${t("simulator.booking.minutes", { count: b.length })}</dd>
      <dt>${t("simulator.booking.token")}</dt>
      <dd>
        ${b.metadata.bookingToken ? html`<code>${b.metadata.bookingToken}</code>` : t("simulator.common.none")}
      </dd>
      ${
        b.fromReschedule
          ? html`<dt>${t("simulator.booking.movedFrom")}</dt>
              <dd>${link(b.fromReschedule)}</dd>`
          : ""
      }
      ${
        b.rescheduledToUid
          ? html`<dt>${t("simulator.booking.movedTo")}</dt>
              <dd>${link(b.rescheduledToUid)}</dd>`
          : ""
      }
      ${
        b.cancelledBy
          ? html`<dt>${t("simulator.booking.cancelledBy")}</dt>
              <dd>
                <bdi>${b.cancelledBy}</bdi
                >${b.cancellationReason ? html` — “<bdi>${b.cancellationReason}</bdi>”` : ""}
              </dd>`
          : ""
      }
    </dl>
    ${
      movable
        ? html`<h2>${t("simulator.booking.reschedule")}</h2>
            <form method="post" action="${action("reschedule")}">
              ${page.field}
              <label>${t("simulator.booking.newStart")} ${startSelect}</label>
              <label
                >${t("simulator.booking.whoMoves")}
                <select name="by">
                  <option value="attendee">${t("simulator.booking.byAttendee")}</option>
                  <option value="organizer">${t("simulator.booking.byHost")}</option>
                </select></label
              >
              ${reasonField("reschedule-reason")}
              <p>
                <button class="primary" type="submit">${t("simulator.booking.reschedule")}</button>
              </p>
            </form>`
        : ""
    }
    ${
      live
        ? html`<h2>${t("simulator.booking.asAttendee")}</h2>
            <form method="post" action="${action("cancel")}">
              ${page.field} ${reasonField("cancel-reason")}
              <p><button class="danger" type="submit">${t("simulator.booking.cancel")}</button></p>
            </form>
            <h2>${t("simulator.booking.asHost")}</h2>
            <form method="post" action="${action("request-reschedule")}">
              ${page.field} ${reasonField("request-reason")}
              <p><button type="submit">${t("simulator.booking.requestReschedule")}</button></p>
            </form>
            <form class="inline" method="post" action="${action("no-show")}">
              ${page.field}
              <input type="hidden" name="noShow" value="${attendee?.noShow ? "false" : "true"}" />
              <button type="submit">
                ${attendee?.noShow ? t("simulator.booking.unmarkNoShow") : t("simulator.booking.markNoShow")}
              </button>
            </form>
            <h2>${t("simulator.booking.clock")}</h2>
            <form class="inline" method="post" action="${action("end")}">
              ${page.field}
              <button type="submit">${t("simulator.booking.endNow")}</button>
            </form>
            <p class="muted">${t("simulator.booking.endNowHint")}</p>`
        : ""
    }`;
}
