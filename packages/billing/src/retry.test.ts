import { describe, expect, it } from "vitest";
import { ProviderRejectedError, ProviderUnavailableError } from "./ports";
import { parseRetryAfter, resolveRetryOptions, withRetries } from "./retry";

const fast = resolveRetryOptions({ attempts: 3, baseDelayMs: 1, maxDelayMs: 20 });

/** A call that runs `body` asynchronously, as a provider request would. */
const later =
  <T>(body: (attempt: number) => T) =>
  (attempt: number): Promise<T> =>
    Promise.resolve(attempt).then(body);

describe("withRetries", () => {
  it("retries unavailability until it succeeds, passing the attempt number", async () => {
    const seen: number[] = [];
    const result = await withRetries(
      fast,
      later((attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new ProviderUnavailableError("down");
        return "ok";
      }),
    );
    expect(result).toBe("ok");
    expect(seen).toEqual([1, 2, 3]);
  });

  it("throws the last unavailability once the attempts are used up", async () => {
    let calls = 0;
    const error = await withRetries(
      fast,
      later(() => {
        calls++;
        throw new ProviderUnavailableError(`down ${calls}`);
      }),
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((error as Error).message).toBe("down 3");
  });

  it("never retries a refusal or a bug", async () => {
    for (const thrown of [new ProviderRejectedError("no"), new TypeError("bug")]) {
      let calls = 0;
      await expect(
        withRetries(
          fast,
          later(() => {
            calls++;
            throw thrown;
          }),
        ),
      ).rejects.toBe(thrown);
      expect(calls).toBe(1);
    }
  });

  it("waits a short Retry-After, and hands a long one back at once", async () => {
    const waits = resolveRetryOptions({ attempts: 2, baseDelayMs: 0, maxDelayMs: 1_000 });
    const started = Date.now();
    let calls = 0;
    await withRetries(
      waits,
      later(() => {
        if (++calls === 1) throw new ProviderUnavailableError("429", { retryAfterSeconds: 1 });
        return null;
      }),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);

    calls = 0;
    const long = new ProviderUnavailableError("429", { retryAfterSeconds: 2 });
    await expect(
      withRetries(
        waits,
        later(() => {
          calls++;
          throw long;
        }),
      ),
    ).rejects.toBe(long);
    expect(calls).toBe(1);
  });

  it("refuses nonsense settings", () => {
    expect(() => resolveRetryOptions({ attempts: 0 })).toThrow(/attempts/);
    expect(() => resolveRetryOptions({ baseDelayMs: -1 })).toThrow(/negative/);
    expect(resolveRetryOptions()).toEqual({ attempts: 3, baseDelayMs: 250, maxDelayMs: 5_000 });
  });
});

describe("parseRetryAfter", () => {
  const now = new Date("2026-11-01T12:00:00.000Z");

  it.each([
    ["seconds", "30", 30],
    ["fractional seconds, rounded up", "1.2", 2],
    ["an HTTP date", "Sun, 01 Nov 2026 12:01:30 GMT", 90],
    ["a date in the past", "Sun, 01 Nov 2026 11:00:00 GMT", 0],
    ["garbage", "soon", null],
    ["nothing", undefined, null],
  ])("reads %s", (_name, header, seconds) => {
    expect(parseRetryAfter(header, now)).toBe(seconds);
  });
});
