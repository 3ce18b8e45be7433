import { type SQL, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, genericPlanClient } from "../client";
import { useTestDatabase } from "../testing";
import { PgDialect } from "drizzle-orm/pg-core";
import {
  type AdvisorCard,
  BITMAP_ROW_COST,
  chooseSortPath,
  chooseWindowPath,
  chooseWordSortPath,
  INDEX_ITEM_COST,
  PROBE_ROWS,
  rarestWord,
  RATING_BANDS,
  RELEVANCE_WINDOW,
  searchAdvisors,
} from "./discovery";

const t = useTestDatabase();

const ADVISORS = 2000;

/**
 * 2,000 discoverable advisors with ratings spread out (and ties), whose headlines carry
 * words of chosen frequencies: "kappa" in 1 of 2 (the probe fills the window), "lambda" in
 * 7 of 20 (the probe falls short, the walk wins), "sigma" in 3 of 25 (the text index
 * wins), and "omega" in 9 of 10 (with sigma, the index reads only sigma's entries).
 * Each matches more advisors than the window holds, so the window is a real choice. "rho",
 * in 1 of 40, is rare enough that a page sorted by price is fetched, not walked; every
 * advisor with it has "omega", but 1 in 7 of those with "psi" (in 1 of 21) has not. "tau" is
 * in 7 of 20 by rank in rating order, the PROBE_ROWS-th and the next among them, so the
 * walk must go on exactly past the probe's last row. Rates spread over 100 values.
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
             case when i % 20 < 7 then 'lambda' end,
             case when i % 25 < 3 then 'sigma' end,
             case when i % 10 <> 7 then 'omega' end,
             case when i % 40 = 3 then 'rho' end,
             case when i % 21 = 7 then 'psi' end),
           'Bio', 'UTC', 5, 5000 + (i * 37) % 100 * 100, 'USD', 'active', true,
           (i * 7) % 13, least(5 * ((i * 7) % 13), (i * 7) % 13 + (i * 11) % 60)
      from generate_series(1, ${ADVISORS}) i`);
  await t.db.execute(sql`
    update advisors a set headline = a.headline || ' tau'
      from (select user_id,
                   row_number() over (order by rating_avg desc, rating_count desc, user_id desc) as rank
              from advisors) r
     where r.user_id = a.user_id and (r.rank + ${20 - (PROBE_ROWS % 20)}) % 20 between 0 and 6`);
  // The planner's counts, which the path choice reads, and the text indexes' pending entries
  // merged in, as autovacuum keeps them on a live table.
  await t.db.execute(sql`vacuum analyze advisors`);
}

/** The seed, once for the file (tests here only read). */
let seeding: Promise<void> | undefined;
const seeded = () => (seeding ??= seed());

/** The window and page order by definition, computed the plain way. */
async function reference(q: string, minRating = 0): Promise<string[]> {
  const tsquery = q
    .split(" ")
    .map((w) => `'${w}':*`)
    .join(" & ");
  const rows = await t.db.execute<{ user_id: string }>(sql`
    select w.user_id from (
      select a.user_id, a.search_vector, a.search_name from advisors a
       where a.status = 'active' and a.accepting_bookings
         and a.search_vector @@ ${tsquery}::tsquery and a.rating_avg >= ${minRating}::float8
       order by a.rating_avg desc, a.rating_count desc, a.user_id desc
       limit ${RELEVANCE_WINDOW}) w
     order by (ts_rank(w.search_vector, ${tsquery}::tsquery)
               + similarity(w.search_name, ${q}))::float8 desc, w.user_id desc`);
  return rows.map((r) => r.user_id);
}

/** Each rating band's advisors, as the planner counts them (what the statement reads). */
async function bandCounts(): Promise<number[]> {
  const rows = await t.db.execute<{ r: number }>(sql`
    select greatest(c.reltuples, 0)::float8 as r
      from unnest(${sql.param(RATING_BANDS.map((_, i) => `advisors_discovery_band${i}_idx`))}::text[])
           with ordinality as b(name, ord)
      join pg_class c on c.oid = to_regclass(b.name)
     order by b.ord`);
  return rows.map((r) => r.r);
}

/** Every page of a search, by cursor. */
async function allPages(q: string, minRating?: number): Promise<AdvisorCard[]> {
  const items: AdvisorCard[] = [];
  let cursor = null;
  for (let i = 0; i < 50; i += 1) {
    const page = await searchAdvisors(t.db, { q, limit: 20, cursor, minRating });
    items.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return items;
}

describe("relevance window: probe, walk, rating bands or rarest word, the same answer", () => {
  it("picks the cheapest path from the probe's counts and the advisors count", () => {
    const probe = (matched: number, hits: number[] = [matched], prefix = true) => ({
      matched,
      words: hits.map((h) => ({ hits: h, prefix })),
    });
    // No band counts (a table never analyzed): the index costs as one band of everyone.
    const none: number[] = [];
    expect(chooseWindowPath(probe(200), 1_000_000, none)).toBe("probe");
    expect(chooseWindowPath(probe(0), 1_000_000, none)).toBe("index");
    expect(chooseWindowPath(probe(1), 1_000_000, none)).toBe("index");
    // 1M advisors: a match in ~4.5% (UX Design) walks.
    expect(chooseWindowPath(probe(22, [22, 25]), 1_000_000, none)).toBe("walk");
    // A match in ~1% of 1M whose words are about as rare: all words through the index...
    expect(chooseWindowPath(probe(5, [6, 9]), 1_000_000, none)).toBe("index");
    // ...but when one is in every profile, the index reads only the rarest word's entries.
    expect(chooseWindowPath(probe(5, [6, 500]), 1_000_000, none)).toBe("rarest");
    // When every word is common and the whole is not, the walk.
    expect(chooseWindowPath(probe(20, [300, 400]), 1_000_000, none)).toBe("walk");
    // Whole words ("js") are read in step with the others, so they cost the index nothing.
    expect(chooseWindowPath(probe(11, [50, 225], false), 100_000, none)).toBe("index");
    expect(chooseWindowPath(probe(11, [50, 225]), 100_000, none)).toBe("walk");
    // Bands as bench/discovery.ts's 1M advisors fill them: a match in ~1% is expected to
    // fill the window from the best-rated band (58,000) alone, so the index beats the walk,
    // by all words when they are about as rare, by the rarest when one is in every profile...
    const bands = [58_000, 30_000, 50_000, 79_000, 249_000, 461_000];
    expect(chooseWindowPath(probe(5, [6, 9]), 1_000_000, bands)).toBe("index");
    expect(chooseWindowPath(probe(5, [6, 500]), 1_000_000, bands)).toBe("rarest");
    // ...but not with two words in most profiles: their entries, even in one band, cost
    // more than the walk.
    expect(chooseWindowPath(probe(20, [300, 400]), 1_000_000, bands)).toBe("walk");
    // The fewer the probe's matches, the more bands: three read the first two.
    expect(chooseWindowPath(probe(3, [3]), 1_000_000, bands)).toBe("index");
    // The crossover for a one-word match at 100k: the walk's rows at the sample's low end
    // against the index's cost at its high end.
    const n = 100_000;
    const cost = (m: number) => ({
      walk: (RELEVANCE_WINDOW * PROBE_ROWS) / (m - Math.sqrt(m)),
      index: (n / PROBE_ROWS) * (BITMAP_ROW_COST * (m + Math.sqrt(m)) + INDEX_ITEM_COST * m),
    });
    let crossover = 2;
    while (cost(crossover).walk > cost(crossover).index) crossover += 1;
    expect(chooseWindowPath(probe(crossover), n, none)).toBe("walk");
    expect(chooseWindowPath(probe(crossover - 1), n, none)).toBe("index");
  });

  it("returns the best-rated window ranked by relevance, page after page, on every path", async () => {
    await seeded();
    const discoverable = ADVISORS;
    const bandRows = await bandCounts();
    const cases = [
      // matched in the probe (of the best-rated PROBE_ROWS), and the path it implies
      { word: "kappa", share: 1 / 2, path: "probe" },
      { word: "lambda", share: 7 / 20, path: "walk" },
      { word: "tau", share: 7 / 20, path: "walk" },
      { word: "sigma", share: 3 / 25, path: "index" },
      { word: "sigma omega", share: (3 / 25) * (9 / 10), path: "rarest" },
    ];
    for (const c of cases) {
      const inProbe = Math.round(PROBE_ROWS * c.share);
      const share: Record<string, number> = { omega: 9 / 10, sigma: 3 / 25 };
      const words = c.word
        .split(" ")
        .map((w) => ({ hits: Math.round(PROBE_ROWS * (share[w] ?? c.share)), prefix: true }));
      const path = chooseWindowPath({ matched: inProbe, words }, discoverable, bandRows);
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

  it("skips the bands below a minimum rating, and only those", async () => {
    await seeded();
    // Bounds on a band's edge, inside one, and under all but the bottom band.
    for (const minRating of [4.5, 4.6, 4.95, 3.9]) {
      for (const q of ["sigma", "rho", "sigma omega"]) {
        const expected = await reference(q, minRating);
        expect(expected.length, `${q} from ${minRating}`).toBeGreaterThan(0);
        const got = await allPages(q, minRating);
        expect(
          got.map((a) => a.userId),
          `${q} from ${minRating}`,
        ).toEqual(expected);
      }
    }
  });

  it("reads each rating band through its own partial index (the migration's bounds match)", async () => {
    await seeded();
    for (const [i, band] of RATING_BANDS.entries()) {
      const bounds = [
        band.lower === null ? null : `(a.rating_avg + 0) >= ${band.lower}::float8`,
        band.upper === null ? null : `(a.rating_avg + 0) < ${band.upper}::float8`,
      ].filter((b) => b !== null);
      const plan = await t.db.transaction(async (tx) => {
        // Only an index can answer, so the plan shows which one the planner could prove.
        await tx.execute(sql`set local enable_seqscan = off`);
        const rows = await tx.execute<{ "QUERY PLAN": string }>(
          sql.raw(`explain select a.user_id from advisors a
             where a.status = 'active' and a.accepting_bookings and ${bounds.join(" and ")}
               and a.search_vector @@ 'sigma'::tsquery`),
        );
        return rows.map((r) => r["QUERY PLAN"]).join("\n");
      });
      expect(plan, `band ${i}`).toContain(`advisors_discovery_band${i}_idx`);
    }
  });
});

describe("relevance statement: one plan per shape, made once per connection", () => {
  it("runs on the generic-plan pool, shared by every search of its shape", async () => {
    await seeded();
    // One connection in each pool, so its prepared statements are all there is to see.
    const handle = createDb(t.url, { max: 1, genericPlanMax: 1 });
    try {
      const generic = genericPlanClient(handle.db);
      expect(generic).not.toBeNull();
      // One shape (two words; rates and ratings are values, present or not), two searches.
      const first = { q: "sigma omega", minRate: 5_000, maxRate: 20_000, limit: 20 };
      const second = { q: "kappa lambda", minRate: 9_000, minRating: 2, limit: 20 };
      const pooled = [
        await searchAdvisors(handle.db, first),
        await searchAdvisors(handle.db, second),
      ];
      // The same searches in a transaction: built afresh with the values as parameters.
      const fresh = await handle.db.transaction(async (tx) => {
        expect(genericPlanClient(tx)).toBeNull();
        return [await searchAdvisors(tx, first), await searchAdvisors(tx, second)];
      });
      expect(pooled[0]!.items.length).toBe(20);
      expect(pooled[1]!.items.length).toBe(20);
      expect(pooled).toEqual(fresh);
      // Page 2 of the cached shape with a cursor continues page 1 exactly as uncached.
      const next = { ...first, cursor: pooled[0]!.nextCursor };
      const page2 = await searchAdvisors(handle.db, next);
      const page2Fresh = await handle.db.transaction((tx) => searchAdvisors(tx, next));
      expect(page2).toEqual(page2Fresh);
      expect(page2.items.length).toBe(20);

      const statements = await generic!<{ generic: number; custom: number }[]>`
        select generic_plans::int as generic, custom_plans::int as custom
          from pg_prepared_statements
         where statement like '%t_alternatives%' and statement not like '%pg_prepared_statements%'
         order by generic_plans desc`;
      // Page 1's shape (both searches) and page 2's, each planned once, generically.
      expect(statements).toEqual([
        { generic: 2, custom: 0 },
        { generic: 1, custom: 0 },
      ]);
      // Every other statement stays on the main pool, planned for its values.
      const [mode] = await handle.sql<{ plan_cache_mode: string }[]>`show plan_cache_mode`;
      expect(mode?.plan_cache_mode).toBe("auto");
    } finally {
      await handle.close();
    }
  });
});

describe("text sorted by rating or price: walk the sort's index, fetch every match, or the rarest word's", () => {
  it("walks for a common match, fetches a rare one, or the rarest word's advisors", () => {
    const probe = (matched: number, hits: number[] = [matched]) => ({
      matched,
      words: hits.map((h) => ({ hits: h, prefix: true })),
    });
    expect(chooseSortPath(probe(250), 2_000, 21)).toBe("walk");
    expect(chooseSortPath(probe(0), 2_000, 21)).toBe("fetch");
    // "Marketing Strategy" at 100k: in ~3.6% of advisors, but the planner expected 0.2%.
    expect(chooseSortPath(probe(18), 100_000, 21)).toBe("walk");
    // The crossover: the walk's rows at the sample's low end against the fetch's at its high.
    const n = 100_000;
    const cost = (m: number) => ({
      walk: (21 * PROBE_ROWS) / (m - Math.sqrt(m)),
      fetch: (n / PROBE_ROWS) * (BITMAP_ROW_COST * (m + Math.sqrt(m)) + INDEX_ITEM_COST * m),
    });
    let crossover = 2;
    while (cost(crossover).walk > cost(crossover).fetch) crossover += 1;
    expect(chooseSortPath(probe(crossover), n, 21)).toBe("walk");
    expect(chooseSortPath(probe(crossover - 1), n, 21)).toBe("fetch");
    // "Unreal Engine" at 100k: a rare word and one in half of all profiles, read as a
    // prefix. Its entries make the index dearer than the walk; the rare word's alone don't.
    expect(chooseSortPath(probe(3, [3, 250]), n, 21)).toBe("rarest");
    // Two words about as rare: both through the index (their entries cost next to nothing).
    expect(chooseSortPath(probe(2, [4, 5]), n, 21)).toBe("fetch");
    // The first of the rarest, as the relevance statement picks it.
    expect(rarestWord(probe(3, [250, 3, 3]))).toBe(1);
  });

  it("for one word, walks for a common one and fetches a rare one, by the statistics' count", () => {
    const word = (matches: number) => ({ matches, discoverable: 93_000, prefix: true });
    // "Tax" at 100k, in 677 advisors (0.7%): the planner walked 3,410 rows (3.7 ms), where
    // fetching and sorting its advisors took 0.7–1.0 ms.
    expect(chooseWordSortPath(word(677), 21)).toBe("fetch");
    // "Flask", in 2,484 (2.7%): about 800 rows walked, cheaper than 2,484 fetched.
    expect(chooseWordSortPath(word(2_484), 21)).toBe("walk");
    expect(chooseWordSortPath(word(0), 21)).toBe("fetch");
    // The crossover: the walk's rows against the fetch's, each match fetched and its index
    // entry read (a prefix). About 1% at 93,000 advisors, where measured paths crossed too.
    let crossover = 1;
    while ((21 * 93_000) / crossover > (BITMAP_ROW_COST + INDEX_ITEM_COST) * crossover)
      crossover += 1;
    expect(crossover).toBeGreaterThan(800);
    expect(crossover).toBeLessThan(1_100);
    expect(chooseWordSortPath(word(crossover), 21)).toBe("walk");
    expect(chooseWordSortPath(word(crossover - 1), 21)).toBe("fetch");
    // A whole word's index entries cost the fetch nothing (see INDEX_ITEM_COST), so the
    // fetch stays the cheaper a little further.
    expect(chooseWordSortPath({ ...word(crossover), prefix: false }, 21)).toBe("fetch");
  });

  it("pages in the sort's order on every path, as the plain query orders them", async () => {
    await seeded();
    const dialect = new PgDialect();
    // The search's statements, recorded on their way to the database.
    const statements: string[] = [];
    const recording = {
      execute: (query: SQL) => {
        statements.push(dialect.sqlToQuery(query).sql);
        return t.db.execute(query);
      },
    } as unknown as typeof t.db;
    const orders = {
      rating: "a.rating_avg desc, a.rating_count desc, a.user_id desc",
      price_asc: "a.hourly_rate asc, a.user_id asc",
      price_desc: "a.hourly_rate desc, a.user_id desc",
    } as const;
    // Several words: the path the probe's counts choose. One word: its count in the
    // column's statistics ("rho" is in 50 advisors, "kappa" in 1,000).
    const cases = [
      { q: "kappa omega", path: "walk" },
      { q: "lambda sigma", path: "fetch" },
      { q: "rho omega", path: "rarest" },
      // Not every advisor with "psi" has "omega": the whole text is checked on each.
      { q: "psi omega", path: "rarest" },
      { q: "sigma omega", path: "walk" },
      { q: "rho", path: "fetch" },
      { q: "kappa", path: "walk" },
    ];
    for (const c of cases) {
      // How many of the case's statements read the column's statistics.
      let statistics = 0;
      for (const [sort, order] of Object.entries(orders) as [keyof typeof orders, string][]) {
        const tsquery = c.q
          .split(" ")
          .map((w) => `'${w}':*`)
          .join(" & ");
        const expected = (
          await t.db.execute<{ user_id: string }>(sql`
            select a.user_id from advisors a
             where a.status = 'active' and a.accepting_bookings
               and a.search_vector @@ ${tsquery}::tsquery
             order by ${sql.raw(order)} limit 60`)
        ).map((r) => r.user_id);
        statements.length = 0;
        const got: string[] = [];
        let cursor = null;
        for (let i = 0; i < 3; i += 1) {
          const page = await searchAdvisors(recording, { q: c.q, sort, limit: 20, cursor });
          got.push(...page.items.map((a) => a.userId));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        expect(got, `${c.q} by ${sort}`).toEqual(expected);
        // Each page: its terms (and counts), then the page by the path they chose.
        const pages = statements.filter((_, i) => i % 2 === 1);
        expect(pages.length, `${c.q} by ${sort}`).toBe(3);
        for (const text of pages) {
          const walk = text.includes("limit (select 2147483647::int8)");
          const rarest = text.includes("ts_match_vq");
          const fetch = text.includes("offset 0") && !rarest;
          const path = walk ? "walk" : fetch ? "fetch" : rarest ? "rarest" : "planner";
          expect(path, `${c.q} by ${sort}`).toBe(c.path);
        }
        statistics += statements.filter((text) => text.includes("pg_stats")).length;
      }
      // One word's count is read once, by its first search here (the file's others search
      // by relevance), then kept: not for each sort and page. Several words are probed.
      expect(statistics, c.q).toBe(c.q.includes(" ") ? 0 : 1);
    }
  });
});

describe("filters sorted by rating or price: the sort's index alone", () => {
  it("walks the index without reading the table, but for the page it returns", async () => {
    await seeded();
    // The search's statements, kept to be explained.
    const statements: SQL[] = [];
    const recording = {
      execute: (query: SQL) => {
        statements.push(query);
        return t.db.execute(query);
      },
    } as unknown as typeof t.db;
    const orders = {
      rating: {
        index: "advisors_discovery_rating_covering_idx",
        order: "a.rating_avg desc, a.rating_count desc, a.user_id desc",
      },
      price_asc: {
        index: "advisors_discovery_price_covering_idx",
        order: "a.hourly_rate asc, a.user_id asc",
      },
      price_desc: {
        index: "advisors_discovery_price_covering_idx",
        order: "a.hourly_rate desc, a.user_id desc",
      },
    } as const;
    // Every filter besides text: rate (in a currency) and rating match some advisors; the
    // skill and language match none here, but their columns must be in the index too.
    const filters = [
      { minRate: 6_000, maxRate: 9_000, currency: "USD", minRating: 2 },
      { skillIds: ["00000000-0000-4000-8000-000000000001"], language: "en" },
    ];
    for (const filter of filters) {
      for (const [sort, { index, order }] of Object.entries(orders) as [
        keyof typeof orders,
        (typeof orders)[keyof typeof orders],
      ][]) {
        const label = `${JSON.stringify(filter)} by ${sort}`;
        statements.length = 0;
        const got: string[] = [];
        let cursor = null;
        for (let i = 0; i < 3; i += 1) {
          const page = await searchAdvisors(recording, { ...filter, sort, limit: 20, cursor });
          got.push(...page.items.map((a) => a.userId));
          if (!page.nextCursor) break;
          cursor = page.nextCursor;
        }
        // The same advisors, in the same order, as the plain query.
        const expected = filter.skillIds
          ? []
          : (
              await t.db.execute<{ user_id: string }>(sql`
                select a.user_id from advisors a
                 where a.status = 'active' and a.accepting_bookings and a.currency = 'USD'
                   and a.hourly_rate between 6000 and 9000 and a.rating_avg >= 2
                 order by ${sql.raw(order)} limit 60`)
            ).map((r) => r.user_id);
        expect(got, label).toEqual(expected);
        if (!filter.skillIds) expect(got.length, label).toBe(60);
        // The last page's statement (its cursor included), explained where only an index can
        // walk in the sort's order (on 2,000 advisors the planner would rather read the
        // table and sort it).
        const page = statements.at(-1)!;
        const plan = await t.db.transaction(async (tx) => {
          await tx.execute(sql`set local enable_seqscan = off`);
          await tx.execute(sql`set local enable_bitmapscan = off`);
          await tx.execute(sql`set local enable_sort = off`);
          const rows = await tx.execute<{ "QUERY PLAN": string }>(sql`explain (costs off) ${page}`);
          return rows.map((r) => r["QUERY PLAN"]).join("\n");
        });
        expect(plan, label).toMatch(new RegExp(`Index Only Scan( Backward)? using ${index}`));
        expect(plan, label).not.toMatch(new RegExp(`Index Scan( Backward)? using ${index}`));
      }
    }
  });
});
