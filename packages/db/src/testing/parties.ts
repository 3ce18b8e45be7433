import { type Db, seedDemoData } from "../index";
import { insertAdvisor } from "./fixtures";

/** Ids of the demo users (`seedDemoData`), as tests name them. */
export const SAM = "demo|client-sam";
export const DIEGO = "demo|client-diego";
export const AMIRA = "demo|advisor-amira";
export const LUCAS = "demo|advisor-lucas";
export const ADMIN = "demo|admin";

/** The advisor and the client of the processing tests, with the emails the providers send. */
export const ADVISOR = { id: AMIRA, email: "amira@demo.advisor.network" };
export const CLIENT = { id: SAM, email: "sam@demo.advisor.network" };

/** The demo users plus Amira as an approved advisor. */
export async function seedParties(db: Db): Promise<void> {
  await seedDemoData(db);
  await insertAdvisor(db, { userId: ADVISOR.id, displayName: "Amira H." });
}
