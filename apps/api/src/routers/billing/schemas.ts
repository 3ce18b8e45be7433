import {
  BILLING_INTERVALS,
  isCurrencyCode,
  MAX_ADVISORS_PER_PROJECT_LIMIT,
  MAX_TRIAL_DAYS,
  PLAN_KEY_PATTERN,
  PLAN_STATUSES,
  SUBSCRIPTION_STATUSES,
  SUPPORTED_LOCALES,
} from "@an/domain";
import { z } from "zod";
import { instantSchema } from "../consultations/schemas";
import { cursorSchema, text, userIdSchema } from "../schemas";

/** A plan key as callers send it; never a price id (the server maps key → price). */
export const planKeySchema = text().trim().min(1).max(40);

/** An uppercase ISO currency the platform supports (lowercase is accepted and upper-cased). */
export const currencySchema = z
  .string()
  .trim()
  .transform((c) => c.toUpperCase())
  .refine(isCurrencyCode, { error: "PLAN_INVALID" });

export const intervalSchema = z.enum(BILLING_INTERVALS);

export const checkoutInput = z
  .object({ planKey: planKeySchema, currency: currencySchema, interval: intervalSchema })
  .strict();

export const plansInput = z.object({ currency: currencySchema.optional() }).strict().prefault({});

export const cancelInput = z
  .object({ atPeriodEnd: z.boolean(), reason: text().trim().max(500).optional() })
  .strict();

export const syncAfterCheckoutInput = z
  .object({ sessionId: text().trim().min(1).max(255).optional() })
  .strict()
  .prefault({});

export const emptyInput = z.object({}).strict().prefault({});

// --- admin ---------------------------------------------------------------------------

/** Why an admin made a change: kept in the audit log. */
export const reasonSchema = text().trim().min(3).max(500);

export const newPlanKeySchema = z
  .string()
  .trim()
  .regex(PLAN_KEY_PATTERN, { error: "PLAN_INVALID" });

const planTextSchema = z
  .object({ name: text().trim().min(1).max(80), description: text().trim().max(500) })
  .strict();

/** Name and description per supported locale; English is required (the fallback). */
/** Every locale but English is optional; English is what every other locale falls back to. */
const otherLocaleTexts = Object.fromEntries(
  SUPPORTED_LOCALES.filter((l) => l !== "en").map((l) => [l, planTextSchema.optional()]),
) as Record<
  Exclude<(typeof SUPPORTED_LOCALES)[number], "en">,
  z.ZodOptional<typeof planTextSchema>
>;

export const planTextsSchema = z
  .object({ en: planTextSchema, ...otherLocaleTexts })
  .strict()
  // Locales left out are absent, not undefined: the stored texts hold only what was given.
  .transform((texts): Record<string, { name: string; description: string }> =>
    Object.fromEntries(Object.entries(texts).filter(([, t]) => t !== undefined)),
  );

export const entitlementsSchema = z
  .object({
    inviteAdvisors: z.boolean(),
    maxAdvisorsPerProject: z.number().int().min(0).max(MAX_ADVISORS_PER_PROJECT_LIMIT),
    buyPasses: z.boolean(),
  })
  .strict();

/** Minor units per interval; at most a million major units of a two-decimal currency. */
export const amountSchema = z.number().int().min(1).max(100_000_000);
export const trialDaysSchema = z.number().int().min(0).max(MAX_TRIAL_DAYS);

export const priceInputSchema = z
  .object({
    currency: currencySchema,
    interval: intervalSchema,
    amount: amountSchema,
    trialDays: trialDaysSchema.default(0),
  })
  .strict();

export const createPlanInput = z
  .object({
    key: newPlanKeySchema,
    texts: planTextsSchema,
    entitlements: entitlementsSchema,
    prices: z
      .array(priceInputSchema)
      .max(20)
      .refine(
        (prices) =>
          new Set(prices.map((p) => `${p.currency}:${p.interval}`)).size === prices.length,
        { error: "PLAN_INVALID" },
      ),
    sortOrder: z.number().int().min(0).max(10_000).optional(),
    reason: reasonSchema,
  })
  .strict();

export const updatePlanInput = z
  .object({
    key: planKeySchema,
    texts: planTextsSchema.optional(),
    entitlements: entitlementsSchema.optional(),
    sortOrder: z.number().int().min(0).max(10_000).optional(),
    reason: reasonSchema,
  })
  .strict();

export const setPlanPriceInput = z
  .object({
    key: planKeySchema,
    currency: currencySchema,
    interval: intervalSchema,
    amount: amountSchema,
    trialDays: trialDaysSchema,
    reason: reasonSchema,
  })
  .strict();

export const removePlanPriceInput = z
  .object({
    key: planKeySchema,
    currency: currencySchema,
    interval: intervalSchema,
    reason: reasonSchema,
  })
  .strict();

export const setPlanStatusInput = z
  .object({ key: planKeySchema, status: z.enum(PLAN_STATUSES), reason: reasonSchema })
  .strict();

export const listSubscribersInput = z
  .object({
    search: text().trim().max(200).optional(),
    status: z.enum([...SUBSCRIPTION_STATUSES, "live"]).optional(),
    planKey: planKeySchema.optional(),
    cursor: cursorSchema.nullish(),
    limit: z.number().int().min(1).max(100).default(25),
  })
  // Not strict: the console's infinite list adds its paging direction to every page's input.
  .prefault({});

export const userInput = z.object({ userId: userIdSchema }).strict();

export const grantComplimentaryInput = z
  .object({
    userId: userIdSchema,
    planKey: planKeySchema,
    reason: reasonSchema,
    /** ISO 8601 with an offset; after now and at most two years out (checked by the workflow). */
    endsAt: instantSchema,
  })
  .strict();

export const revokeComplimentaryInput = z
  .object({ grantId: z.uuid(), reason: reasonSchema })
  .strict();

export const listReconciliationRunsInput = z
  .object({ limit: z.number().int().min(1).max(100).default(20) })
  .strict()
  .prefault({});
