import { createHmac, timingSafeEqual } from "node:crypto";
import Stripe from "stripe";

/** Why a delivery was refused, for the 400 answer and the log (never the secret). */
export type SignatureFailure = { ok: false; reason: string };

/**
 * Verifies a Stripe delivery on its raw bytes with the SDK, against every configured
 * secret in turn: the platform endpoint's, the Connect endpoint's, and during a roll the
 * previous one. Returns the event when one secret matches within the SDK's 5-minute tolerance.
 */
export function verifyStripeWebhook(
  raw: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  now: Date = new Date(),
): { ok: true; event: Stripe.Event } | SignatureFailure {
  if (!header) return { ok: false, reason: "missing Stripe-Signature header" };
  let last = "no webhook secret configured";
  for (const secret of secrets) {
    try {
      const event = Stripe.webhooks.constructEvent(
        raw,
        header,
        secret,
        Stripe.webhooks.DEFAULT_TOLERANCE,
        undefined,
        now.getTime(),
      );
      return { ok: true, event };
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return { ok: false, reason: `Stripe signature not valid: ${last}` };
}

/** A `Stripe-Signature` header for `body`, as Stripe would send it (simulator and tests). */
export function signStripePayload(body: string, secret: string, at: Date = new Date()): string {
  return Stripe.webhooks.generateTestHeaderString({
    payload: body,
    secret,
    timestamp: Math.floor(at.getTime() / 1000),
  });
}

/** `X-Cal-Signature-256`: lowercase hex HMAC-SHA256 of the exact body, keyed with the secret. */
export function signCalcomPayload(body: string | Buffer, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("hex");
}

/**
 * Verifies a Cal.com delivery: the header must be the hex HMAC-SHA256 of the raw body
 * under one of `secrets` (the current one, and during a roll the previous one), compared
 * in constant time. `no-secret-provided` (a webhook set up without a secret) is refused,
 * as is anything that isn't 64 hex characters.
 */
export function verifyCalcomSignature(
  raw: Buffer,
  header: string | undefined,
  secrets: string | readonly string[],
): { ok: true } | SignatureFailure {
  if (!header) return { ok: false, reason: "missing X-Cal-Signature-256 header" };
  if (header === "no-secret-provided") {
    return {
      ok: false,
      reason: "the Cal.com webhook has no secret; set one and add it to CALCOM_WEBHOOK_SECRETS",
    };
  }
  if (!/^[0-9a-f]{64}$/i.test(header)) {
    return { ok: false, reason: "X-Cal-Signature-256 must be 64 hex characters" };
  }
  const given = Buffer.from(header, "hex");
  const matches = (typeof secrets === "string" ? [secrets] : secrets).some((secret) =>
    timingSafeEqual(Buffer.from(signCalcomPayload(raw, secret), "hex"), given),
  );
  return matches
    ? { ok: true }
    : { ok: false, reason: "Cal.com signature does not match the body" };
}
