import type { Locale, Role } from "@an/domain";
import type { Db } from "./client";
import { users } from "./schema";
import { grantRole } from "./workflows/roles";

export type DemoUser = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  locale: Locale;
  timeZone: string;
  roles: Role[];
};

/** The demo users the quick start seeds: one admin, three advisors (one pricing in EUR), two clients. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    id: "demo|admin",
    email: "admin@demo.advisor.network",
    firstName: "Ada",
    lastName: "Okafor",
    locale: "en",
    timeZone: "Europe/London",
    roles: ["client", "admin"],
  },
  {
    id: "demo|advisor-amira",
    email: "amira@demo.advisor.network",
    firstName: "Amira",
    lastName: "Haddad",
    locale: "ar-EG",
    timeZone: "Africa/Cairo",
    roles: ["client", "advisor"],
  },
  {
    id: "demo|advisor-lucas",
    email: "lucas@demo.advisor.network",
    firstName: "Lucas",
    lastName: "Martin",
    locale: "fr",
    timeZone: "Europe/Paris",
    roles: ["client", "advisor"],
  },
  {
    id: "demo|advisor-elena",
    email: "elena@demo.advisor.network",
    firstName: "Elena",
    lastName: "Fischer",
    locale: "de",
    timeZone: "Europe/Berlin",
    roles: ["client", "advisor"],
  },
  {
    id: "demo|client-sam",
    email: "sam@demo.advisor.network",
    firstName: "Sam",
    lastName: "Carter",
    locale: "en",
    timeZone: "America/New_York",
    roles: ["client"],
  },
  {
    id: "demo|client-diego",
    email: "diego@demo.advisor.network",
    firstName: "Diego",
    lastName: "Ruiz",
    locale: "es",
    timeZone: "Europe/Madrid",
    roles: ["client"],
  },
];

/**
 * Seeds the demo users and their roles. Idempotent: running it again changes nothing, and
 * it never touches users that aren't demo users.
 */
export async function seedDemoData(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    for (const user of DEMO_USERS) {
      const { roles, ...row } = user;
      await tx.insert(users).values(row).onConflictDoNothing();
      for (const role of roles) {
        await grantRole(tx, {
          userId: user.id,
          role,
          actor: { kind: "system", label: "seed" },
          notify: false,
        });
      }
    }
  });
}
