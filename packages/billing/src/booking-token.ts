import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The booking token: proof that a booking on Cal.com comes from a booking intent we
 * prepared. It travels in the booking's `metadata[bookingToken]`, so it carries only the
 * intent id and an expiry, signed with HMAC-SHA256; the price and parties stay in our
 * database where a client can't touch them.
 *
 * Format: `v1.<intent id>.<expiry, unix seconds>.<base64url signature>`.
 */
export function signBookingToken(
  input: { intentId: string; expiresAt: Date },
  secret: string,
): string {
  const exp = Math.floor(input.expiresAt.getTime() / 1000);
  const body = `v1.${input.intentId}.${exp}`;
  return `${body}.${mac(body, secret)}`;
}

export type BookingTokenCheck =
  | { ok: true; intentId: string; expiresAt: Date }
  | { ok: false; reason: "missing" | "malformed" | "bad_signature" | "expired" };

/**
 * Verifies a token at `now`. The signature is compared in constant time and checked
 * before the expiry, so a forged token is reported as forged even when also expired.
 */
export function verifyBookingToken(
  token: string | null | undefined,
  secret: string,
  now: Date,
): BookingTokenCheck {
  if (!token) return { ok: false, reason: "missing" };
  const parts = token.split(".");
  if (parts.length !== 4 || parts[0] !== "v1") return { ok: false, reason: "malformed" };
  const [, intentId, expRaw, signature] = parts as [string, string, string, string];
  if (!/^[0-9a-f-]{36}$/i.test(intentId) || !/^\d{1,12}$/.test(expRaw)) {
    return { ok: false, reason: "malformed" };
  }
  const expected = Buffer.from(mac(`v1.${intentId}.${expRaw}`, secret));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: "bad_signature" };
  }
  const expiresAt = new Date(Number(expRaw) * 1000);
  if (now.getTime() >= expiresAt.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, intentId, expiresAt };
}

function mac(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body).digest("base64url");
}
