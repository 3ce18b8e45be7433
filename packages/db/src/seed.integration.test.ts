import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { searchAdvisors } from "./queries/discovery";
import { seedDemoData } from "./seed";
import { seedDemoMarketplace } from "./seed-marketplace";
import { useTestDatabase } from "./testing";

const t = useTestDatabase();

describe("demo data", () => {
  it("seeds users, a taxonomy, three approved advisors (one in EUR) and a pending application, idempotently", async () => {
    for (let run = 0; run < 2; run++) {
      await seedDemoData(t.db);
      await seedDemoMarketplace(t.db);
    }
    const counts = await t.db.execute<{
      users: number;
      skills: number;
      advisors: number;
      submitted: number;
    }>(sql`
      select (select count(*)::int from users) as users,
             (select count(*)::int from skills) as skills,
             (select count(*)::int from advisors) as advisors,
             (select count(*)::int from advisor_applications where status = 'submitted') as submitted`);
    expect(counts[0]).toEqual({ users: 6, skills: 8, advisors: 3, submitted: 1 });
    const found = await searchAdvisors(t.db, { q: "stripe connect", limit: 10 });
    expect(found.items.map((a) => a.displayName)).toEqual(["Amira Haddad"]);
    const [elena] = await t.db.execute<{ currency: string; rate: number; et: string }>(sql`
      select currency, hourly_rate as rate, calcom_event_type as et from advisors
       where user_id = 'demo|advisor-elena'`);
    expect(elena).toEqual({ currency: "EUR", rate: 11_000, et: "elena/consultation" });
  });
});
