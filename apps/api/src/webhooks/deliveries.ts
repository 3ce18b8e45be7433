import { createHash } from "node:crypto";
import { calcomWire, stripeWire, verifyCalcomSignature, verifyStripeWebhook } from "@an/billing";
import type { IngestWebhookEventInput } from "@an/db";
import type { z } from "zod";
import { findUnstorableText } from "./storable-text";

/** Why a delivery is refused: answered as 400 `{ error: { code, message } }`, nothing stored. */
export type DeliveryRefusal = {
  ok: false;
  code: "WEBHOOK_SIGNATURE_INVALID" | "WEBHOOK_BODY_NOT_JSON" | "WEBHOOK_BODY_INVALID";
  message: string;
};

export type DeliveryOutcome =
  | { ok: true; event: IngestWebhookEventInput }
  /** A Cal.com test ping: verified, answered 2xx so the "Ping test" button works, not stored. */
  | { ok: true; ping: true }
  | DeliveryRefusal;

const refuse = (code: DeliveryRefusal["code"], message: string): DeliveryRefusal => ({
  ok: false,
  code,
  message,
});

const sha256Hex = (raw: Buffer) => createHash("sha256").update(raw).digest("hex");

/** Strict: invalid bytes throw instead of becoming U+FFFD; a BOM is kept, not eaten. */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The body as text, exactly as received, or null when it isn't UTF-8 (as JSON must be). */
function decodeUtf8(raw: Buffer): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

const NOT_UTF8 =
  "The body is not valid UTF-8 (JSON must be UTF-8), so it can't be stored as received.";

/**
 * A refusal for a decoded body holding text PostgreSQL can't store (U+0000, lone
 * surrogates), or null. Refused before storing: otherwise the row would fail at insert
 * and, written in a shared batch, take other deliveries' answers with it.
 */
function unstorable(body: unknown): DeliveryRefusal | null {
  const found = findUnstorableText(body);
  return found
    ? refuse(
        "WEBHOOK_BODY_INVALID",
        `${found.path} ${found.problem}; such text can't be stored, so the delivery is refused.`,
      )
    : null;
}

function parsesAsJson(raw: Buffer): boolean {
  try {
    JSON.parse(raw.toString("utf8"));
    return true;
  } catch {
    return false;
  }
}

/** Stripe's SDK default: signatures older than five minutes are refused. */
const STRIPE_TOLERANCE_SECONDS = 300;

/** Seconds since the `t=` of a `Stripe-Signature` header, or null without one. */
function signatureAgeSeconds(header: string, now: Date): number | null {
  const match = /(?:^|,)\s*t=(\d+)/.exec(header);
  return match ? Math.floor(now.getTime() / 1000) - Number(match[1]) : null;
}

/**
 * A Stripe delivery: the signature checked on the raw bytes against the endpoint's
 * secrets (its current one, and the previous one during a roll), then the event's id,
 * type and object id. Deduplicated on the event id, which Stripe keeps across retries.
 * `stripe_connect` is the Connect endpoint: events of connected accounts, which name
 * their account (`event.account`), under that endpoint's own secrets.
 */
export function parseStripeDelivery(
  raw: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  now: Date,
  provider: "stripe" | "stripe_connect" = "stripe",
): DeliveryOutcome {
  const verified = verifyStripeWebhook(raw, header, secrets, now);
  if (!verified.ok) {
    // The SDK parses JSON only after a signature matched, and reports a parse failure
    // the same way as a bad signature: tell them apart for the sender.
    if (header && !parsesAsJson(raw)) {
      return refuse("WEBHOOK_BODY_NOT_JSON", "The body is not valid JSON.");
    }
    const age = header ? signatureAgeSeconds(header, now) : null;
    if (age !== null && age > STRIPE_TOLERANCE_SECONDS) {
      // With several secrets, the reason reported is the last secret's ("no match"), not
      // the one whose signature matched but was too old: name the staleness ourselves.
      return refuse(
        "WEBHOOK_SIGNATURE_INVALID",
        `Stripe signature timestamp is ${age} s old, outside the ${STRIPE_TOLERANCE_SECONDS} s tolerance ` +
          "(a replayed delivery, or this server's clock is wrong).",
      );
    }
    return refuse("WEBHOOK_SIGNATURE_INVALID", verified.reason);
  }
  const text = decodeUtf8(raw);
  if (text === null) return refuse("WEBHOOK_BODY_NOT_JSON", NOT_UTF8);
  const bad = unstorable(verified.event);
  if (bad) return bad;
  const parsed = stripeWire.ingestEvent.safeParse(verified.event);
  if (!parsed.success) {
    return refuse(
      "WEBHOOK_BODY_INVALID",
      `Not a Stripe event: ${describeIssues(parsed.error)} (expected id, type and data.object).`,
    );
  }
  const event = parsed.data;
  if (provider === "stripe_connect" && typeof event.account !== "string") {
    return refuse(
      "WEBHOOK_BODY_INVALID",
      "Not a Connect event: `account` (the connected account) is missing.",
    );
  }
  return {
    ok: true,
    event: {
      provider,
      dedupeKey: event.id,
      providerEventId: event.id,
      eventType: event.type,
      subject: event.data.object.id ?? null,
      body: text,
      bodySha256: sha256Hex(raw),
    },
  };
}

/**
 * A Cal.com delivery: the hex HMAC of the raw bytes, then the trigger and the booking
 * uid, read defensively (`payload ?? body`, `uid ?? bookingUid`; unknown keys allowed).
 * Cal.com has no delivery id, so the dedupe key is the body's hash plus trigger and uid:
 * a byte-identical resend is a duplicate, a new body about the same booking is not.
 */
export function parseCalcomDelivery(
  raw: Buffer,
  header: string | undefined,
  secrets: readonly string[],
): DeliveryOutcome {
  const verified = verifyCalcomSignature(raw, header, secrets);
  if (!verified.ok) return refuse("WEBHOOK_SIGNATURE_INVALID", verified.reason);
  const text = decodeUtf8(raw);
  if (text === null) return refuse("WEBHOOK_BODY_NOT_JSON", NOT_UTF8);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return refuse(
      "WEBHOOK_BODY_NOT_JSON",
      "The body is not valid JSON; a Cal.com payload template must render JSON.",
    );
  }
  const bad = unstorable(body);
  if (bad) return bad;
  const envelope = calcomWire.ingestEnvelope.safeParse(body);
  if (!envelope.success) {
    return refuse(
      "WEBHOOK_BODY_INVALID",
      `Not a Cal.com webhook: ${describeIssues(envelope.error)} (expected triggerEvent).`,
    );
  }
  const trigger = envelope.data.triggerEvent;
  if (trigger === "PING") return { ok: true, ping: true };
  const booking = calcomWire.ingestBooking.safeParse(envelope.data.payload ?? envelope.data);
  if (!booking.success) {
    return refuse(
      "WEBHOOK_BODY_INVALID",
      `Cal.com ${trigger}: ${describeIssues(booking.error)} (expected payload.uid or payload.bookingUid).`,
    );
  }
  const uid = booking.data.uid ?? booking.data.bookingUid;
  if (!uid) {
    return refuse(
      "WEBHOOK_BODY_INVALID",
      `Cal.com ${trigger} has no booking uid (payload.uid or payload.bookingUid).`,
    );
  }
  const bodySha256 = sha256Hex(raw);
  return {
    ok: true,
    event: {
      provider: "calcom",
      dedupeKey: `${bodySha256}:${trigger}:${uid}`,
      providerEventId: null,
      eventType: trigger,
      subject: uid,
      body: text,
      bodySha256,
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join(".") : "body"}: ${issue.message}`)
    .join("; ");
}
