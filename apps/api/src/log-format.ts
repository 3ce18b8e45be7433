/**
 * Development log lines: the API and the worker always write pino's JSON (one object per
 * line, what production log pipelines read); `npm start` turns each object into one
 * readable line with this formatter, so its sign-in banner doesn't scroll away under
 * screens of JSON.
 */

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};

/** Fields shown elsewhere on the line, or noise in a terminal. */
const SKIPPED = new Set([
  "level",
  "time",
  "pid",
  "hostname",
  "service",
  "msg",
  "req",
  "res",
  "responseTime",
  "err",
  "requestId",
]);

/** Paths polled by load balancers and the start script: never worth a line when they answer 2xx. */
const QUIET_PATHS = new Set(["/healthz", "/readyz"]);

export type LogFormatState = {
  /** When each successful read was last shown, by "METHOD path status". */
  lastShown: Map<string, number>;
};

export function createLogFormatState(): LogFormatState {
  return { lastShown: new Map() };
}

/**
 * A successful read of the same path is shown once a minute at most: the console polls
 * some queries every few seconds, and a line per poll buries everything else. Writes,
 * errors and warnings are always shown.
 */
export const REPEAT_READ_INTERVAL_MS = 60_000;

type Entry = {
  level?: number;
  time?: string | number;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { type?: string; message?: string; stack?: string };
  [key: string]: unknown;
};

/**
 * One readable line for one line of pino JSON — `12:00:01 INFO  POST /trpc/consultations.cancel
 * 200 14ms` — or null when the line is a quiet health check or a repeated successful read.
 * Lines that aren't JSON pass through unchanged.
 */
export function formatLogLine(
  line: string,
  state: LogFormatState,
  now: number = Date.now(),
): string | null {
  let entry: Entry;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return line;
    entry = parsed as Entry;
  } catch {
    return line;
  }
  const time = clock(entry.time);
  const level = LEVELS[entry.level ?? 30] ?? "INFO ";
  const parts: string[] = [];
  if (entry.req && entry.res) {
    const method = entry.req.method ?? "?";
    const path = (entry.req.url ?? "").split("?")[0] ?? "";
    const status = entry.res.statusCode ?? 0;
    if (status < 400 && (entry.level ?? 30) <= 30) {
      if (QUIET_PATHS.has(path)) return null;
      if (method === "GET" || method === "HEAD") {
        const key = `${method} ${path} ${status}`;
        const last = state.lastShown.get(key);
        if (last !== undefined && now - last < REPEAT_READ_INTERVAL_MS) return null;
        state.lastShown.set(key, now);
      }
    }
    parts.push(`${method} ${path} ${status}`);
    if (typeof entry.responseTime === "number") parts.push(`${Math.round(entry.responseTime)}ms`);
    if (entry.msg && entry.msg !== "request completed" && entry.msg !== "request errored")
      parts.push(`— ${entry.msg}`);
  } else if (entry.msg) {
    parts.push(entry.msg);
  }
  for (const [key, value] of Object.entries(entry)) {
    if (SKIPPED.has(key) || value === undefined) continue;
    parts.push(`${key}=${compact(value)}`);
  }
  if (entry.err) {
    const where = entry.err.stack?.split("\n").find((l) => l.trim().startsWith("at "));
    parts.push(
      `error=${compact(`${entry.err.type ?? "Error"}: ${entry.err.message ?? ""}`)}` +
        (where ? ` (${where.trim()})` : ""),
    );
  }
  return `${time} ${level} ${parts.join(" ")}`.trimEnd();
}

function clock(time: Entry["time"]): string {
  const date = time === undefined ? new Date() : new Date(time);
  if (Number.isNaN(date.getTime())) return "--:--:--";
  return date.toTimeString().slice(0, 8);
}

function compact(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const oneLine = (text ?? "").replace(/\s*\n\s*/g, " ");
  return oneLine.length > 200 ? `${oneLine.slice(0, 199)}…` : oneLine;
}
