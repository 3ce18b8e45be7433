import {
  createSimulatedPayments,
  freshBucket,
  parseBillingEnv,
  ProviderUnavailableError,
  resolveBillingConfig,
  takeToken,
  type TokenBucket,
} from "@an/billing";
import { createPgSimStore } from "@an/db";
import { useTestDatabase } from "@an/db/testing";
import { describe, expect, it } from "vitest";

/**
 * The simulated Stripe's rate limit on the PostgreSQL store, which takes its token in one
 * statement: the same answers as the bucket's JavaScript definition, and exact under
 * concurrent requests from several connections.
 */
const t = useTestDatabase();

describe("simulated Stripe rate limit on PostgreSQL", () => {
  it("answers every step as the bucket's definition does", async () => {
    const store = createPgSimStore(t.db);
    const start = 1_764_790_000_000;
    // Bursts, partial refills, a clock that steps back (another process), a full refill
    // capped at the limit, a limit change, and no limit at all.
    const steps: { limit: number; atMs: number }[] = [
      ...Array.from({ length: 7 }, () => ({ limit: 5, atMs: start })),
      { limit: 5, atMs: start + 130 },
      { limit: 5, atMs: start + 250 },
      { limit: 5, atMs: start + 260 },
      { limit: 5, atMs: start + 100 },
      { limit: 5, atMs: start + 470 },
      { limit: 5, atMs: start + 10_000 },
      ...Array.from({ length: 6 }, () => ({ limit: 5, atMs: start + 10_000 })),
      { limit: 3, atMs: start + 10_333 },
      { limit: 0, atMs: start + 10_334 },
      { limit: 0, atMs: start + 10_334 },
      { limit: 7, atMs: start + 11_000 },
    ];
    let expected: TokenBucket = freshBucket(5, start);
    await store.put("rate_limit", "steps", expected);
    for (const [i, step] of steps.entries()) {
      const taken = takeToken(expected, step.limit, step.atMs);
      expected = taken.bucket;
      const verdict = await store.takeToken("rate_limit", "steps", step);
      expect({ step: i, ...verdict }).toEqual({
        step: i,
        admitted: taken.verdict.admitted,
        waitSeconds: expect.closeTo(taken.verdict.waitSeconds, 9) as number,
      });
      const stored = await store.get<TokenBucket>("rate_limit", "steps");
      expect({ step: i, ...stored }).toMatchObject({
        step: i,
        tokens: expect.closeTo(expected.tokens, 9) as number,
        at: expected.at,
        accepted: expected.accepted,
        throttled: expected.throttled,
      });
    }
    // Worked by hand: both answers are exercised, at the same steps.
    expect(expected).toMatchObject({ accepted: 15, throttled: 8 });
  });

  it("is absent until created", async () => {
    const store = createPgSimStore(t.db);
    await expect(store.takeToken("rate_limit", "nobody", { limit: 5, atMs: 0 })).resolves.toBe(
      null,
    );
  });

  it("admits exactly the limit of a burst from several connections", async () => {
    const store = createPgSimStore(t.db);
    const atMs = Date.now();
    await store.put("rate_limit", "burst", freshBucket(10, atMs));
    const verdicts = await Promise.all(
      Array.from({ length: 40 }, () => store.takeToken("rate_limit", "burst", { limit: 10, atMs })),
    );
    expect(verdicts.filter((v) => v?.admitted)).toHaveLength(10);
    expect(verdicts.filter((v) => v && !v.admitted)).toHaveLength(30);
    await expect(store.get<TokenBucket>("rate_limit", "burst")).resolves.toMatchObject({
      tokens: 0,
      accepted: 10,
      throttled: 30,
    });
  });

  it("refuses a burst above the limit with 429 and Retry-After through the simulated port", async () => {
    const config = resolveBillingConfig(parseBillingEnv({ SIM_STRIPE_RATE_LIMIT: "4" }), {
      production: false,
      defaultApiUrl: "http://127.0.0.1:9",
    });
    const payments = createSimulatedPayments(config, {
      store: createPgSimStore(t.db),
      deliver: () => Promise.resolve(),
    });
    await payments.resetRequestStats();
    const results = await Promise.allSettled(
      Array.from({ length: 9 }, () =>
        payments.listTransfers({ from: new Date(0), to: new Date() }),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(4);
    for (const r of results.filter((r) => r.status === "rejected")) {
      expect(r.reason).toBeInstanceOf(ProviderUnavailableError);
      expect(r.reason).toMatchObject({ code: "rate_limit", retryAfterSeconds: 1 });
    }
    await expect(payments.getRequestStats()).resolves.toEqual({ accepted: 4, throttled: 5 });
  });
});
