import type { Entitlements, PlanText } from "@an/domain";
import type { Db } from "./client";
import { getPlanByKey, listPlanPrices } from "./queries/plans";
import type { SubscriptionProviderCalls } from "./workflows/billing-sync-port";
import { createPlan, type PriceInput, setPlanPrice } from "./workflows/billing-plans";

type DemoPlan = {
  key: string;
  texts: Record<string, PlanText>;
  entitlements: Entitlements;
  prices: PriceInput[];
  sortOrder: number;
};

/** The demo plans: the free tier, and two paid plans in USD (monthly and yearly) and EUR. */
export const DEMO_PLANS: readonly DemoPlan[] = [
  {
    key: "free",
    texts: {
      en: { name: "Free", description: "One advisor per project, async advice passes." },
      de: {
        name: "Kostenlos",
        description: "Ein Berater pro Projekt, Pässe für asynchrone Beratung.",
      },
      es: { name: "Gratis", description: "Un asesor por proyecto, pases de asesoría asíncrona." },
      fr: { name: "Gratuit", description: "Un conseiller par projet, pass de conseil asynchrone." },
      ar: { name: "مجاني", description: "مستشار واحد لكل مشروع، وباقات استشارة غير متزامنة." },
    },
    entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 1, buyPasses: true },
    prices: [],
    sortOrder: 0,
  },
  {
    key: "starter",
    texts: {
      en: {
        name: "Starter",
        description: "Up to three advisors in each project's chat, and async advice passes.",
      },
      de: {
        name: "Starter",
        description:
          "Bis zu drei Berater im Chat jedes Projekts und Pässe für asynchrone Beratung.",
      },
      es: {
        name: "Inicial",
        description:
          "Hasta tres asesores en el chat de cada proyecto y pases de asesoría asíncrona.",
      },
      fr: {
        name: "Essentiel",
        description:
          "Jusqu'à trois conseillers dans le chat de chaque projet, et des pass de conseil asynchrone.",
      },
      ar: {
        name: "المبتدئة",
        description: "حتى ثلاثة مستشارين في محادثة كل مشروع، وباقات استشارة غير متزامنة.",
      },
    },
    entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 3, buyPasses: true },
    prices: [
      { currency: "USD", interval: "month", amount: 1_900, trialDays: 0 },
      { currency: "USD", interval: "year", amount: 19_000, trialDays: 0 },
      { currency: "EUR", interval: "month", amount: 1_900, trialDays: 0 },
    ],
    sortOrder: 1,
  },
  {
    key: "pro",
    texts: {
      en: { name: "Pro", description: "Up to ten advisors per project, and async advice passes." },
      de: {
        name: "Pro",
        description: "Bis zu zehn Berater pro Projekt und Pässe für asynchrone Beratung.",
      },
      es: {
        name: "Pro",
        description: "Hasta diez asesores por proyecto y pases de asesoría asíncrona.",
      },
      fr: {
        name: "Pro",
        description: "Jusqu'à dix conseillers par projet, et des pass de conseil asynchrone.",
      },
      ar: {
        name: "الاحترافية",
        description: "حتى عشرة مستشارين لكل مشروع، وباقات استشارة غير متزامنة.",
      },
    },
    entitlements: { inviteAdvisors: true, maxAdvisorsPerProject: 10, buyPasses: true },
    prices: [
      { currency: "USD", interval: "month", amount: 4_900, trialDays: 14 },
      { currency: "USD", interval: "year", amount: 49_000, trialDays: 0 },
      { currency: "EUR", interval: "month", amount: 4_900, trialDays: 0 },
    ],
    sortOrder: 2,
  },
];

/**
 * Seeds the demo plans with their products and prices at the (simulated) provider.
 * Idempotent: an existing plan is left as it is, except that a price missing from it (an
 * earlier run that failed half-way) is created; nothing is created twice.
 */
export async function seedDemoPlans(
  db: Db,
  port: Pick<
    SubscriptionProviderCalls,
    "createPlanProduct" | "createPlanPrice" | "deactivatePlanPrice"
  >,
  now: Date = new Date(),
): Promise<void> {
  const actor = { kind: "system" as const, label: "seed" };
  const reason = "demo data";
  for (const plan of DEMO_PLANS) {
    const existing = await getPlanByKey(db, plan.key);
    if (!existing) {
      const created = await createPlan(db, port, { ...plan, actor, reason, now });
      if (!created.ok) throw new Error(`demo plan ${plan.key}: ${created.error.code}`);
      continue;
    }
    const stored = (await listPlanPrices(db, [existing.id])).filter((p) => p.active);
    for (const price of plan.prices) {
      const has = stored.some(
        (p) => p.currency === price.currency && p.interval === price.interval,
      );
      if (has) continue;
      const set = await setPlanPrice(db, port, { key: plan.key, ...price, actor, reason, now });
      if (!set.ok) throw new Error(`demo plan ${plan.key}: ${set.error.code}`);
    }
  }
}
