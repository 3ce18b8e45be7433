import type { ApplicationProfile } from "@an/domain";
import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { getLatestApplicationForUser } from "./queries/applications";
import {
  decideApplication,
  saveApplicationDraft,
  submitApplication,
} from "./workflows/applications";
import { listSkills } from "./queries/skills";
import { createSkill } from "./workflows/skills";
import { advisors } from "./schema";

const SEED = { kind: "system", label: "seed" } as const;

const DEMO_SKILLS: { name: string; synonyms: string[] }[] = [
  { name: "Node.js", synonyms: ["node", "nodejs"] },
  { name: "React", synonyms: ["reactjs", "react.js"] },
  { name: "TypeScript", synonyms: ["ts"] },
  { name: "PostgreSQL", synonyms: ["postgres", "psql"] },
  { name: "Stripe", synonyms: ["stripe connect"] },
  { name: "Python", synonyms: ["py"] },
  { name: "Product strategy", synonyms: ["product management"] },
  { name: "UX design", synonyms: ["user experience"] },
];

type DemoApplicant = {
  userId: string;
  profile: ApplicationProfile & { skills: string[] };
  approve: boolean;
};

const APPLICANTS: DemoApplicant[] = [
  {
    userId: "demo|advisor-amira",
    approve: true,
    profile: {
      displayName: "Amira Haddad",
      headline: "Payments and marketplaces on Node.js and Stripe",
      bio: "Built the billing stack of two Cairo marketplaces. I help teams get Stripe Connect, webhooks and ledgers right.",
      skills: ["Node.js", "Stripe", "PostgreSQL", "TypeScript"],
      languages: ["ar", "en"],
      timeZone: "Africa/Cairo",
      // She invoices through her US company: payouts to Egypt aren't supported from a US
      // platform, a US account is.
      country: "US",
      yearsExperience: 9,
      githubUrl: "https://github.com/amira-demo",
      hourlyRate: 15_000,
      currency: "USD",
      calcomEventType: "amira/consultation",
    },
  },
  {
    userId: "demo|advisor-lucas",
    approve: true,
    profile: {
      displayName: "Lucas Martin",
      headline: "React front ends that stay fast",
      bio: "Front-end lead in Paris. Performance audits, design systems, and TypeScript migrations.",
      skills: ["React", "TypeScript", "UX design"],
      languages: ["fr", "en"],
      timeZone: "Europe/Paris",
      // On the default US platform: a cross-border (recipient) account in France.
      country: "FR",
      yearsExperience: 12,
      linkedinUrl: "https://www.linkedin.com/in/lucas-demo",
      hourlyRate: 12_000,
      currency: "USD",
      calcomEventType: "lucas/consultation",
    },
  },
  {
    // Prices in euros: the demo's proof that a consultation books and pays out in EUR.
    userId: "demo|advisor-elena",
    approve: true,
    profile: {
      displayName: "Elena Fischer",
      headline: "Product strategy for B2B marketplaces",
      bio: "Product lead in Berlin for ten years. Pricing, onboarding funnels and roadmaps that survive contact with customers.",
      skills: ["Product strategy", "UX design"],
      languages: ["de", "en"],
      timeZone: "Europe/Berlin",
      // Germany from a US platform: a cross-border (recipient) Connect account.
      country: "DE",
      yearsExperience: 10,
      linkedinUrl: "https://www.linkedin.com/in/elena-demo",
      hourlyRate: 11_000,
      currency: "EUR",
      calcomEventType: "elena/consultation",
    },
  },
  {
    userId: "demo|client-diego",
    approve: false,
    profile: {
      displayName: "Diego Ruiz",
      headline: "Data pipelines in Python",
      bio: "Data engineer in Madrid; I want to help founders set up their first analytics stack.",
      skills: ["Python", "PostgreSQL"],
      languages: ["es", "en"],
      timeZone: "Europe/Madrid",
      country: "ES",
      yearsExperience: 6,
      hourlyRate: 9_000,
      currency: "USD",
    },
  },
];

/**
 * Development only: a small marketplace on top of the demo users, made through the same
 * functions the API uses — a skills taxonomy, Amira and Lucas (USD) and Elena (EUR) applied
 * and approved (so they are discoverable advisors), and Diego's application waiting in the admins' queue.
 * Idempotent: whatever already exists is left alone.
 */
export async function seedDemoMarketplace(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const existing = await listSkills(tx, { limit: 500 });
    if (existing.length === 0) {
      for (const skill of DEMO_SKILLS) await createSkill(tx, { ...skill, actor: SEED });
    }
    const skillIds = new Map((await listSkills(tx, { limit: 500 })).map((s) => [s.name, s.id]));
    for (const applicant of APPLICANTS) {
      const [advisor] = await tx
        .select({ id: advisors.userId })
        .from(advisors)
        .where(eq(advisors.userId, applicant.userId));
      if (advisor || (await getLatestApplicationForUser(tx, { userId: applicant.userId })))
        continue;
      const { skills: names, ...profile } = applicant.profile;
      const actor = { kind: "user", userId: applicant.userId } as const;
      const draft = await saveApplicationDraft(tx, {
        userId: applicant.userId,
        profile: { ...profile, skillIds: names.flatMap((n) => skillIds.get(n) ?? []) },
        actor,
      });
      if (!draft.ok)
        throw new Error(`demo application for ${applicant.userId}: ${JSON.stringify(draft.error)}`);
      const submitted = await submitApplication(tx, {
        id: draft.value.id,
        userId: applicant.userId,
        actor,
      });
      if (!submitted.ok)
        throw new Error(
          `demo submission for ${applicant.userId}: ${JSON.stringify(submitted.error)}`,
        );
      if (applicant.approve) {
        const approved = await decideApplication(tx, {
          id: draft.value.id,
          outcome: { decision: "approved" },
          actor: { kind: "user", userId: "demo|admin" },
        });
        if (!approved.ok)
          throw new Error(
            `demo approval for ${applicant.userId}: ${JSON.stringify(approved.error)}`,
          );
      }
    }
  });
}
