import { z } from "zod";
import type { BillingConfig } from "../config";
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type SchedulingBooking,
  type SchedulingPort,
} from "../ports";
import { parseRetryAfter, resolveRetryOptions, type RetryOptions, withRetries } from "../retry";
import * as calcomWire from "../wire/calcom";

/** The bookings endpoints' version; without the header Cal.com serves an older shape. */
export const CALCOM_BOOKINGS_API_VERSION = "2024-08-13";

/** Bookings per page when listing (Cal.com allows 1–250, default 100). */
const PAGE_SIZE = 100;
/** A runaway guard: 1000 pages of 100 is far beyond one reconciliation window. */
const MAX_PAGES = 1000;
/**
 * Cal.com filters by `beforeEnd`, we want bookings by their start; asking for ends up to a
 * day past the window catches every booking that starts inside it, the rest is cut here.
 */
const END_SLACK_MS = 24 * 60 * 60 * 1000;

export type CalcomSchedulingOptions = {
  /** In-process retries per request (defaults: 3 attempts, 250 ms base, 5 s cap). */
  retry?: Partial<RetryOptions>;
  /** Per-request timeout in ms (default 20 s). */
  timeoutMs?: number;
  /** Bookings per page when listing (1–250). */
  pageSize?: number;
};

/** A refusal from Cal.com, with its HTTP status for the callers that care (cancel). */
class CalcomRejectedError extends ProviderRejectedError {
  readonly status: number;
  constructor(message: string, status: number, cause?: unknown) {
    super(message, { cause, code: `http_${status}` });
    this.status = status;
  }
}

const errorBody = z
  .object({
    message: z.unknown().optional(),
    error: z
      .union([z.string(), z.object({ code: z.unknown(), message: z.unknown() }).partial()])
      .optional(),
  })
  .partial();

/** Cal.com's error text: `{status:"error", error:{code, message}}` in v2, best effort. */
function errorMessage(body: unknown, fallback: string): string {
  const parsed = errorBody.safeParse(body);
  if (!parsed.success) return fallback;
  const { error, message } = parsed.data;
  const text =
    typeof error === "object" && typeof error.message === "string"
      ? error.message
      : typeof error === "string"
        ? error
        : typeof message === "string"
          ? message
          : null;
  return text ?? fallback;
}

/** Booking metadata is string to string in Cal.com; anything else is kept as JSON text. */
function stringMetadata(
  metadata: Record<string, unknown> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (value === null || value === undefined) continue;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}

/** Maps one listed booking; a booking we can't read is an error, never silently skipped. */
export function toSchedulingBooking(raw: unknown): SchedulingBooking {
  const parsed = calcomWire.apiBooking.safeParse(raw);
  if (!parsed.success) {
    const uid = z.object({ uid: z.string() }).safeParse(raw);
    throw new ProviderRejectedError(
      `Cal.com returned a booking we can't read (${uid.success ? uid.data.uid : "no uid"}): ${parsed.error.message}`,
      { code: "unexpected_response", cause: parsed.error },
    );
  }
  const b = parsed.data;
  return {
    uid: b.uid,
    status: b.status,
    startTime: new Date(b.start),
    endTime: new Date(b.end),
    eventTypeId: b.eventType?.id ?? b.eventTypeId ?? null,
    metadata: stringMetadata(b.metadata),
    attendees: (b.attendees ?? []).map((a) => ({
      email: a.email ?? "",
      name: a.name ?? "",
      timeZone: a.timeZone ?? null,
    })),
    rescheduledFromUid: b.rescheduledFromUid ?? b.fromReschedule ?? null,
  };
}

/**
 * The client's booking page: the advisor's event type (`username/slug`, or a full booking
 * URL) under the booking base URL, with our booking token in `metadata[bookingToken]` (Cal.com
 * copies `metadata[...]` query parameters onto the booking) and name and email prefilled.
 */
export function calcomBookingUrl(
  bookingBaseUrl: string,
  input: { eventType: string; bookingToken: string; name?: string | null; email?: string | null },
): string {
  const eventType = input.eventType.trim();
  const url = /^https?:\/\//i.test(eventType)
    ? new URL(eventType)
    : new URL(
        `${bookingBaseUrl.replace(/\/$/, "")}/${eventType
          .replace(/^\/+|\/+$/g, "")
          .split("/")
          .map(encodeURIComponent)
          .join("/")}`,
      );
  url.searchParams.set("metadata[bookingToken]", input.bookingToken);
  if (input.name) url.searchParams.set("name", input.name);
  if (input.email) url.searchParams.set("email", input.email);
  return url.toString();
}

/**
 * The real scheduler: Cal.com API v2 over fetch (`Authorization: Bearer <key>`,
 * `cal-api-version: 2024-08-13`). 5xx, 429 and network failures are retried in-process and
 * then surface as `ProviderUnavailableError`; other 4xx are `ProviderRejectedError` with
 * code `http_<status>`.
 */
export function createCalcomScheduling(
  config: BillingConfig,
  options: CalcomSchedulingOptions = {},
): SchedulingPort {
  const apiKey = config.calcom.apiKey;
  if (!apiKey) throw new Error("The real Cal.com adapter needs CALCOM_API_KEY.");
  const apiUrl = config.calcom.apiUrl.replace(/\/$/, "");
  const retry = resolveRetryOptions(options.retry);
  const timeoutMs = options.timeoutMs ?? 20_000;
  const pageSize = options.pageSize ?? PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 250) {
    throw new Error(`Cal.com page size must be 1–250, got ${pageSize}`);
  }

  async function attempt(
    method: "GET" | "POST",
    path: string,
    what: string,
    body: unknown,
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${apiKey}`,
          "cal-api-version": CALCOM_BOOKINGS_API_VERSION,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      // Refused or dropped connections, DNS failures and our own timeout.
      throw new ProviderUnavailableError(`Cal.com ${what} failed: no response`, { cause: error });
    }
    const text = await response.text().catch(() => "");
    let json: unknown = null;
    try {
      json = text ? (JSON.parse(text) as unknown) : null;
    } catch {
      json = null;
    }
    if (response.ok) {
      if (json === null) {
        throw new ProviderUnavailableError(`Cal.com ${what}: the response was not JSON`);
      }
      return json;
    }
    const message = `Cal.com ${what} failed (${response.status}): ${errorMessage(json, response.statusText)}`;
    if (response.status >= 500 || response.status === 429 || response.status === 408) {
      throw new ProviderUnavailableError(message, {
        retryAfterSeconds: parseRetryAfter(response.headers.get("retry-after")),
        kind: response.status === 429 ? "throttled" : "outcome_unknown",
      });
    }
    throw new CalcomRejectedError(message, response.status);
  }

  const request = (method: "GET" | "POST", path: string, what: string, body?: unknown) =>
    withRetries(retry, () => attempt(method, path, what, body));

  const bookingPath = (uid: string) => `/v2/bookings/${encodeURIComponent(uid)}`;

  /** Whether the booking is already off the calendar (cancelled, or rejected by the host). */
  async function isAlreadyClosed(uid: string): Promise<boolean> {
    const parsed = calcomWire.apiSingle.safeParse(
      await request("GET", bookingPath(uid), "reading booking"),
    );
    if (!parsed.success) return false;
    // A recurring booking's uid returns every occurrence.
    const items = Array.isArray(parsed.data.data) ? parsed.data.data : [parsed.data.data];
    return (
      items.length > 0 &&
      items.every((item) => {
        const status = z.object({ status: z.string() }).safeParse(item);
        return (
          status.success && ["cancelled", "rejected"].includes(status.data.status.toLowerCase())
        );
      })
    );
  }

  return {
    mode: "real",

    bookingUrl: (input) => calcomBookingUrl(config.calcom.bookingBaseUrl, input),

    async cancelBooking({ bookingUid, reason }) {
      try {
        await request("POST", `${bookingPath(bookingUid)}/cancel`, "cancelling booking", {
          cancellationReason: reason,
        });
      } catch (error) {
        // Cal.com answers 400 "This booking has already been cancelled." to a second cancel;
        // rather than trust the wording, read the booking and accept it if it is closed.
        if (!(error instanceof CalcomRejectedError) || ![400, 409].includes(error.status))
          throw error;
        if (!(await isAlreadyClosed(bookingUid))) throw error;
      }
    },

    async listBookings({ from, to }) {
      const found = new Map<string, SchedulingBooking>();
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({
          afterStart: from.toISOString(),
          beforeEnd: new Date(to.getTime() + END_SLACK_MS).toISOString(),
          sortStart: "desc",
          take: String(pageSize),
          skip: String(page * pageSize),
        });
        const parsed = calcomWire.apiBookingList.safeParse(
          await request("GET", `/v2/bookings?${query.toString()}`, "listing bookings"),
        );
        if (!parsed.success) {
          throw new ProviderRejectedError(
            `Cal.com returned an unexpected bookings list: ${parsed.error.message}`,
            { code: "unexpected_response", cause: parsed.error },
          );
        }
        for (const raw of parsed.data.data) {
          const booking = toSchedulingBooking(raw);
          // Offset paging can repeat an item when bookings change between pages.
          found.set(booking.uid, booking);
        }
        const hasNext = parsed.data.pagination?.hasNextPage ?? parsed.data.data.length === pageSize;
        if (!hasNext || parsed.data.data.length === 0) {
          return [...found.values()]
            .filter((b) => b.startTime >= from && b.startTime < to)
            .sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
        }
      }
      throw new ProviderRejectedError(
        `Cal.com kept returning pages past ${MAX_PAGES * pageSize} bookings; narrow the window.`,
        { code: "too_many_pages" },
      );
    },
  };
}
