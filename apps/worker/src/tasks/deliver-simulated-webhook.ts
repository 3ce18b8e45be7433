import { signCalcomPayload, signStripePayload } from "@an/billing";
import type { TaskHandler, WorkerDeps } from "./types";

/** The Cal.com payload version the simulator builds (and our receiver pins). */
const CALCOM_WEBHOOK_VERSION = "2021-10-20";

/** Our webhook route per simulated provider. */
const ROUTES = {
  stripe: "/webhooks/stripe",
  stripe_connect: "/webhooks/stripe/connect",
  calcom: "/webhooks/calcom",
} as const;

/** How long one delivery may take before it counts as failed (and is retried). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Posts a simulated provider's webhook to our own route, the way the provider would: the
 * body exactly as built, signed now (Stripe's signature carries a timestamp checked within
 * five minutes, so signing at enqueue time would fail on a late retry). A non-2xx answer
 * or a network error throws, and graphile-worker retries with backoff.
 */
export function deliverSimulatedWebhook(
  deps: WorkerDeps,
): TaskHandler<"deliver_simulated_webhook"> {
  return async ({ provider, body }) => {
    const { billing } = deps;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (provider === "calcom") {
      headers["x-cal-signature-256"] = signCalcomPayload(body, billing.calcom.webhookSecrets[0]!);
      headers["x-cal-webhook-version"] = CALCOM_WEBHOOK_VERSION;
    } else {
      // Each Stripe endpoint signs with its own secret: Connect events under the Connect one.
      const secret =
        provider === "stripe_connect"
          ? billing.stripe.connectWebhookSecrets[0]
          : billing.stripe.webhookSecrets[0];
      if (!secret)
        throw new Error(`deliver_simulated_webhook: no ${provider} webhook secret configured`);
      headers["stripe-signature"] = signStripePayload(body, secret, deps.now());
    }
    const url = `${billing.publicApiUrl}${ROUTES[provider]}`;
    const response = await fetch(url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    if (response.status < 200 || response.status >= 300) {
      const answer = (await response.text().catch(() => "")).slice(0, 500);
      throw new Error(
        `${provider} webhook delivery to ${url} answered ${response.status}: ${answer}`,
      );
    }
    // Drain the body so the connection goes back to the pool.
    await response.arrayBuffer();
  };
}
