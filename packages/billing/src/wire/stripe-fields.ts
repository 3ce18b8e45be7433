import { z } from "zod";

/*
 * Field parsers the Stripe wire shapes share (`wire/stripe.ts`, `wire/stripe-billing.ts`).
 */

/** An id, or the object it names when expanded. */
export const expandable = z
  .union([z.string(), z.looseObject({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));

/** Stripe's metadata, keeping the string values (all Stripe stores). */
export const metadata = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((m) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(m ?? {})) if (typeof v === "string") out[k] = v;
    return out;
  });

/** Stripe sends lowercase ISO codes; we store uppercase. */
export const currency = z
  .string()
  .min(3)
  .max(3)
  .transform((c) => c.toUpperCase());
