import { createSimulatedPayments, parseBillingEnv, resolveBillingConfig } from "@an/billing";
import { pgSimulatorRuntime } from "@an/db";
import { queuedJobs, useTestDatabase } from "@an/db/testing";
import { describe, expect, it } from "vitest";

/**
 * A request to the simulated Stripe happens whole or not at all, as one to the real Stripe
 * does, even when the process making it dies halfway: the worker runs the simulator in its
 * own process, so a worker killed during a refund used to leave the charge refunded with
 * the refund's idempotency key pending, and the retry was refused ("already refunded") or,
 * for a partial refund, refunded a second time.
 */
const t = useTestDatabase();

const config = resolveBillingConfig(parseBillingEnv({}), {
  production: false,
  defaultApiUrl: "http://127.0.0.1:1",
});

describe("simulated Stripe requests on PostgreSQL", () => {
  it("a refund that dies after changing the charge leaves nothing; its retry refunds once", async () => {
    const runtime = pgSimulatorRuntime(t.db);
    let dies = false;
    const payments = createSimulatedPayments(config, {
      store: runtime.store,
      // The webhook is queued in the request's transaction; then the process "dies".
      deliver: async (provider, body) => {
        await runtime.deliver(provider, body);
        if (dies) throw new Error("the worker was killed here");
      },
    });
    const consultationId = "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10";
    const session = await payments.createCheckoutSession({
      paymentId: "0f1e2d3c-4b5a-4968-8776-655443322110",
      consultationId,
      advisorId: "demo|advisor-amira",
      amount: { amount: 15_000, currency: "USD" },
      description: "60-minute consultation with Amira H.",
      customerEmail: "sam@demo.advisor.network",
      expiresAt: new Date(Date.now() + 60 * 60_000),
      successUrl: "http://app.test/paid?session_id={CHECKOUT_SESSION_ID}",
      cancelUrl: "http://app.test/cancelled",
    });
    await payments.paySession(session.id);
    const { paymentIntentId } = await payments.retrieveCheckoutSession(session.id);
    const refundDeliveries = async () =>
      (await queuedJobs(t.db, "deliver_simulated_webhook"))
        .map((j) => String(j.payload.body))
        .filter((body) => body.includes('"charge.refunded"'));
    const input = {
      refundId: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
      paymentIntentId: paymentIntentId!,
      amount: { amount: 5_000, currency: "USD" as const },
      reason: "requested_by_customer" as const,
      consultationId,
    };

    dies = true;
    await expect(payments.refund(input)).rejects.toThrow("the worker was killed here");
    expect(await refundDeliveries()).toEqual([]);

    dies = false;
    const result = await payments.refund(input);
    expect(result).toMatchObject({ status: "succeeded" });
    expect(await payments.refund(input)).toEqual(result);
    const delivered = await refundDeliveries();
    expect(delivered).toHaveLength(1);
    const charge = (
      JSON.parse(delivered[0]!) as {
        data: { object: { id: string; amount_refunded: number } };
      }
    ).data.object;
    expect(charge.amount_refunded).toBe(5_000);
    const stored = await payments.getCharge(charge.id);
    expect(stored?.charge.amount_refunded).toBe(5_000);
    expect(stored?.charge.refunds.data.map((r) => r.id)).toEqual([result.providerRefundId]);
  });
});
