import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BillingConfig, parseBillingEnv, resolveBillingConfig } from "../config";
import { ProviderRejectedError, ProviderUnavailableError, type SchedulingPort } from "../ports";
import { headerOf, jsonOf, type Loopback, startLoopback } from "../testing/loopback";
import { calcomBookingUrl, createCalcomScheduling } from "./scheduling";

/**
 * Contract tests: our Cal.com API v2 client against a loopback server. The canned bodies
 * follow Cal.com's 2024-08-13 booking output (`BookingOutput_2024_08_13`) and its error
 * envelope `{status: "error", error: {code, message}}`.
 */

const API_KEY = "cal_test_loopback_0123456789";
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 20 };

function calcomConfig(apiUrl: string): BillingConfig {
  return resolveBillingConfig(
    parseBillingEnv({
      CALCOM_API_KEY: API_KEY,
      CALCOM_WEBHOOK_SECRET: "calcom-loopback-secret",
      CALCOM_API_URL: apiUrl,
      CALCOM_BOOKING_BASE_URL: "https://cal.example.com/",
    }),
    { production: false, defaultApiUrl: "http://127.0.0.1:9" },
  );
}

const booking = (overrides: Record<string, unknown> = {}) => ({
  id: 101,
  uid: "bk_accepted_1",
  title: "60 min between Ada and Client",
  status: "accepted",
  start: "2026-11-10T10:00:00.000Z",
  end: "2026-11-10T11:00:00.000Z",
  duration: 60,
  eventTypeId: 42,
  eventType: { id: 42, slug: "60min" },
  attendees: [
    {
      name: "Client One",
      email: "client@example.com",
      timeZone: "Europe/Berlin",
      absent: false,
      language: "en",
    },
  ],
  metadata: { bookingToken: "v1.token.1" },
  hosts: [{ id: 7, name: "Ada", email: "ada@example.com", timeZone: "Europe/London" }],
  location: "integrations:daily",
  absentHost: false,
  createdAt: "2026-11-01T09:00:00.000Z",
  updatedAt: "2026-11-01T09:00:00.000Z",
  bookingFieldsResponses: {},
  ...overrides,
});

const calError = (status: number, code: string, message: string, headers = {}) => ({
  status,
  headers,
  body: {
    status: "error",
    timestamp: "2026-11-01T09:00:00.000Z",
    path: "/v2/bookings",
    error: { code, message },
  },
});

let server: Loopback;
let scheduling: SchedulingPort;

beforeEach(async () => {
  server = await startLoopback();
  scheduling = createCalcomScheduling(calcomConfig(server.url), { retry: FAST_RETRY });
});

afterEach(async () => {
  await server.close();
});

describe("cancelBooking", () => {
  it("posts the reason to the booking's cancel endpoint with the key and API version", async () => {
    server.enqueue({
      status: 200,
      body: { status: "success", data: booking({ status: "cancelled" }) },
    });

    await scheduling.cancelBooking({ bookingUid: "bk_accepted_1", reason: "Payment window ended" });

    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe("POST");
    expect(request!.path).toBe("/v2/bookings/bk_accepted_1/cancel");
    expect(headerOf(request!, "authorization")).toBe(`Bearer ${API_KEY}`);
    expect(headerOf(request!, "cal-api-version")).toBe("2024-08-13");
    expect(headerOf(request!, "content-type")).toBe("application/json");
    expect(jsonOf(request!)).toEqual({ cancellationReason: "Payment window ended" });
  });

  it("escapes a uid in the path", async () => {
    server.enqueue({ status: 200, body: { status: "success", data: booking() } });

    await scheduling.cancelBooking({ bookingUid: "a/b?c", reason: "r" });

    expect(server.requests[0]!.path).toBe("/v2/bookings/a%2Fb%3Fc/cancel");
  });

  it("accepts a booking that is already cancelled, after reading it back", async () => {
    server.enqueue(
      calError(400, "BadRequestException", "This booking has already been cancelled."),
      { status: 200, body: { status: "success", data: booking({ status: "cancelled" }) } },
    );

    await scheduling.cancelBooking({ bookingUid: "bk_accepted_1", reason: "again" });

    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v2/bookings/bk_accepted_1/cancel",
      "GET /v2/bookings/bk_accepted_1",
    ]);
    expect(headerOf(server.requests[1]!, "cal-api-version")).toBe("2024-08-13");
  });

  it("passes on a 400 for a booking that is still on the calendar", async () => {
    server.enqueue(
      calError(400, "BadRequestException", "This event type does not allow cancellations"),
      { status: 200, body: { status: "success", data: booking() } },
    );

    const error = await scheduling
      .cancelBooking({ bookingUid: "bk_accepted_1", reason: "r" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("http_400");
    expect((error as Error).message).toMatch(/does not allow cancellations/);
  });

  it("refuses an unknown booking (404) without retrying", async () => {
    server.respond(() => calError(404, "NotFoundException", "Booking with uid=nope not found"));

    const error = await scheduling
      .cancelBooking({ bookingUid: "nope", reason: "r" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("http_404");
    expect(server.requests).toHaveLength(1);
  });

  it("retries a 502 with the same request and succeeds", async () => {
    server.enqueue(
      { status: 502, body: "<html>Bad gateway</html>" },
      { status: 200, body: { status: "success", data: booking({ status: "cancelled" }) } },
    );

    await scheduling.cancelBooking({ bookingUid: "bk_accepted_1", reason: "r" });

    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.rawBody).toBe(server.requests[0]!.rawBody);
    expect(server.requests[1]!.path).toBe(server.requests[0]!.path);
  });

  it("retries a 429 after its Retry-After, and a dropped connection", async () => {
    server.enqueue(
      calError(429, "TooManyRequestsException", "Rate limit", { "retry-after": "0" }),
      { destroy: true },
      { status: 200, body: { status: "success", data: booking({ status: "cancelled" }) } },
    );

    await scheduling.cancelBooking({ bookingUid: "bk_accepted_1", reason: "r" });

    expect(server.requests).toHaveLength(3);
  });

  it("gives up on a persistent 503 as unavailable, with the Retry-After it was told", async () => {
    server.respond(() =>
      calError(503, "ServiceUnavailableException", "Maintenance", { "retry-after": "600" }),
    );

    const error = await scheduling
      .cancelBooking({ bookingUid: "bk_accepted_1", reason: "r" })
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect((error as ProviderUnavailableError).retryAfterSeconds).toBe(600);
    // 600 s is beyond the in-process cap: no sleeping through it, the job queue waits.
    expect(server.requests).toHaveLength(1);
  });

  it("treats a server that never answers as unavailable after the attempts", async () => {
    const slow = createCalcomScheduling(calcomConfig(server.url), {
      retry: FAST_RETRY,
      timeoutMs: 50,
    });
    server.respond(() => new Promise(() => undefined));

    await expect(
      slow.cancelBooking({ bookingUid: "bk_accepted_1", reason: "r" }),
    ).rejects.toBeInstanceOf(ProviderUnavailableError);
    expect(server.requests).toHaveLength(3);
  });
});

describe("listBookings", () => {
  const from = new Date("2026-11-01T00:00:00.000Z");
  const to = new Date("2026-11-15T00:00:00.000Z");

  it("follows every page and maps the bookings, newest first, inside [from, to)", async () => {
    const paged = createCalcomScheduling(calcomConfig(server.url), {
      retry: FAST_RETRY,
      pageSize: 2,
    });
    server.enqueue(
      {
        status: 200,
        body: {
          status: "success",
          data: [
            // Ends inside the fetched range but starts at `to`: outside the window.
            booking({ uid: "bk_at_to", start: to.toISOString(), end: "2026-11-15T01:00:00.000Z" }),
            booking({
              uid: "bk_rescheduled",
              status: "ACCEPTED",
              start: "2026-11-12T10:00:00.000Z",
              end: "2026-11-12T11:00:00.000Z",
              rescheduledFromUid: "bk_old",
              metadata: { bookingToken: "v1.token.2", attempt: 2 },
            }),
          ],
          pagination: { totalItems: 3, remainingItems: 1, hasNextPage: true, itemsPerPage: 2 },
        },
      },
      {
        status: 200,
        body: {
          status: "success",
          data: [
            booking({
              uid: "bk_cancelled",
              status: "cancelled",
              eventTypeId: undefined,
              eventType: { id: 43, slug: "30min" },
              fromReschedule: "bk_older",
              metadata: undefined,
              attendees: [{ name: "Guest", email: "guest@example.com", absent: false }],
            }),
          ],
          pagination: { totalItems: 3, remainingItems: 0, hasNextPage: false, itemsPerPage: 2 },
        },
      },
    );

    const bookings = await paged.listBookings({ from, to });

    expect(server.requests).toHaveLength(2);
    for (const [i, request] of server.requests.entries()) {
      expect(request.method).toBe("GET");
      expect(request.path).toBe("/v2/bookings");
      expect(headerOf(request, "authorization")).toBe(`Bearer ${API_KEY}`);
      expect(headerOf(request, "cal-api-version")).toBe("2024-08-13");
      expect(Object.fromEntries(request.query)).toEqual({
        afterStart: "2026-11-01T00:00:00.000Z",
        beforeEnd: "2026-11-16T00:00:00.000Z",
        sortStart: "desc",
        take: "2",
        skip: String(i * 2),
      });
    }
    expect(bookings).toEqual([
      {
        uid: "bk_rescheduled",
        status: "accepted",
        startTime: new Date("2026-11-12T10:00:00.000Z"),
        endTime: new Date("2026-11-12T11:00:00.000Z"),
        eventTypeId: 42,
        metadata: { bookingToken: "v1.token.2", attempt: "2" },
        attendees: [{ email: "client@example.com", name: "Client One", timeZone: "Europe/Berlin" }],
        rescheduledFromUid: "bk_old",
      },
      {
        uid: "bk_cancelled",
        status: "cancelled",
        startTime: new Date("2026-11-10T10:00:00.000Z"),
        endTime: new Date("2026-11-10T11:00:00.000Z"),
        eventTypeId: 43,
        metadata: {},
        attendees: [{ email: "guest@example.com", name: "Guest", timeZone: null }],
        rescheduledFromUid: "bk_older",
      },
    ]);
  });

  it("stops on a short page when Cal.com sends no pagination block", async () => {
    server.enqueue({ status: 200, body: { status: "success", data: [booking()] } });

    const bookings = await scheduling.listBookings({ from, to });

    expect(bookings.map((b) => b.uid)).toEqual(["bk_accepted_1"]);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.query.get("take")).toBe("100");
  });

  it("retries a failed page and carries on", async () => {
    server.enqueue(
      { status: 500, body: { status: "error", error: { code: "InternalServerErrorException" } } },
      {
        status: 200,
        body: { status: "success", data: [booking()], pagination: { hasNextPage: false } },
      },
    );

    await expect(scheduling.listBookings({ from, to })).resolves.toHaveLength(1);
    expect(server.requests.map((r) => r.query.get("skip"))).toEqual(["0", "0"]);
  });

  it("fails loudly on a booking it can't read instead of skipping it", async () => {
    server.enqueue({
      status: 200,
      body: { status: "success", data: [booking({ uid: "bk_odd", status: "awaiting_host" })] },
    });

    const error = await scheduling.listBookings({ from, to }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("unexpected_response");
    expect((error as Error).message).toMatch(/bk_odd/);
  });

  it("refuses a bad key (401) without retrying", async () => {
    server.respond(() => calError(401, "UnauthorizedException", "Invalid API key"));

    const error = await scheduling.listBookings({ from, to }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect((error as ProviderRejectedError).code).toBe("http_401");
    expect(server.requests).toHaveLength(1);
  });
});

describe("bookingUrl", () => {
  it("puts the token in metadata[bookingToken] and prefills name and email, encoded", () => {
    const url = scheduling.bookingUrl({
      eventType: "ada-l/60min",
      bookingToken: "v1.0b6f.1767225600.sig+/=",
      name: "Zoë & Co",
      email: "client+tag@example.com",
    });

    expect(url).toBe(
      "https://cal.example.com/ada-l/60min" +
        "?metadata%5BbookingToken%5D=v1.0b6f.1767225600.sig%2B%2F%3D" +
        "&name=Zo%C3%AB+%26+Co&email=client%2Btag%40example.com",
    );
    const parsed = new URL(url);
    expect(parsed.searchParams.get("metadata[bookingToken]")).toBe("v1.0b6f.1767225600.sig+/=");
    expect(parsed.searchParams.get("name")).toBe("Zoë & Co");
    expect(parsed.searchParams.get("email")).toBe("client+tag@example.com");
  });

  it("leaves out a missing name and email", () => {
    expect(calcomBookingUrl("https://cal.com", { eventType: "ada/30min", bookingToken: "t" })).toBe(
      "https://cal.com/ada/30min?metadata%5BbookingToken%5D=t",
    );
  });

  it("uses a full booking URL as given, replacing only our parameters", () => {
    expect(
      calcomBookingUrl("https://cal.com", {
        eventType: "https://book.example.org/team/ada/60min?layout=month_view&name=old",
        bookingToken: "t",
        name: "New",
      }),
    ).toBe(
      "https://book.example.org/team/ada/60min?layout=month_view&name=New&metadata%5BbookingToken%5D=t",
    );
  });
});

describe("configuration", () => {
  it("refuses to build without an API key", () => {
    const config = calcomConfig(server.url);
    expect(() =>
      createCalcomScheduling({ ...config, calcom: { ...config.calcom, apiKey: null } }),
    ).toThrow(/CALCOM_API_KEY/);
  });
});
