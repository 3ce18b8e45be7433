import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";
import { createLogFormatState, formatLogLine, REPEAT_READ_INTERVAL_MS } from "./log-format";

/** Real pino JSON lines, as the API and worker write them. */
function jsonLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  write(createLogger("info", "api", { write: (line: string) => void lines.push(line.trimEnd()) }));
  return lines;
}

const request = (method: string, url: string, statusCode: number, responseTime = 14) => ({
  req: {
    id: "req-1",
    method,
    url,
    query: {},
    headers: { host: "localhost:3000", "user-agent": "Mozilla/5.0", authorization: "Bearer x" },
    remoteAddress: "127.0.0.1",
  },
  res: { statusCode, headers: { "content-type": "application/json" } },
  responseTime,
  requestId: "2f1c9b1e-0000-4000-8000-000000000000",
});

describe("development log lines", () => {
  it("turns a request's JSON into one short readable line", () => {
    const [line] = jsonLines((log) =>
      log.info(request("POST", "/trpc/consultations.cancel?batch=1", 200), "request completed"),
    );
    const shown = formatLogLine(line!, createLogFormatState());
    expect(shown).toMatch(/^\d\d:\d\d:\d\d INFO {2}POST \/trpc\/consultations\.cancel 200 14ms$/);
  });

  it("keeps other fields on the same line, and errors with their message and place", () => {
    const [started, failed] = jsonLines((log) => {
      log.info({ smtp: false, concurrency: 4 }, "worker started");
      const err = new Error("connect ECONNREFUSED 127.0.0.1:5432\nmore detail");
      log.error({ err }, "job failed");
    });
    const state = createLogFormatState();
    expect(formatLogLine(started!, state)).toMatch(
      / INFO {2}worker started smtp=false concurrency=4$/,
    );
    const error = formatLogLine(failed!, state)!;
    expect(error).toMatch(
      / ERROR job failed error=Error: connect ECONNREFUSED 127\.0\.0\.1:5432 more detail \(at /,
    );
    expect(error).not.toContain("\n");
  });

  it("drops healthy health checks and repeats of the same successful read within a minute", () => {
    const state = createLogFormatState();
    const t0 = Date.parse("2026-11-24T12:00:00Z");
    const [health, poll, write, failing] = jsonLines((log) => {
      log.info(request("GET", "/readyz", 200), "request completed");
      log.info(request("GET", "/trpc/notifications.list?input=%7B%7D", 200), "request completed");
      log.info(request("POST", "/trpc/advisors.setRate", 200), "request completed");
      log.warn(request("GET", "/trpc/notifications.list", 500), "request errored");
    });
    expect(formatLogLine(health!, state, t0)).toBeNull();
    expect(formatLogLine(poll!, state, t0)).toContain("GET /trpc/notifications.list 200");
    expect(formatLogLine(poll!, state, t0 + 5_000)).toBeNull();
    expect(formatLogLine(poll!, state, t0 + REPEAT_READ_INTERVAL_MS)).not.toBeNull();
    expect(formatLogLine(write!, state, t0)).not.toBeNull();
    expect(formatLogLine(write!, state, t0 + 1)).not.toBeNull();
    expect(formatLogLine(failing!, state, t0 + 1)).toContain("GET /trpc/notifications.list 500");
    expect(formatLogLine(failing!, state, t0 + 2)).not.toBeNull();
  });

  it("passes lines that aren't JSON through unchanged (Vite, tsx)", () => {
    const state = createLogFormatState();
    expect(formatLogLine("  VITE v7.2.0  ready in 312 ms", state)).toBe(
      "  VITE v7.2.0  ready in 312 ms",
    );
    expect(formatLogLine("[1,2]", state)).toBe("[1,2]");
  });
});
