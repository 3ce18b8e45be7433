import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { parseBillingEnv, resolveBillingConfig } from "../config";
import { createSimulatedPayments } from "../simulated/payments";
import { memorySimStore } from "../simulated/store";
import * as wire from "./stripe";

const config = resolveBillingConfig(parseBillingEnv({ PUBLIC_API_URL: "http://api.test/" }), {
  production: false,
  defaultApiUrl: "http://unused",
});

describe("Stripe wire shapes", () => {
  it("accept every full object the simulated Stripe builds (types)", () => {
    expectTypeOf<wire.StripeEventEnvelope>().toExtend<z.input<typeof wire.event>>();
    expectTypeOf<wire.StripeEventEnvelope<wire.ChargeObject>>().toExtend<
      z.input<typeof wire.ingestEvent>
    >();
    expectTypeOf<wire.StripeEventEnvelope<wire.AccountObject>>().toExtend<
      z.input<typeof wire.connectEvent>
    >();
    expectTypeOf<wire.CheckoutSessionObject>().toExtend<z.input<typeof wire.checkoutSession>>();
    expectTypeOf<wire.ChargeObject>().toExtend<z.input<typeof wire.charge>>();
    expectTypeOf<wire.RefundObject>().toExtend<z.input<typeof wire.refund>>();
    expectTypeOf<wire.DisputeObject>().toExtend<z.input<typeof wire.dispute>>();
  });

  it("parse the events the simulated Stripe sends", async () => {
    const clock = new Date("2030-01-10T10:00:00.000Z");
    const sent: { provider: string; body: string }[] = [];
    const payments = createSimulatedPayments(config, {
      store: memorySimStore(),
      deliver: (provider, body) => {
        sent.push({ provider, body });
        return Promise.resolve();
      },
      now: () => clock,
    });
    const session = await payments.createCheckoutSession({
      paymentId: "0f1e2d3c-4b5a-4968-8776-655443322110",
      consultationId: "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10",
      advisorId: "demo|advisor-amira",
      amount: { amount: 15_000, currency: "USD" },
      description: "60-minute consultation with Amira H.",
      customerEmail: "sam@demo.advisor.network",
      expiresAt: new Date(clock.getTime() + 60 * 60_000),
      successUrl: "http://app.test/paid",
      cancelUrl: "http://app.test/cancelled",
    });
    const paid = await payments.paySession(session.id);
    await payments.refund({
      refundId: "5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d",
      paymentIntentId: paid.session.payment_intent!,
      amount: { amount: 5_000, currency: "USD" },
      reason: "requested_by_customer",
      consultationId: "6b3f3c1e-8a51-4d6e-9a39-0c7f1f3f7a10",
    });
    await payments.openDispute(paid.chargeId!);

    const objectShape: Record<string, z.ZodType> = {
      "checkout.session.completed": wire.checkoutSession,
      "charge.refunded": wire.charge,
      "charge.dispute.created": wire.dispute,
    };
    expect(sent.map((s) => wire.event.parse(JSON.parse(s.body)).type)).toEqual(
      Object.keys(objectShape),
    );
    for (const { body } of sent) {
      const raw: unknown = JSON.parse(body);
      expect(wire.ingestEvent.safeParse(raw).success).toBe(true);
      const event = wire.event.parse(raw);
      expect(objectShape[event.type]!.safeParse(event.data.object).success).toBe(true);
    }
  });
});
