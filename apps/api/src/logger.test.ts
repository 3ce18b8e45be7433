import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

describe("createLogger", () => {
  it("writes JSON with the service name, and never bearer tokens or cookies", () => {
    const lines: string[] = [];
    const log = createLogger("info", "api", { write: (line: string) => void lines.push(line) });
    log.info(
      { req: { headers: { authorization: "Bearer secret-token", cookie: "session=abc" } } },
      "request",
    );
    const entry = JSON.parse(lines[0] ?? "{}") as {
      service: string;
      req: { headers: Record<string, string> };
    };
    expect(entry.service).toBe("api");
    expect(entry.req.headers).toEqual({ authorization: "[redacted]", cookie: "[redacted]" });
    expect(lines.join("")).not.toContain("secret-token");
  });
});
