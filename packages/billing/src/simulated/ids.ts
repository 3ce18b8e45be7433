import { randomInt } from "node:crypto";

/** Ids and timestamps that look like the providers' own, for the simulators. */

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
// short-uuid's alphabet (no 0, 1, I, O, l): what Cal.com's 22-character uids are made of.
const SHORT_UUID_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export type StripeIdPrefix =
  | "cs"
  | "pi"
  | "ch"
  | "re"
  | "evt"
  | "dp"
  | "txn"
  | "req"
  | "acct"
  | "link"
  | "tr"
  | "trr"
  | "po"
  | "cus"
  | "clock"
  | "pm"
  | "prod"
  | "price"
  | "sub"
  | "si"
  | "sub_sched"
  | "in"
  | "il"
  | "inpay"
  | "bps"
  | "bpc";

/** A Stripe-looking id, e.g. `cs_sim_4fQ…` (24 random alphanumerics after the prefix). */
export function simStripeId(prefix: StripeIdPrefix): string {
  return `${prefix}_sim_${randomString(ALPHANUMERIC, 24)}`;
}

/** A Cal.com-looking booking uid: 22 characters of the short-uuid alphabet. */
export function simCalcomUid(): string {
  return randomString(SHORT_UUID_ALPHABET, 22);
}

/** Unix seconds, as Stripe's timestamps are. */
export const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);
