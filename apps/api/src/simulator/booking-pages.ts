import type { SimBooking, SimulatedScheduling } from "@an/billing";
import { type Db, findCheckoutForBooking, findUserZoneByEmail } from "@an/db";
import { type Request, type Response, Router } from "express";
import { z } from "zod";
import { text } from "../routers/schemas";
import { html, type SafeHtml, sendError, sendPage } from "./html";
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
    pageAction(async (req, res) => {
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
        return sendError(res, 400, "The booking link is malformed.");
      }
      const organizer = await findOrganizerForEventType(db, eventType.data);
      if (!organizer) {
        return sendError(res, 404, `No advisor offers the event type “${eventType.data}”.`);
      }
      const booker = query.data.email
        ? await findUserZoneByEmail(db, { email: query.data.email })
        : null;
      const busy = await scheduling.busyIntervals(organizer.email);
      const days = slotDays({ timeZone: organizer.timeZone, now: now(), busy });
      sendPage(
        res,
        200,
        `Book ${organizer.name}`,
        html`<p>
            Event type <code>${eventType.data}</code> · times in ${organizer.name}’s time zone,
            <strong>${organizer.timeZone}</strong>.
          </p>
          ${query.data.bookingToken ? "" : html`<p class="error">This link carries no booking token: the platform will refuse the booking (useful for testing that).</p>`}
          <form method="post" action="/sim/book/${encodeURIComponent(eventType.data)}">
            <input type="hidden" name="bookingToken" value="${query.data.bookingToken ?? ""}" />
            <label
              >Your name
              <input
                type="text"
                name="name"
                required
                maxlength="200"
                value="${query.data.name ?? ""}"
            /></label>
            <label
              >Your email
              <input
                type="email"
                name="email"
                required
                maxlength="320"
                value="${query.data.email ?? ""}"
            /></label>
            <label
              >Your time zone
              <input type="text" name="timeZone" required value="${booker?.timeZone ?? "UTC"}"
            /></label>
            <label>Start ${slotSelect("start", days)}</label>
            <fieldset>
              <legend>Length</legend>
              ${DURATIONS.map((d) => html`<label><input type="radio" name="duration" value="${d}" ${d === "60" ? html` checked` : ""} /> ${d} minutes</label>`)}
            </fieldset>
            <p><button class="primary" type="submit">Book</button></p>
          </form>`,
      );
    }),
  );

  router.post(
    "/sim/book/:eventType",
    form,
    pageAction(async (req, res) => {
      const eventType = eventTypeParam.safeParse(req.params.eventType);
      const input = bookForm.safeParse(req.body);
      if (!eventType.success) return sendError(res, 400, "Malformed event type.");
      if (!input.success) return sendError(res, 400, formError(input.error));
      const organizer = await findOrganizerForEventType(db, eventType.data);
      if (!organizer) {
        return sendError(res, 404, `No advisor offers the event type “${eventType.data}”.`);
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
      res.redirect(303, bookingHref(booking.uid));
    }),
  );

  router.get(
    "/sim/bookings/:uid",
    pageAction(async (req, res) => {
      const uid = uidParam.safeParse(req.params.uid);
      const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
      if (!booking) return sendError(res, 404, "No such booking.");
      const busy = (await scheduling.busyIntervals(booking.organizer.email)).filter(
        (b) => b.uid !== booking.uid,
      );
      const days = slotDays({ timeZone: booking.organizer.timeZone, now: now(), busy });
      sendPage(res, 200, booking.title, bookingView(booking, slotSelect("start", days)));
    }),
  );

  // What a client does right after booking: pay. Our platform makes the Checkout Session
  // when it processes BOOKING_CREATED, a moment after the booking; until then this page
  // waits and reloads itself.
  router.get(
    "/sim/bookings/:uid/pay",
    pageAction(async (req, res) => {
      const uid = uidParam.safeParse(req.params.uid);
      const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
      if (!booking) return sendError(res, 404, "No such booking.");
      const found = await findCheckoutForBooking(db, { bookingUid: booking.uid, now: now() });
      if (found?.checkoutUrl) return res.redirect(303, found.checkoutUrl);
      const back = html`<p><a href="${bookingHref(booking.uid)}">Back to the booking</a></p>`;
      if (found) {
        return sendPage(
          res,
          200,
          "Nothing to pay",
          html`<p>
              The consultation is <span class="status">${found.status}</span>: there is no payment
              waiting.
            </p>
            ${back}`,
        );
      }
      res.set("Refresh", "2");
      sendPage(
        res,
        200,
        "Preparing your payment",
        html`<p>
            The platform is processing your booking (its BOOKING_CREATED webhook). This page reloads
            by itself and opens the checkout as soon as it is ready.
          </p>
          <p class="muted">
            A booking whose link carried no valid booking token is refused by the platform, and then
            no checkout ever comes.
          </p>
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
      pageAction(async (req: Request, res: Response) => {
        const uid = uidParam.safeParse(req.params.uid);
        const booking = uid.success ? await scheduling.getBooking(uid.data) : null;
        if (!booking) return sendError(res, 404, "No such booking.");
        const input = schema.safeParse(req.body ?? {});
        if (!input.success) {
          return sendError(res, 400, formError(input.error), {
            href: bookingHref(booking.uid),
            label: "Back to the booking",
          });
        }
        const after = await run(booking, input.data);
        res.redirect(303, bookingHref(after.uid));
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

function formError(error: z.ZodError): string {
  const fields = error.issues.map((i) => `${i.path.join(".") || "form"}: ${i.message}`);
  return `The form is not valid: ${fields.join("; ")}.`;
}

function slotSelect(name: string, days: ReturnType<typeof slotDays>): SafeHtml {
  return html`<select name="${name}" required>
    ${days.map(
      (day) =>
        html`<optgroup label="${day.label}">
          ${day.slots.map(
            (s) =>
              html`<option value="${s.value}" ${s.taken ? html` disabled` : ""}>
                ${s.label}${s.taken ? " (taken)" : ""}
              </option>`,
          )}
        </optgroup>`,
    )}
    <optgroup label="For testing">
      <option value="now">Starting now (when you book), so it can be ended at once</option>
      <option value="soon">In 5 minutes (from when you book)</option>
    </optgroup>
  </select>`;
}

function bookingView(b: SimBooking, startSelect: SafeHtml): SafeHtml {
  const attendee = b.attendees[0];
  const start = new Date(b.startTime);
  const end = new Date(b.endTime);
  const live = b.status === "accepted";
  const movable = !b.rescheduledToUid && (live || b.requestReschedule);
  const action = (path: string) => `${bookingHref(b.uid)}/${path}`;
  // Booked through the platform's link: the client's next step is paying for it.
  const payable = live && !b.rescheduledToUid && Boolean(b.metadata.bookingToken);
  return html`${
      payable
        ? html`<p class="next">
            Booked. Next step:
            <a class="primary" href="${action("pay")}">Continue to payment</a>
          </p>`
        : ""
    }
    <p>
      <span class="status">${b.status}</span
      >${b.requestReschedule ? " · the host asked for a new time" : ""}${attendee?.noShow ? " · attendee marked as no-show" : ""}
    </p>
    <dl>
      <dt>Uid</dt>
      <dd><code>${b.uid}</code> (booking ${b.id}, event type ${b.eventTypeId})</dd>
      <dt>Host</dt>
      <dd>${b.organizer.name} &lt;${b.organizer.email}&gt;</dd>
      <dt>Attendee</dt>
      <dd>${attendee ? html`${attendee.name} &lt;${attendee.email}&gt;` : "none"}</dd>
      <dt>Host’s time</dt>
      <dd>
        ${formatInZone(start, b.organizer.timeZone)} – ${formatInZone(end, b.organizer.timeZone)}
      </dd>
      ${
        attendee
          ? html`<dt>Attendee’s time</dt>
              <dd>${formatInZone(start, attendee.timeZone)}</dd>`
          : ""
      }
      <dt>Length</dt>
      <dd>${b.length} minutes</dd>
      <dt>Booking token</dt>
      <dd>${b.metadata.bookingToken ? html`<code>${b.metadata.bookingToken}</code>` : "none"}</dd>
      ${
        b.fromReschedule
          ? html`<dt>Moved from</dt>
              <dd><a href="${bookingHref(b.fromReschedule)}">${b.fromReschedule}</a></dd>`
          : ""
      }
      ${
        b.rescheduledToUid
          ? html`<dt>Moved to</dt>
              <dd><a href="${bookingHref(b.rescheduledToUid)}">${b.rescheduledToUid}</a></dd>`
          : ""
      }
      ${
        b.cancelledBy
          ? html`<dt>Cancelled by</dt>
              <dd>
                ${b.cancelledBy}${b.cancellationReason ? html` — “${b.cancellationReason}”` : ""}
              </dd>`
          : ""
      }
    </dl>
    ${
      movable
        ? html`<h2>Reschedule</h2>
            <form method="post" action="${action("reschedule")}">
              <label>New start (host’s time zone) ${startSelect}</label>
              <label
                >Who moves it
                <select name="by">
                  <option value="attendee">the attendee</option>
                  <option value="organizer">the host</option>
                </select></label
              >
              <label>Reason <input type="text" name="reason" maxlength="500" /></label>
              <button class="primary" type="submit">Reschedule</button>
            </form>`
        : ""
    }
    ${
      live
        ? html`<h2>As the attendee</h2>
            <form method="post" action="${action("cancel")}">
              <label>Reason <input type="text" name="reason" maxlength="500" /></label>
              <button class="danger" type="submit">Cancel the booking</button>
            </form>
            <h2>As the host</h2>
            <form method="post" action="${action("request-reschedule")}">
              <label>Reason <input type="text" name="reason" maxlength="500" /></label>
              <button type="submit">Request a reschedule</button>
            </form>
            <form class="inline" method="post" action="${action("no-show")}">
              <input type="hidden" name="noShow" value="${attendee?.noShow ? "false" : "true"}" />
              <button type="submit">
                ${attendee?.noShow ? "Unmark the attendee as no-show" : "Mark the attendee as no-show"}
              </button>
            </form>
            <h2>Clock</h2>
            <form class="inline" method="post" action="${action("end")}">
              <button type="submit">End the meeting now (MEETING_ENDED)</button>
            </form>
            <p class="muted">
              Cal.com sends MEETING_ENDED by clock at the scheduled end; this sends it at once, with
              the booking’s own times.
            </p>`
        : ""
    }`;
}
