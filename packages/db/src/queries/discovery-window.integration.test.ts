import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../testing";
import {
  type AdvisorCard,
  BITMAP_ROW_COST,
  PROBE_ROWS,
  RELEVANCE_WINDOW,
  searchAdvisors,
  walkBeatsBitmap,
} from "./discovery";

const t = useTestDatabase();

const ADVISORS = 2000;

/**
 * 2,000 discoverable advisors with ratings spread out (and ties), whose headlines carry
 * words of chosen frequencies: "kappa" in 1 of 2 (the probe fills the window), "lambda" in
 * 3 of 10 (the probe falls short, the walk wins), "sigma" in 3 of 25 (the bitmap wins).
 * Each matches more advisors than the window holds, so the window is a real choice.
 */
async function seed() {
  await t.db.execute(sql`
    insert into users (id, email, first_name, last_name)
    select 'w|' || i, 'w' || i || '@example.com', 'First', 'Last' from generate_series(1, ${ADVISORS}) i`);
  await t.db.execute(sql`
    insert into advisors (user_id, display_name, headline, bio, time_zone, years_experience,
                          hourly_rate, currency, status, accepting_bookings, rating_count, rating_sum)
    select 'w|' || i, 'Advisor ' || i,
           concat_ws(' ', 'Consultant',
             case when i % 2 = 0 then 'kappa' end,
             case when i % 10 < 3 then 'lambda' end,
             case when i % 25 < 3 then 'sigma' end),
           'Bio', 'UTC', 5, 10000, 'USD', 'active', true,
           (i * 7) % 13, least(5 * ((i * 7) % 13), (i * 7) % 13 + (i * 11) % 60)
      from generate_series(1, ${ADVISORS}) i`);
  // The planner's count of advisors, which the choice between walk and bitmap reads.
  await t.db.execute(sql`analyze advisors`);
}

/** The window and page order by definition, computed the plain way. */
async function reference(word: string): Promise<string[]> {
  const rows = await t.db.execute<{ user_id: string }>(sql`
    select w.user_id from (
      select a.user_id, a.search_vector, a.search_name from advisors a
       where a.status = 'active' and a.accepting_bookings
         and a.search_vector @@ ${`'${word}':*`}::tsquery
       order by a.rating_avg desc, a.rating_count desc, a.user_id desc
       limit ${RELEVANCE_WINDOW}) w
     order by (ts_rank(w.search_vector, ${`'${word}':*`}::tsquery)
               + similarity(w.search_name, ${word}))::float8 desc, w.user_id desc`);
  return rows.map((r) => r.user_id);
}

/** Every page of a search, by cursor. */
async function allPages(q: string): Promise<AdvisorCard[]> {
  const items: AdvisorCard[] = [];
  let cursor = null;
  for (let i = 0; i < 50; i += 1) {
    const page = await searchAdvisors(t.db, { q, limit: 20, cursor });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

describe("relevance window: probe, walk or bitmap, the same answer", () => {
  it("decides walk or bitmap from the probe's matches and the advisors count", () => {
    expect(walkBeatsBitmap(0, 1_000_000)).toBe(false);
    // 1M advisors: a match in ~4.5% (UX Design) walks; one in ~0.2% uses the text index.
    expect(walkBeatsBitmap(22, 1_000_000)).toBe(true);
    expect(walkBeatsBitmap(1, 1_000_000)).toBe(false);
    // A handful of matches says too little to bet on the walk, however many advisors.
    expect(walkBeatsBitmap(4, 10_000_000)).toBe(false);
    // The crossover: the walk's rows at the sample's low end (window / f, f from
    // matched − 2√matched) equal BITMAP_ROW_COST × the matches at its high end
    // (n × f, f from matched + 2√matched); i.e. matched² − 4·matched = bound.
    const n = 100_000;
    const bound = (RELEVANCE_WINDOW * PROBE_ROWS ** 2) / (BITMAP_ROW_COST * n);
    const crossover = 2 + Math.sqrt(4 + bound);
    expect(walkBeatsBitmap(Math.ceil(crossover), n)).toBe(true);
    expect(walkBeatsBitmap(Math.floor(crossover) - 1, n)).toBe(false);
  });

  it("returns the best-rated window ranked by relevance, page after page, on every path", async () => {
    await seed();
    const discoverable = ADVISORS;
    const cases = [
      // matched in the probe (of the best-rated PROBE_ROWS), and the path it implies
      { word: "kappa", share: 1 / 2, path: "probe" },
      { word: "lambda", share: 3 / 10, path: "walk" },
      { word: "sigma", share: 3 / 25, path: "bitmap" },
    ];
    for (const c of cases) {
      const inProbe = Math.round(PROBE_ROWS * c.share);
      const path =
        inProbe >= RELEVANCE_WINDOW
          ? "probe"
          : walkBeatsBitmap(inProbe, discoverable)
            ? "walk"
            : "bitmap";
      expect(path, c.word).toBe(c.path);
      const expected = await reference(c.word);
      expect(expected.length).toBe(RELEVANCE_WINDOW);
      const got = await allPages(c.word);
      expect(
        got.map((a) => a.userId),
        c.word,
      ).toEqual(expected);
    }
  });
});
