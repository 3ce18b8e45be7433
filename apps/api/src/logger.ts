import pino, { type Logger } from "pino";

/** Structured JSON logs; `service` tells API and worker lines apart in one stream. */
export function createLogger(level: string, service = "api"): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
