import pino, { type DestinationStream, type Logger } from "pino";

/**
 * Structured JSON logs; `service` tells API and worker lines apart in one stream. Bearer
 * tokens and cookies never reach the logs.
 */
export function createLogger(
  level: string,
  service = "api",
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
        censor: "[redacted]",
      },
    },
    destination ?? process.stdout,
  );
}
