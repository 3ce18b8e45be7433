import { fillPlaceholders, type SQL, sql } from "drizzle-orm";
import { PgDialect } from "drizzle-orm/pg-core";
import { type Executor, genericPlanClient, plannedForItsValues } from "../client";

export const DISCOVERY_SORTS = ["relevance", "rating", "price_asc", "price_desc"] as const;
export type DiscoverySort = (typeof DISCOVERY_SORTS)[number];

/**
 * Where the previous page ended: the sort it belongs to, that row's sort key and its
 * user id (the tie-breaker), so the next page starts exactly after it.
 */
export type DiscoveryCursor = { sort: DiscoverySort; key: number[]; userId: string };

export type SearchAdvisorsParams = {
  /** Free text over name, headline, bio and skills (with synonyms); typos tolerated. */
  q?: string | null;
  /** The advisor must have every one of these skills; a merged skill means its survivor. */
  skillIds?: readonly string[];
  /** BCP-47 code the advisor speaks, e.g. "en". */
  language?: string | null;
  /** Currency of `minRate`/`maxRate`; only applied when a rate bound is. Default "USD". */
  currency?: string;
  /** Hourly rate bounds, inclusive, in minor units of `currency`. */
  minRate?: number | null;
  maxRate?: number | null;
  /** Minimum average rating, 1–5; unrated advisors count as 0. */
  minRating?: number | null;
  /** Default: relevance when `q` has words, else rating. */
  sort?: DiscoverySort;
  /** Page size; one more row is read to know whether another page follows. */
  limit: number;
  cursor?: DiscoveryCursor | null;
};

/** What anyone may see of an advisor in search results. Never email or last name. */
export type AdvisorCard = {
  userId: string;
  displayName: string;
  headline: string;
  avatarPath: string | null;
  /** Minor units of `currency`. */
  hourlyRate: number;
  /** One day of async advice (an async pass), minor units of `currency`; null = not offered. */
  asyncDayRate: number | null;
  currency: string;
  rating: { average: number | null; count: number };
  /** Skill names (a merged skill shows as its survivor), alphabetical. */
  skills: string[];
  languages: string[];
};

export type AdvisorSearchPage = { items: AdvisorCard[]; nextCursor: DiscoveryCursor | null };

/** Opaque form of a cursor for callers: base64url JSON. */
export function encodeDiscoveryCursor(cursor: DiscoveryCursor | null): string | null {
  if (!cursor) return null;
  return Buffer.from(JSON.stringify([cursor.sort, cursor.key, cursor.userId]), "utf8").toString(
    "base64url",
  );
}

/** The cursor inside an opaque string, or null if it isn't one this module made. */
export function decodeDiscoveryCursor(value: string): DiscoveryCursor | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [sort, key, userId] = parsed as unknown[];
  if (typeof sort !== "string" || !(DISCOVERY_SORTS as readonly string[]).includes(sort))
    return null;
  const sortName = sort as DiscoverySort;
  if (!Array.isArray(key) || !KEY_LENGTHS[sortName].includes(key.length)) return null;
  if (!key.every((k) => typeof k === "number" && Number.isFinite(k))) return null;
  if (typeof userId !== "string" || userId.length === 0 || userId.length > 255) return null;
  return { sort: sortName, key: key as number[], userId };
}

/** How many values a sort's key has: relevance with text ranks by one, without by rating's two. */
const KEY_LENGTHS: Record<DiscoverySort, readonly number[]> = {
  relevance: [1, 2],
  rating: [2],
  price_asc: [1],
  price_desc: [1],
};

/**
 * Shorter words match whole words only: "c" or "js" as a prefix would match a large part of
 * the vocabulary, and a short prefix can't use the text index's fast intersection.
 */
const MIN_PREFIX_LENGTH = 3;
/** Words shorter than this many characters are never "corrected". */
const MIN_FUZZY_LENGTH = 4;
/**
 * How many vocabulary terms stand in for a misspelled word. The trigram similarity they need
 * (0.25) is set on `discovery_similar_terms` itself (migration 0019), so a search needs no
 * transaction of its own to set it.
 */
const FUZZY_TERMS = 2;
const MAX_WORDS = 8;
/**
 * How many matches (the best-rated) a relevance sort ranks, i.e. ten pages of 20; see
 * `searchAdvisors`. Filling it walks ~200/selectivity rows, so it bounds the latency.
 */
export const RELEVANCE_WINDOW = 200;

/**
 * The query's text, as SQL expressions: the whole tsquery, each word's part of it (a word
 * and its corrections, a tsquery[], for the probe's cost estimate), and the normalized
 * words (for name similarity). Literal values once resolved by `resolveSearchTerms`, or
 * references to the `terms` row of `searchTermsCtes` in the same statement.
 */
type TextQuery = {
  tsquery: SQL;
  groups: SQL;
  normalized: SQL;
  /** Whether the text may have more than one word (so words are counted one by one). */
  severalWords: boolean;
};

/**
 * A code constant written into the statement's text, not sent as a parameter, so a generic
 * plan knows it (it plans a LIMIT parameter as a tenth of the rows, and a probe of 500 as
 * a walk of 9,000).
 */
function lit(value: number): SQL {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return sql.raw(String(value));
}

/** The words of a search text, as the statement normalizes them further, distinct, capped. */
function searchWords(q: string | null | undefined): string[] {
  if (!q) return [];
  return [
    ...new Set(
      q
        .normalize("NFC")
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean),
    ),
  ].slice(0, MAX_WORDS);
}

/**
 * Common table expressions (for a `with recursive` list) that resolve a search's words and
 * skills, ending in `terms`, one row: `tsquery`, `groups` (tsquery[]), `normalized` (null
 * when the text has no words), and `t_families` (req, ids: text[]), one row per known skill.
 *
 * Text: each word of 3+ characters matches as a prefix, shorter ones as whole words; a word
 * of 4+ letters that is not (a prefix of) any word in `discovery_terms` (skill words,
 * synonyms and advisors' name words) also matches the terms nearest to it by trigram
 * similarity ("pyhton" → python, "hadad" → haddad). Words are normalized by the same
 * function as the indexed text, and quoted as tsquery literals, so no input can make a
 * syntax error. Normalizing strips every ASCII punctuation mark, so a word is a safe LIKE
 * prefix.
 *
 * Skills: for each requested id, every skill id in its merge family (the survivor it was
 * merged into, transitively, and everything merged into that), so old references match. An
 * unknown skill has no family row: nobody has it, so nothing matches.
 */
function searchTermsCtes(words: SQL, skills: SQL): SQL {
  return sql`
    t_words as (
      select distinct on (n.w) n.w, u.ord
        from unnest(${words}::text[]) with ordinality as u(raw, ord)
        cross join lateral regexp_split_to_table(discovery_normalize(u.raw), '\\s+') as n(w)
       where n.w <> ''
       order by n.w, u.ord
    ),
    t_alternatives as (
      select t_words.w, t_words.ord,
             concat_ws(' | ', quote_literal(t_words.w)
                 || case when length(t_words.w) >= ${lit(MIN_PREFIX_LENGTH)} then ':*' else '' end,
               (select string_agg(quote_literal(c.term), ' | ' order by c.ord)
                  from unnest(discovery_similar_terms(t_words.w, ${lit(FUZZY_TERMS)}))
                       with ordinality as c(term, ord)
                 where length(t_words.w) >= ${lit(MIN_FUZZY_LENGTH)}
                   and not exists (select 1 from discovery_terms e
                                    where e.term like t_words.w || '%'))) as alts
        from t_words
    ),
    t_up(req, id, parent, depth) as (
      select s.id, s.id, s.merged_into_id, 0 from skills s
       where s.id = any(${skills}::uuid[])
      union all
      select t_up.req, s.id, s.merged_into_id, t_up.depth + 1
        from t_up join skills s on s.id = t_up.parent where t_up.depth < 20
    ),
    t_down(req, id, depth) as (
      select req, id, 0 from t_up where parent is null
      union all
      select t_down.req, s.id, t_down.depth + 1
        from t_down join skills s on s.merged_into_id = t_down.id where t_down.depth < 20
    ),
    t_families as materialized (
      select req::text as req, array_agg(distinct id::text) as ids from t_down group by req
    ),
    terms as materialized (
      select (select string_agg('(' || alts || ')', ' & ' order by ord)::tsquery
                from t_alternatives) as tsquery,
             (select array_agg(alts::tsquery order by ord) from t_alternatives) as groups,
             (select string_agg(w, ' ' order by ord) from t_alternatives) as normalized
    )`;
}

/**
 * The search's text and its skills' merge families (see `searchTermsCtes`), resolved in a
 * statement of their own: for searches whose plan depends on them (a sort by rating or
 * price walks an index or fetches every match). With `probe` (the filters, as conditions on
 * `advisors a`, their skills' families read from `t_families`), a text of several words
 * also counts what the relevance statement's probe counts (see `windowedPageSql`): how many of the
 * best-rated PROBE_ROWS match, whole and word by word, for `chooseSortPath`. With
 * `estimateWord`, a text of one word also gets how many advisors have it, as the column's
 * statistics say (see `chooseWordSortPath`).
 */
async function resolveSearchTerms(
  ex: Executor,
  words: readonly string[],
  skills: readonly string[],
  probe: SQL[] | null = null,
  estimateWord = false,
): Promise<{
  text: TextQuery | null;
  families: string[][];
  /** `groups`: each word's part of the text (with its corrections), as tsquery text. */
  probe: (ProbeCounts & { discoverable: number; groups: string[] }) | null;
  /** One word: the advisors expected to have it; null without statistics (never analyzed). */
  word: WordEstimate | null;
}> {
  if (words.length === 0 && skills.length === 0) {
    return { text: null, families: [], probe: null, word: null };
  }
  // Only for several words: the planner reads one word's frequency well from the column's
  // statistics, but multiplies several words' as if unrelated (see `chooseSortPath`).
  const counted = probe !== null && words.length > 1;
  const estimated = estimateWord && words.length === 1;
  // Its plan is the same whatever the values (it reads no table by them but the skills'
  // primary key), so it runs prepared on the generic-plan pool: planning it took 0.6 ms.
  const rows = await executeGeneric<{
    tsquery: string | null;
    groups: string[] | null;
    normalized: string | null;
    families: Record<string, string[]> | null;
    matched: number | null;
    hits: number[] | null;
    discoverable: number | null;
    word_frequency: number | null;
  }>(
    ex,
    sql`
    with recursive ${searchTermsCtes(sql`${sql.param(words)}`, sql`${sql.param(skills)}`)}
    ${
      counted
        ? sql`, probe_rows as materialized (
      select a.search_vector, a.skill_ids, a.languages, a.currency, a.hourly_rate, a.rating_avg
        from advisors a
       where ${DISCOVERABLE} order by ${RATING_ORDER} limit ${lit(PROBE_ROWS)})`
        : sql``
    }
    select tsquery::text, groups::text[], normalized,
           (select jsonb_object_agg(req, ids) from t_families) as families,
           ${estimated ? WORD_FREQUENCY : sql`null::float8`} as word_frequency,
           ${counted || estimated ? DISCOVERABLE_COUNT : sql`null::float8`} as discoverable,
           ${
             counted
               ? sql`(select count(*)::int from probe_rows a
                  where a.search_vector @@ terms.tsquery and ${sql.join([sql`true`, ...probe], sql` and `)}) as matched,
           (select array_agg((select count(*)::int from probe_rows a where a.search_vector @@ g.q)
                             order by g.ord)
              from unnest(terms.groups) with ordinality as g(q, ord)) as hits`
               : sql`null::int as matched, null::int[] as hits`
           }
      from terms`,
  );
  const row = rows[0];
  const byId = row?.families ?? {};
  return {
    word:
      // One group: a word that normalizes to several ("e-commerce") needs them all, which
      // a sum of their frequencies doesn't estimate.
      estimated &&
      row?.word_frequency != null &&
      row.discoverable !== null &&
      row.groups?.length === 1
        ? {
            matches: row.word_frequency * row.discoverable,
            discoverable: row.discoverable,
            prefix: row.groups[0]!.includes(":*"),
          }
        : null,
    probe:
      counted && row?.groups && row.hits && row.matched !== null && row.discoverable !== null
        ? {
            discoverable: row.discoverable,
            groups: row.groups,
            matched: row.matched,
            words: row.groups.map((g, i) => ({
              hits: row.hits![i] ?? 0,
              prefix: g.includes(":*"),
            })),
          }
        : null,
    text:
      row?.tsquery && row.groups && row.normalized
        ? {
            tsquery: sql`${row.tsquery}::tsquery`,
            groups: sql`${sql.param(row.groups)}::tsquery[]`,
            normalized: sql`${row.normalized}::text`,
            severalWords: row.groups.length > 1,
          }
        : null,
    families: skills.map((id) => byId[id] ?? []),
  };
}

/** A cursor's values as SQL: parameters, or placeholders of a cached statement. */
type CursorValues = { key: SQL[]; userId: SQL };
/**
 * Sort keys, as output columns k0, k1; `order` names columns only (an output column, or the
 * table's own of the same name), so it also orders a walk of the sort's index.
 */
type SortPlan = { keys: SQL[]; order: SQL; after: (cursor: CursorValues) => SQL };

function sortPlan(sort: DiscoverySort, text: TextQuery | null): SortPlan {
  switch (sort) {
    case "relevance": {
      // Full-text rank (name > headline > the rest) plus how close the text is to the
      // name, which is what lifts a misspelled name. Without text, relevance is rating.
      if (!text) return sortPlan("rating", null);
      const rank = sql`(ts_rank(a.search_vector, ${text.tsquery})
        + similarity(a.search_name, ${text.normalized}))::float8`;
      return {
        keys: [rank],
        order: sql`k0 desc, user_id desc`,
        after: (c) => sql`(${rank}, a.user_id) < (${c.key[0]}::float8, ${c.userId})`,
      };
    }
    case "rating":
      return {
        keys: [sql`a.rating_avg`, sql`a.rating_count::float8`],
        order: sql`rating_avg desc, rating_count desc, user_id desc`,
        after: (c) =>
          sql`(a.rating_avg, a.rating_count, a.user_id) < (${c.key[0]}::float8, ${c.key[1]}::int, ${c.userId})`,
      };
    case "price_asc":
      return {
        keys: [sql`a.hourly_rate::float8`],
        order: sql`hourly_rate asc, user_id asc`,
        after: (c) => sql`(a.hourly_rate, a.user_id) > (${c.key[0]}::int, ${c.userId})`,
      };
    case "price_desc":
      return {
        keys: [sql`a.hourly_rate::float8`],
        order: sql`hourly_rate desc, user_id desc`,
        after: (c) => sql`(a.hourly_rate, a.user_id) < (${c.key[0]}::int, ${c.userId})`,
      };
  }
}

type PageRow = {
  user_id: string;
  display_name: string;
  headline: string;
  avatar_path: string | null;
  hourly_rate: number;
  async_day_rate: number | null;
  currency: string;
  rating_count: number;
  rating_avg: number;
  k0: number;
  k1?: number;
  skills: string[];
  languages: string[];
};

/**
 * Advisors the probe looks at (the best-rated, in rating order). When a match is common
 * they fill the window themselves; otherwise how many of them match estimates how common
 * the match is.
 */
export const PROBE_ROWS = 500;

/**
 * Costs, in rows walked in rating order (a heap visit and a check: 1.2–2.4 µs on a 2-core
 * machine, measured with both paths forced on 28 skills of every frequency, warm cache).
 * BITMAP_ROW_COST: a match fetched from the heap and sorted (2.2–4.4 µs).
 * INDEX_ITEM_COST: an entry the text index reads for a word matched as a prefix (0.16–0.46
 * µs: such a word is gathered into a bitmap, all of its advisors, before the words are
 * intersected; a whole word is read in step with the rarer ones, skipping, and costs about
 * nothing). The second is why a common word makes the text index dear however rare the
 * whole query is: at 1M advisors, "Product Management enterprises" matched 1% of
 * advisors, but "product" is in every bio, and the index read 1.1M entries (185 ms) where
 * the walk needed 20,000 rows (30 ms).
 */
export const BITMAP_ROW_COST = 2;
export const INDEX_ITEM_COST = 0.15;

/** What the probe saw among the PROBE_ROWS best-rated advisors. */
export type ProbeCounts = {
  /** How many matched the whole search. */
  matched: number;
  /**
   * Each word of the text (with its corrections), in query order: how many matched it, and
   * whether it matches as a prefix (3+ characters).
   */
  words: readonly { hits: number; prefix: boolean }[];
};

/**
 * How the relevance window (the best-rated RELEVANCE_WINDOW matches) is found:
 * - probe: the probe itself held enough matches;
 * - walk: on down the rating index, checking each advisor;
 * - index: the matches from the text index (all words), one rating band at a time, best
 *   first, until the bands read hold the window (see RATING_BANDS);
 * - rarest: the advisors with the query's rarest word from the text index, the other words
 *   checked on the row, band by band like the index path. A common word costs the index an
 *   entry per advisor that has it, but costs a row check nothing.
 */
export type WindowPath = "probe" | "walk" | "index" | "rarest";

/**
 * The cheapest path by the probe's counts and the rating bands' sizes (`bandRows`, best
 * first), in walked rows: the walk visits ~window / frequency rows; the index reads each
 * word's entries and fetches the matches of every band it expects to need (those until the
 * bands before hold the window); the rarest word's path reads and fetches that word's
 * advisors in the same bands.
 *
 * A probe of 500 is a small sample (13 matches there came from a word in 1.4% of advisors,
 * and the walk the 2.6% predicted took 14,000 rows where the index needed 1,300 matches).
 * So each frequency is taken at the end of its one-sigma range (count ± √count) that is
 * worse for the path; a match or none says too little to bet on the walk. The same
 * arithmetic runs inside the search statement (see `windowedPageSql`); this is its
 * reference.
 */
export function chooseWindowPath(
  probe: ProbeCounts,
  discoverable: number,
  bandRows: readonly number[],
): WindowPath {
  if (probe.matched >= RELEVANCE_WINDOW) return "probe";
  const high = (k: number) => k + Math.sqrt(k);
  const low = Math.max(0, probe.matched - Math.sqrt(probe.matched));
  const items = (w: { hits: number; prefix: boolean }) => (w.prefix ? w.hits : 0);
  const rarest = probe.words[rarestWord(probe)]!;
  // The bands read in turn until those before are expected (at the sample's low end) to
  // hold the window; without band counts (never analyzed), one band of every advisor.
  const bands = bandRows.reduce((x, y) => x + y, 0) >= 1 ? bandRows : [discoverable];
  const banded = (perRow: number) => {
    let before = 0;
    let cost = 0;
    for (const rows of bands) {
      if ((before * low) / PROBE_ROWS >= RELEVANCE_WINDOW) break;
      cost += (rows / PROBE_ROWS) * perRow;
      before += rows;
    }
    return cost;
  };
  const costs: [WindowPath, number][] = [
    // All the walk's rows, the probe's too, though it goes on past them (see
    // `windowedPageSql`): so costed, it chose as well as the bands and the rarest word on
    // 300 searches at 100k; without the probe's rows, it was chosen where it was slower.
    ["walk", low > 0 ? (RELEVANCE_WINDOW * PROBE_ROWS) / low : Infinity],
    [
      "index",
      banded(
        BITMAP_ROW_COST * high(probe.matched) +
          INDEX_ITEM_COST * probe.words.reduce((sum, w) => sum + items(w), 0),
      ),
    ],
    [
      "rarest",
      probe.words.length > 1
        ? banded(BITMAP_ROW_COST * high(rarest.hits) + INDEX_ITEM_COST * items(rarest))
        : Infinity,
    ],
  ];
  // Ties go to the earlier: the walk, then all words through the index.
  return costs.reduce((best, c) => (c[1] < best[1] ? c : best))[0];
}

/**
 * Which word of the text (an index into `probe.words`) the probe found in the fewest of
 * its rows: the first of them on a tie, as the relevance statement picks it.
 */
export function rarestWord(probe: ProbeCounts): number {
  return probe.words.reduce((r, w, i) => (w.hits < probe.words[r]!.hits ? i : r), 0);
}

/**
 * How a text search sorted by rating or price finds its page (`rows`, the page and one
 * more): `walk` the sort's index from the cursor, checking each advisor; `fetch` every
 * match from the text index (all words) and sort them; or, for several words, fetch the
 * advisors with the `rarest` word from the index, check the whole text on each row and
 * sort those. The same costs as `chooseWindowPath`'s walk, index and rarest word
 * (unbanded), for `rows` instead of the window, from the same probe. The planner can't be
 * left to choose: the words of a skill name come together, and it multiplies their
 * frequencies. For "Marketing Strategy" by price it read 3,337 matches (8 ms, at 100k
 * advisors), expecting 210, where the walk took 600 rows (1 ms). And a common word read
 * as a prefix is dear in the index: "Unreal Engine" by price walked 4,321 rows (6.5 ms at
 * 100k), and all words through the index cost 16 ms for "engine:*" alone, where the 565
 * advisors with "unreal" hold every match.
 */
export function chooseSortPath(
  probe: ProbeCounts,
  discoverable: number,
  rows: number,
): "walk" | "fetch" | "rarest" {
  const low = Math.max(0, probe.matched - Math.sqrt(probe.matched));
  const high = (k: number) => k + Math.sqrt(k);
  const items = (w: { hits: number; prefix: boolean }) => (w.prefix ? w.hits : 0);
  const scale = discoverable / PROBE_ROWS;
  const rarest = probe.words[rarestWord(probe)];
  const costs: ["walk" | "fetch" | "rarest", number][] = [
    ["walk", low > 0 ? (rows * PROBE_ROWS) / low : Infinity],
    [
      "fetch",
      scale *
        (BITMAP_ROW_COST * high(probe.matched) +
          INDEX_ITEM_COST * probe.words.reduce((sum, w) => sum + items(w), 0)),
    ],
    [
      "rarest",
      rarest && probe.words.length > 1
        ? scale * (BITMAP_ROW_COST * high(rarest.hits) + INDEX_ITEM_COST * items(rarest))
        : Infinity,
    ],
  ];
  // Ties go to the earlier: the walk, then all words through the index.
  return costs.reduce((best, c) => (c[1] < best[1] ? c : best))[0];
}

/**
 * How many discoverable advisors are expected to have a searched word, of how many, and
 * whether it matches as a prefix (3+ characters).
 */
export type WordEstimate = { matches: number; discoverable: number; prefix: boolean };

/**
 * Each searched word's estimate, for a while. It comes from the column's statistics, which
 * change only when the table is analyzed, and reading them took 0.3 ms of a 1–4 ms search.
 * A hint for the path only: a stale or missing one costs time, never a different page, so
 * each process keeps its own. Null: none (no statistics, or a word that normalizes to
 * several). Cleared when full.
 */
const wordEstimates = new Map<string, { word: WordEstimate | null; at: number }>();
const WORD_ESTIMATE_TTL_MS = 10 * 60_000;
const MAX_WORD_ESTIMATES = 10_000;

/** A word's estimate from a search in the last WORD_ESTIMATE_TTL_MS; undefined: none. */
function recentWordEstimate(word: string): WordEstimate | null | undefined {
  const kept = wordEstimates.get(word);
  return kept && Date.now() - kept.at < WORD_ESTIMATE_TTL_MS ? kept.word : undefined;
}

function rememberWordEstimate(word: string, estimate: WordEstimate | null): void {
  if (wordEstimates.size >= MAX_WORD_ESTIMATES) wordEstimates.clear();
  wordEstimates.set(word, { word: estimate, at: Date.now() });
}

/**
 * How a search for one word sorted by rating or price finds its page: `walk` the sort's
 * index, or `fetch` the word's advisors and sort them; by the same costs as
 * `chooseSortPath`, from how many advisors the column's statistics say have the word
 * (`matches`). The planner reads that number well, but it costs a walked row far below a
 * fetched one: it walked for words in 0.5–1% of advisors, 3–4 ms each at 100k, where
 * fetching took 1–1.5 ms (bench/discovery.ts's 134 one-word skills, each sort, best of 3:
 * 497 ms as it chose, 402 ms with the faster path of each).
 */
export function chooseWordSortPath(word: WordEstimate, rows: number): "walk" | "fetch" {
  const walk = word.matches > 0 ? (rows * word.discoverable) / word.matches : Infinity;
  const fetch = (BITMAP_ROW_COST + (word.prefix ? INDEX_ITEM_COST : 0)) * word.matches;
  return walk <= fetch ? "walk" : "fetch";
}

/**
 * The rating bands of the partial text indexes (migration 0020), best-rated first, each
 * [lower, upper) of the average rating (null: unbounded). They must match the migration's
 * predicates, or the planner can't use a band's index.
 */
export const RATING_BANDS: readonly { lower: number | null; upper: number | null }[] = [
  { lower: 4.95, upper: null },
  { lower: 4.85, upper: 4.95 },
  { lower: 4.7, upper: 4.85 },
  { lower: 4.5, upper: 4.7 },
  { lower: 4, upper: 4.5 },
  { lower: null, upper: 4 },
];

/** A band's condition, with the bounds as the literals the index predicate has. */
function bandCondition(band: (typeof RATING_BANDS)[number]): SQL {
  const parts: SQL[] = [];
  // `+ 0`, as in the index predicates: the rating index can't serve it (see migration 0020).
  if (band.lower !== null) parts.push(sql.raw(`(a.rating_avg + 0) >= ${band.lower}::float8`));
  if (band.upper !== null) parts.push(sql.raw(`(a.rating_avg + 0) < ${band.upper}::float8`));
  return sql.join(parts, sql` and `);
}

/**
 * The best-rated RELEVANCE_WINDOW rows of `advisors a` passing `where`, from the rating
 * bands' text indexes in turn: CTEs `${name}0`…, each a band's best-rated rows up to what
 * the bands before it left of the window, and run only while they left some. Together
 * they are exactly the window, whatever order they are read in.
 */
function bandedWindow(name: string, where: SQL, minRating: SQL | null): { ctes: SQL; rows: SQL } {
  const cte = (i: number) => sql.raw(`${name}${i}`);
  // How many rows the bands up to i hold (`${name}${i}n`), so band i + 1 knows what's left.
  const held = (i: number) => sql.raw(`${name}${i}n`);
  const ctes = RATING_BANDS.map((band, i) => {
    const before = i === 0 ? sql`0` : sql`(select n from ${held(i - 1)})`;
    // A band wholly below the minimum rating is never read (the bottom band, under 4.0,
    // holds every unrated advisor: over half of them in bench/discovery.ts). Checked once
    // per search, like how many rows the bands before left.
    const above =
      minRating && band.upper !== null ? sql` and ${minRating} < ${lit(band.upper)}` : sql``;
    // `+ 0` keeps the rating index out: the rows come from the band's text index.
    return sql`${cte(i)} as materialized (
      select ${WINDOW_COLUMNS} from advisors a
       where ${DISCOVERABLE} and ${bandCondition(band)} and ${where}
         and ${before} < ${lit(RELEVANCE_WINDOW)}${above}
       order by a.rating_avg + 0 desc, a.rating_count desc, a.user_id desc
       limit (select ${lit(RELEVANCE_WINDOW)} - ${before})),
    ${held(i)} as materialized (select ${before} + (select count(*) from ${cte(i)}) as n)`;
  });
  return {
    ctes: sql.join(ctes, sql`,\n`),
    rows: sql.join(
      RATING_BANDS.map((_, i) => sql`select * from ${cte(i)}`),
      sql` union all `,
    ),
  };
}

const DISCOVERABLE = sql`a.status = 'active' and a.accepting_bookings`;
/** The planner's count of discoverable advisors (the rating index is partial on them). */
const DISCOVERABLE_COUNT = sql`greatest(coalesce((select c.reltuples from pg_class c
    where c.oid = to_regclass('advisors_discovery_rating_idx')), 0), ${lit(PROBE_ROWS)})::float8`;
/**
 * The share of advisors with the search's one word (`t_words`), from the text column's
 * statistics as the planner reads them: the frequencies of its most common lexemes that are
 * the word, or start with it when it is read as a prefix, summed (at most 1; a lexeme
 * rarer than all of them counts as none). Null when the column has no statistics yet.
 */
const WORD_FREQUENCY = sql`(
    select least(1, coalesce((
             select sum(f.freq)
               from unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs)
                    as f(elem, freq)
              where f.elem = w.w
                 or (length(w.w) >= ${lit(MIN_PREFIX_LENGTH)} and starts_with(f.elem, w.w))), 0))::float8
      from pg_stats s, (select t.w from t_words t order by t.ord limit 1) w
     where s.schemaname = (select n.nspname from pg_class c
                              join pg_namespace n on n.oid = c.relnamespace
                             where c.oid = to_regclass('advisors'))
       and s.tablename = 'advisors' and s.attname = 'search_vector' and not s.inherited)`;
const WINDOW_COLUMNS = sql`a.user_id, a.display_name, a.headline, a.avatar_path, a.hourly_rate,
  a.async_day_rate, a.currency, a.rating_count, a.rating_avg, a.search_vector, a.search_name,
  a.skill_ids, a.languages`;
const RATING_ORDER = sql`a.rating_avg desc, a.rating_count desc, a.user_id desc`;
/** The largest LIMIT: as an inner LIMIT it keeps the filters above the rating walk. */
const NO_CAP = 2_147_483_647;

/**
 * An advisor's skill names (a merged skill as its survivor), alphabetical, and languages, as
 * `skills` and `languages` columns, for one profile (`a`). Both come from the row's own
 * `skill_ids` and `languages`, the mirrors of advisor_skills and advisor_languages (kept by
 * triggers, sorted), so a card costs no probe into the link tables. A page names its cards'
 * skills in one join instead (see `pageOf`).
 */
const PROFILE_ARRAYS = sql`
    array(select distinct coalesce(m.name, s.name)
            from skills s
            left join skills m on m.id = s.merged_into_id
           where s.id = any(a.skill_ids)
           order by 1) as skills,
    a.languages as languages`;

type PageSqlInput = {
  /** The text match, if the search has text. */
  textCondition: SQL | null;
  /** The filters other than text (skills, language, rate, rating). */
  filters: SQL[];
  after: SQL | null;
  keyColumns: SQL;
  plan: SortPlan;
  limit: number;
  /** The minimum rating's value, if any, so the relevance window skips the bands below it. */
  minRating?: SQL | null;
};

/**
 * A page of a relevance-sorted text search, in one statement. The window (the best-rated
 * RELEVANCE_WINDOW matches) is found one of the ways `WindowPath` lists, each giving the
 * same rows. The probe (the best-rated PROBE_ROWS advisors, checked one by one) comes
 * first: a common match fills the window from it; otherwise what it counted (matches, and
 * each word's hits) picks the cheapest other path (`chooseWindowPath`), not the planner's
 * estimate: the words of a skill name ("UX Design") come together, and the planner
 * multiplies their frequencies, fetching 45,000 matches from the text index where walking
 * 4,400 rows was ~40 times cheaper (bench/discovery.ts, 1M advisors). The paths not taken
 * never run: each is gated by a constant the executor checks first.
 */
function windowedPageSql(input: PageSqlInput, text: TextQuery, termsCtes: SQL): SQL {
  const others = input.filters.length > 0 ? sql.join(input.filters, sql` and `) : sql`true`;
  const matching = sql`a.search_vector @@ ${text.tsquery} and ${others}`;
  // A LIMIT on the inner rating walk keeps the filters out of it (PostgreSQL doesn't push
  // conditions below a LIMIT): the index is walked and each row checked in order. The
  // uncapped walk's LIMIT is a subquery, which the planner can't read: it then plans for a
  // tenth of the rows, i.e. the index walk. Given the constant, it planned for all of them
  // and sorted the whole table instead (140 ms at 100k advisors for "Data Analysis").
  const walk = (cap: number) => sql`select ${WINDOW_COLUMNS} from (
      select ${WINDOW_COLUMNS} from advisors a
       where ${DISCOVERABLE} order by ${RATING_ORDER}
       limit ${lit(cap)}) a`;
  const matches = (rows: SQL, limit: SQL = lit(RELEVANCE_WINDOW)) => sql`select * from (${rows}) a
    where ${matching}
    order by ${RATING_ORDER}
    limit ${limit}`;
  // The walk goes on from where the probe stopped (its matches are the window's first), so
  // it doesn't visit the probe's PROBE_ROWS advisors again: past the last of them in rating
  // order, as three values, so the rating index's scan starts there.
  const probeEnd = (column: string) => sql`(select e.${sql.raw(column)} from probe_end e)`;
  const walkOn = sql`select ${WINDOW_COLUMNS} from (
      select ${WINDOW_COLUMNS} from advisors a
       where ${DISCOVERABLE}
         and (a.rating_avg, a.rating_count, a.user_id)
             < (${probeEnd("rating_avg")}, ${probeEnd("rating_count")}, ${probeEnd("user_id")})
       order by ${RATING_ORDER}
       limit (select ${lit(NO_CAP)}::int8)) a`;
  const index = bandedWindow("idx", matching, input.minRating ?? null);
  // The rarest word is the index's only text condition; the whole text is checked through
  // ts_match_vq, the function behind @@, which the planner can't match to the index. Banded
  // like the index path: "Product Management enterprises" read all 5,581 advisors with
  // "management" (9 ms at 100k) for a window the best-rated half of them held.
  const rarest = bandedWindow(
    "rar",
    sql`a.search_vector @@ (select s.rarest from probe_stats s)
      and ts_match_vq(a.search_vector, ${text.tsquery}) and ${others}`,
    input.minRating ?? null,
  );
  // Each band's advisors, as the planner counts them (0 before the table is analyzed).
  const bandRows = sql`band_rows as materialized (
      select b.ord, greatest(coalesce(c.reltuples, 0), 0)::float8 as r
        from unnest(array[${sql.raw(RATING_BANDS.map((_, i) => `'advisors_discovery_band${i}_idx'`).join(", "))}]::text[])
             with ordinality as b(name, ord)
        left join pg_class c on c.oid = to_regclass(b.name)
    ),
    needed as materialized (
      select case when (select sum(r) from band_rows) >= 1
                  then (select coalesce(sum(x.r), 0)
                          from (select r, sum(r) over (order by ord) - r as before from band_rows) x
                         where x.before * greatest(s.m - sqrt(s.m), 0) / ${lit(PROBE_ROWS)}::float8
                               < ${lit(RELEVANCE_WINDOW)})
                  else s.n end as rows
        from counts s
    ),`;
  // chooseWindowPath's arithmetic over probe_stats; `infinity` stands for "never walk".
  const high = (k: SQL) => sql`(${k} + sqrt(${k}))`;
  const scale = sql`(select rows from needed) / ${lit(PROBE_ROWS)}::float8`;
  const costs = sql`
      case when s.m - sqrt(s.m) > 0
           then ${lit(RELEVANCE_WINDOW * PROBE_ROWS)}::float8 / (s.m - sqrt(s.m))
           else 'infinity'::float8 end as walk,
      ${scale} * (${lit(BITMAP_ROW_COST)}::float8 * ${high(sql`s.m`)}
                  + ${lit(INDEX_ITEM_COST)}::float8 * s.hits) as index,
      ${scale} * (${lit(BITMAP_ROW_COST)}::float8 * ${high(sql`s.rarest_hits`)}
                  + ${lit(INDEX_ITEM_COST)}::float8 * s.rarest_items) as rarest`;
  // Each word's hits are counted only when there are two or more words: for one word,
  // the rarest word's path is the index path with a redundant check, and counting would cost
  // a pass over the probe (its whole-text count stands in for the word's).
  const probeCounts = text.severalWords
    ? sql`
    probe_rows as materialized (${walk(PROBE_ROWS)}),
    probe as materialized (${matches(sql`select * from probe_rows`)}),
    word_hits as materialized (
      select w.q, w.ord, strpos(w.q::text, ':*') > 0 as prefix,
             (select count(*) from probe_rows a where a.search_vector @@ w.q)::float8 as h
        from unnest(${text.groups}) with ordinality as w(q, ord)
    ),
    rarest as (select w.q, w.h, w.prefix from word_hits w order by w.h, w.ord limit 1),
    counts as materialized (
      select (select count(*) from probe)::float8 as m,
             (select coalesce(sum(h) filter (where prefix), 0) from word_hits) as hits,
             (select q from rarest) as rarest,
             (select h from rarest) as rarest_hits,
             (select case when prefix then h else 0 end from rarest) as rarest_items,
             ${DISCOVERABLE_COUNT} as n
    ),`
    : sql`
    probe as materialized (${matches(walk(PROBE_ROWS))}),
    counts as materialized (
      select m, case when strpos(${text.tsquery}::text, ':*') > 0 then m else 0 end as hits,
             null::tsquery as rarest, 'infinity'::float8 as rarest_hits,
             0::float8 as rarest_items, ${DISCOVERABLE_COUNT} as n
        from (select count(*)::float8 as m from probe) p
    ),`;
  return sql`
    with recursive ${termsCtes}, ${probeCounts}
    ${bandRows}
    probe_stats as materialized (
      select s.rarest,
             case when s.m >= ${lit(RELEVANCE_WINDOW)} then 'probe'
                  when c.walk <= c.index and c.walk <= c.rarest then 'walk'
                  when c.index <= c.rarest then 'index'
                  else 'rarest' end as path
        from counts s cross join lateral (select ${costs}) c
    ),
    ${index.ctes},
    ${rarest.ctes},
    probe_end as materialized (
      select a.rating_avg, a.rating_count, a.user_id from advisors a
       where ${DISCOVERABLE} order by ${RATING_ORDER}
      offset ${lit(PROBE_ROWS - 1)} limit 1
    ),
    win as materialized (
      select * from probe where (select path in ('probe', 'walk') from probe_stats)
      union all
      select * from (${matches(walkOn, sql`(select ${lit(RELEVANCE_WINDOW)} - count(*) from probe)`)}) w
       where (select path = 'walk' from probe_stats)
      union all
      select * from (${index.rows}) b where (select path = 'index' from probe_stats)
      union all
      select * from (${rarest.rows}) r where (select path = 'rarest' from probe_stats)
    )
    ${pageOf(sql`win a`, input.after ?? sql`true`, input)}`;
}

/**
 * How a page sorted by rating or price is found (see `chooseSortPath`); null: as the
 * planner chooses (no text, or one word, whose frequency it reads well from statistics).
 * For `rarest`, that word's part of the text (a tsquery) and the whole text.
 */
type SortPath = { path: "walk" | "fetch" } | { path: "rarest"; word: SQL; tsquery: SQL } | null;

/** A page in the sort's order, found the way `path` says. */
function plainPageSql(input: PageSqlInput, path: SortPath): SQL {
  const matching = [...(input.textCondition ? [input.textCondition] : []), ...input.filters];
  const all = (conditions: SQL[]) => sql.join(conditions, sql` and `);
  const after = input.after ? [input.after] : [];
  if (path === null) {
    // Straight from the table. Without text, the page's keys first: a walk in rating or
    // price order then needs nothing its covering index doesn't carry (migration 0021). Text
    // is checked on the table's row anyway, so there the cards are read as the rows are.
    return pageOf(sql`advisors a`, all([DISCOVERABLE, ...matching, ...after]), input, {
      keysFirst: !input.textCondition,
    });
  }
  switch (path.path) {
    // Down the sort's index from the cursor; the uncapped LIMIT keeps the conditions above
    // the walk, and as a subquery the planner reads it as few rows (see `windowedPageSql`).
    case "walk":
      return pageOf(
        sql`(select ${WINDOW_COLUMNS} from advisors a
              where ${all([DISCOVERABLE, ...after])}
              order by ${input.plan.order}
              limit (select ${lit(NO_CAP)}::int8)) a`,
        all([sql`true`, ...matching]),
        input,
      );
    // Every match, then sorted: OFFSET 0 plans the subquery for all its rows, so the
    // page's LIMIT can't turn it into a walk.
    case "fetch":
      return pageOf(
        sql`(select ${WINDOW_COLUMNS} from advisors a
              where ${all([DISCOVERABLE, ...matching])} offset 0) a`,
        all([sql`true`, ...after]),
        input,
      );
    // The advisors with the rarest word, from the text index; the fence keeps the other
    // words out of the index's condition (a common one read as a prefix can cost more than
    // all those rows). Then the whole text, through ts_match_vq as in the relevance
    // statement's rarest path, and the filters, on each row. Every match has that word, so
    // these are exactly the matches.
    case "rarest":
      return pageOf(
        sql`(select ${WINDOW_COLUMNS} from advisors a
              where ${all([DISCOVERABLE, sql`a.search_vector @@ ${path.word}`])} offset 0) a`,
        all([sql`ts_match_vq(a.search_vector, ${path.tsquery})`, ...input.filters, ...after]),
        input,
      );
  }
}

/**
 * The page: the rows of `from` (as `a`) that pass `where`, in the sort's order, with cards.
 * The cards' skill names (a merged skill as its survivor, alphabetical) come from one join
 * of all their `skill_ids` with the skills table: per card, a subquery scanned the table
 * twice, 0.5 ms of a 3.5 ms search for 21 cards (0.15 ms in one join).
 *
 * With `keysFirst` (`from` is the advisors table), the page's advisors are found by their
 * ids and sort keys alone, and only they are read for their cards: a filtered search
 * sorted by rating or price then walks a covering index in the sort's order without reading
 * the table (an index-only scan; migration 0021). Walking the narrow index and reading each
 * advisor passed over cost ~10 µs an advisor (1.3 kB rows, one page each).
 */
function pageOf(
  from: SQL,
  where: SQL,
  input: PageSqlInput,
  options: { keysFirst?: boolean } = {},
): SQL {
  const keyNames = input.plan.keys.map((_, i) => sql.raw(`k${i}`));
  const keys = sql.join(
    keyNames.map((k) => sql`page.${k}`),
    sql`, `,
  );
  const cardColumns = sql`a.user_id, a.display_name, a.headline, a.avatar_path, a.hourly_rate,
               a.async_day_rate, a.currency, a.rating_count, a.rating_avg, a.skill_ids, a.languages`;
  const limit = lit(input.limit + 1);
  const found = options.keysFirst
    ? sql`hits as materialized (
        select a.user_id, ${input.keyColumns}
          from ${from}
         where ${where}
         order by ${input.plan.order}
         limit ${limit}),
      page as materialized (
        select ${cardColumns}, ${sql.join(
          keyNames.map((k) => sql`h.${k}`),
          sql`, `,
        )}
          from hits h join advisors a on a.user_id = h.user_id)`
    : sql`page as materialized (
        select ${cardColumns}, ${input.keyColumns}
          from ${from}
         where ${where}
         order by ${input.plan.order}
         limit ${limit})`;
  // A WITH of its own inside a subquery, so it can follow the relevance statement's.
  return sql`
    select * from (
      with ${found},
      names as (
        select p.user_id,
               array_agg(distinct coalesce(m.name, s.name) order by coalesce(m.name, s.name)) as skills
          from page p
         cross join unnest(p.skill_ids) as k(id)
          join skills s on s.id = k.id
          left join skills m on m.id = s.merged_into_id
         group by p.user_id)
      select page.user_id, page.display_name, page.headline, page.avatar_path, page.hourly_rate,
             page.async_day_rate, page.currency, page.rating_count, page.rating_avg, ${keys},
             coalesce(names.skills, '{}'::text[]) as skills, page.languages as languages
        from page left join names on names.user_id = page.user_id) page
     order by ${input.plan.order}`;
}

const dialect = new PgDialect();

/**
 * Runs a statement whose plan doesn't depend on its values as a named prepared statement on
 * the generic-plan pool (see `genericPlanClient`), planned once per connection; in a
 * transaction, as an ordinary statement.
 */
async function executeGeneric<T>(ex: Executor, query: SQL): Promise<readonly T[]> {
  const client = genericPlanClient(ex);
  if (!client) {
    return ex.execute<T & Record<string, unknown>>(plannedForItsValues(query)) as Promise<
      readonly T[]
    >;
  }
  const { sql: text, params } = dialect.sqlToQuery(query);
  // postgres.js parses the rows with the same client, so they are what execute would give.
  return (await client.unsafe(text, params as never[], { prepare: true })) as unknown as T[];
}

/** A search's filters other than text, each value as SQL (a parameter or a placeholder). */
type FilterValues = {
  /** Each requested skill's merge family (uuid[]): any one of them matches. */
  families: SQL[];
  language: SQL | null;
  rate: { currency: SQL; min: SQL | null; max: SQL | null } | null;
  minRating: SQL | null;
};

/**
 * The filters as conditions on `advisors a`. skill_ids and languages mirror advisor_skills
 * and advisor_languages (kept by triggers), so those are GIN-indexable array tests on the
 * row itself.
 */
function filterConditions(f: FilterValues): SQL[] {
  const conditions = f.families.map((family) => sql`a.skill_ids && ${family}`);
  if (f.language) conditions.push(sql`a.languages @> array[${f.language}]::text[]`);
  if (f.rate) {
    conditions.push(sql`a.currency = ${f.rate.currency}`);
    if (f.rate.min) conditions.push(sql`a.hourly_rate >= ${f.rate.min}`);
    if (f.rate.max) conditions.push(sql`a.hourly_rate <= ${f.rate.max}`);
  }
  if (f.minRating) conditions.push(sql`a.rating_avg >= ${f.minRating}`);
  return conditions;
}

/** The cursor's values, typed as the sort's keys compare them. */
function cursorValues(cursor: DiscoveryCursor): CursorValues {
  return { key: cursor.key.map((k) => sql`${k}`), userId: sql`${cursor.userId}` };
}

/**
 * The shape of a relevance search: everything its statement's text depends on. The values
 * are its placeholders (`RelevanceValues`), so two searches of one shape share one text,
 * one prepared statement and one generic plan.
 */
type RelevanceShape = {
  severalWords: boolean;
  skills: number;
  language: boolean;
  cursor: boolean;
  limit: number;
};
type RelevanceValues = {
  words: string[];
  skills: string[];
  language?: string;
  /** Null when absent: checked on every row, so they don't make shapes of their own. */
  currency: string | null;
  minRate: number | null;
  maxRate: number | null;
  minRating: number | null;
  rank?: number;
  userId?: string;
};

/**
 * The relevance statement of a shape, with each value as `bind(name)`: a placeholder, so the
 * statement is built once per shape and cached (building and rendering it cost ~0.35 ms of
 * CPU per search), or a parameter, for a transaction (see `executeRelevance`). It sees only
 * the shape, so whatever it builds serves every search of that shape.
 */
function relevanceSql(shape: RelevanceShape, bind: (name: keyof RelevanceValues) => SQL): SQL {
  const text: TextQuery = {
    tsquery: sql`(select t.tsquery from terms t)`,
    groups: sql`(select t.groups from terms t)`,
    normalized: sql`(select t.normalized from terms t)`,
    severalWords: shape.severalWords,
  };
  // A skill's family is looked up in the statement's own `t_families`.
  const value = (name: keyof RelevanceValues, type: string) => sql`${bind(name)}::${sql.raw(type)}`;
  const skills = sql`${bind("skills")}::text[]`;
  const filters = filterConditions({
    families: Array.from(
      { length: shape.skills },
      (_, i) =>
        sql`coalesce((select f.ids from t_families f where f.req = (${skills})[${lit(i + 1)}]), '{}')::uuid[]`,
    ),
    language: shape.language ? value("language", "text") : null,
    rate: null,
    minRating: null,
  });
  // The rate and rating are checked on the row, always, each passing when its value is null:
  // in the statement's shape they made eight shapes of each (each shape is prepared and
  // planned on its first search on each connection: 25-55 ms measured, against 4-10 ms for
  // the searches after, with a benchmark running alongside). And with `+ 0`: through
  // the price or rating index they would pick the window's path, which is the probe's to
  // pick. With values it couldn't read, a generic plan fetched "Django founders" between $50
  // and $200 by the price index: 68,000 advisors read for 630 (70 ms; the text index, 5).
  const orNull = (name: keyof RelevanceValues, type: string, check: (v: SQL) => SQL) =>
    sql`(${value(name, type)} is null or ${check(value(name, type))})`;
  filters.push(
    orNull("currency", "text", (v) => sql`a.currency = ${v}`),
    orNull("minRate", "int", (v) => sql`(a.hourly_rate + 0) >= ${v}`),
    orNull("maxRate", "int", (v) => sql`(a.hourly_rate + 0) <= ${v}`),
    orNull("minRating", "float8", (v) => sql`(a.rating_avg + 0) >= ${v}`),
  );
  const plan = sortPlan("relevance", text);
  return windowedPageSql(
    {
      textCondition: null,
      filters,
      after: shape.cursor ? plan.after({ key: [bind("rank")], userId: bind("userId") }) : null,
      keyColumns: keyColumns(plan),
      plan,
      limit: shape.limit,
      minRating: sql`coalesce(${value("minRating", "float8")}, 0)`,
    },
    text,
    searchTermsCtes(bind("words"), skills),
  );
}

/** Rendered relevance statements by shape; cleared when full (shapes are few in practice). */
const relevanceStatements = new Map<string, { text: string; params: unknown[] }>();
const MAX_RELEVANCE_STATEMENTS = 256;

/**
 * Runs a relevance search's statement. On the pool it is a named prepared statement on the
 * generic-plan pool (`genericPlanClient`): its plan is the same whatever the values (every
 * path is fixed by its own structure, and the path is chosen at run time), so each
 * connection plans it once instead of planning ~40 CTEs and subqueries on every search
 * (2.5 ms on PostgreSQL 15). On the main pool PostgreSQL planned it afresh for its first
 * five runs on each connection, in each shape, and for ever after when the values made its
 * custom plans look cheaper: two words, where a generic `unnest` assumes a hundred. In a
 * transaction it runs as an ordinary statement, built with the values as parameters.
 */
async function executeRelevance(
  ex: Executor,
  shape: RelevanceShape,
  values: RelevanceValues,
): Promise<readonly PageRow[]> {
  const client = genericPlanClient(ex);
  if (!client) {
    return ex.execute<PageRow>(
      plannedForItsValues(relevanceSql(shape, (name) => sql`${sql.param(values[name] ?? null)}`)),
    );
  }
  const key = JSON.stringify(shape);
  let statement = relevanceStatements.get(key);
  if (!statement) {
    const rendered = dialect.sqlToQuery(
      relevanceSql(shape, (name) => sql`${sql.placeholder(name)}`),
    );
    statement = { text: rendered.sql, params: rendered.params };
    if (relevanceStatements.size >= MAX_RELEVANCE_STATEMENTS) relevanceStatements.clear();
    relevanceStatements.set(key, statement);
  }
  const params = fillPlaceholders(statement.params, values);
  // postgres.js parses the rows with the same client, so they are what execute would give.
  return (await client.unsafe(statement.text, params as never[], {
    prepare: true,
  })) as unknown as PageRow[];
}

function keyColumns(plan: SortPlan): SQL {
  return sql.join(
    plan.keys.map((k, i) => sql`${k} as ${sql.raw(`k${i}`)}`),
    sql`, `,
  );
}

/**
 * Discoverable advisors (active and accepting bookings) matching the text and filters, one
 * page at a time with keyset pagination: a cursor from one sort is rejected by another
 * (returns an empty page), and pages never overlap or skip while the data stands still.
 */
export async function searchAdvisors(
  ex: Executor,
  params: SearchAdvisorsParams,
): Promise<AdvisorSearchPage> {
  const words = searchWords(params.q);
  const skills = [...new Set(params.skillIds ?? [])];
  const sort = params.sort ?? (words.length > 0 ? "relevance" : "rating");
  // Relevance ranks text; without text it is rating order, with rating's key.
  const ranked = sort === "relevance" && words.length > 0;
  const keyCount = ranked ? 1 : sort === "relevance" ? 2 : KEY_LENGTHS[sort][0]!;
  // A cursor from another sort (or from relevance with text, used without) points nowhere.
  if (params.cursor && (params.cursor.sort !== sort || params.cursor.key.length !== keyCount)) {
    return { items: [], nextCursor: null };
  }
  const rate = params.minRate != null || params.maxRate != null;
  // Relevance ranks a bounded window: the best-rated RELEVANCE_WINDOW matches. Ranking
  // every match of a common word ("python" matches a fifth of all advisors) costs far more
  // than the page; the window keeps the ranking deterministic, so keyset pages over it stay
  // exact. How the window is found is chosen per search (see `windowedPageSql`).
  //
  // No transaction. A relevance search with text is one statement, its words and skills
  // resolved inside it, and its path chosen by the probe's counts, not the planner: one
  // generic plan serves every search of its shape. Any other search resolves its words and
  // skills first (a statement of its own, generic too), then its page: an unnamed statement,
  // planned for its values (drizzle's `execute` never caches a plan), since the planner
  // chooses between walking the rating or price index and fetching every match; for several
  // words the probe's counts choose instead (see `chooseSortPath`).
  let rows: readonly PageRow[];
  if (ranked) {
    rows = await executeRelevance(
      ex,
      {
        severalWords: words.length > 1,
        skills: skills.length,
        language: Boolean(params.language),
        cursor: Boolean(params.cursor),
        limit: params.limit,
      },
      {
        words,
        skills,
        ...(params.language ? { language: params.language } : {}),
        currency: rate ? (params.currency ?? "USD") : null,
        minRate: params.minRate ?? null,
        maxRate: params.maxRate ?? null,
        minRating: params.minRating ?? null,
        ...(params.cursor ? { rank: params.cursor.key[0], userId: params.cursor.userId } : {}),
      },
    );
  } else {
    const filterValues = (families: SQL[]): SQL[] =>
      filterConditions({
        families,
        language: params.language ? sql`${params.language}::text` : null,
        rate: rate
          ? {
              currency: sql`${params.currency ?? "USD"}::text`,
              min: params.minRate != null ? sql`${params.minRate}::int` : null,
              max: params.maxRate != null ? sql`${params.maxRate}::int` : null,
            }
          : null,
        minRating: params.minRating != null ? sql`${params.minRating}::float8` : null,
      });
    // A text search's path is chosen from the probe's counts (see `chooseSortPath`); the
    // probe reads the skills' families from the statement that resolves them. One word
    // with no other filter: from its frequency (see `chooseWordSortPath`), read with the
    // terms unless a recent search read it; with filters the planner weighs them too.
    const estimating =
      words.length === 1 &&
      skills.length === 0 &&
      !params.language &&
      !rate &&
      params.minRating == null;
    const known = estimating ? recentWordEstimate(words[0]!) : undefined;
    const resolved = await resolveSearchTerms(
      ex,
      words,
      skills,
      filterValues(
        skills.map(
          (id) => sql`coalesce((select f.ids from t_families f where f.req = ${id}), '{}')::uuid[]`,
        ),
      ),
      estimating && known === undefined,
    );
    if (estimating && known === undefined) rememberWordEstimate(words[0]!, resolved.word);
    const word = known === undefined ? resolved.word : known;
    const plan = sortPlan(sort, resolved.text);
    const probe = resolved.probe;
    const chosen = probe
      ? chooseSortPath(probe, probe.discoverable, params.limit + 1)
      : word
        ? chooseWordSortPath(word, params.limit + 1)
        : null;
    const path: SortPath =
      chosen === "rarest" && probe && resolved.text
        ? {
            path: "rarest",
            word: sql`${probe.groups[rarestWord(probe)]}::tsquery`,
            tsquery: resolved.text.tsquery,
          }
        : chosen === "walk" || chosen === "fetch"
          ? { path: chosen }
          : null;
    // Planned for its values: they decide between walking an index and fetching every match.
    rows = await ex.execute<PageRow>(
      plannedForItsValues(
        plainPageSql(
          {
            textCondition: resolved.text ? sql`a.search_vector @@ ${resolved.text.tsquery}` : null,
            filters: filterValues(resolved.families.map((ids) => sql`${sql.param(ids)}::uuid[]`)),
            after: params.cursor ? plan.after(cursorValues(params.cursor)) : null,
            keyColumns: keyColumns(plan),
            plan,
            limit: params.limit,
          },
          path,
        ),
      ),
    );
  }

  const hasMore = rows.length > params.limit;
  const pageRows = hasMore ? rows.slice(0, params.limit) : [...rows];
  const last = pageRows.at(-1);
  return {
    items: pageRows.map((r) => ({
      userId: r.user_id,
      displayName: r.display_name,
      headline: r.headline,
      avatarPath: r.avatar_path,
      hourlyRate: r.hourly_rate,
      asyncDayRate: r.async_day_rate,
      currency: r.currency,
      rating: {
        average: r.rating_count > 0 ? Math.round(r.rating_avg * 100) / 100 : null,
        count: r.rating_count,
      },
      skills: r.skills,
      languages: r.languages,
    })),
    nextCursor:
      hasMore && last
        ? {
            sort,
            key: Array.from({ length: keyCount }, (_, i) => Number(i === 0 ? last.k0 : last.k1)),
            userId: last.user_id,
          }
        : null,
  };
}

/** What anyone may see on an advisor's profile page. Never email or last name. */
export type PublicAdvisorProfile = AdvisorCard & {
  bio: string;
  yearsExperience: number;
  timeZone: string;
  links: { portfolio: string | null; linkedin: string | null; github: string | null };
  skills: string[];
};

/** A discoverable advisor's public profile, or null (unknown, suspended or paused). */
export async function getPublicAdvisorProfile(
  ex: Executor,
  params: { advisorId: string },
): Promise<PublicAdvisorProfile | null> {
  const rows = await ex.execute<{
    user_id: string;
    display_name: string;
    headline: string;
    bio: string;
    avatar_path: string | null;
    time_zone: string;
    years_experience: number;
    portfolio_url: string | null;
    linkedin_url: string | null;
    github_url: string | null;
    hourly_rate: number;
    async_day_rate: number | null;
    currency: string;
    rating_count: number;
    rating_avg: number;
    skills: string[];
    languages: string[];
  }>(sql`
    select a.user_id, a.display_name, a.headline, a.bio, a.avatar_path, a.time_zone,
           a.years_experience, a.portfolio_url, a.linkedin_url, a.github_url,
           a.hourly_rate, a.async_day_rate, a.currency, a.rating_count, a.rating_avg,
           ${PROFILE_ARRAYS}
      from advisors a
     where a.user_id = ${params.advisorId} and a.status = 'active' and a.accepting_bookings`);
  const r = rows[0];
  if (!r) return null;
  return {
    userId: r.user_id,
    displayName: r.display_name,
    headline: r.headline,
    bio: r.bio,
    avatarPath: r.avatar_path,
    timeZone: r.time_zone,
    yearsExperience: r.years_experience,
    links: { portfolio: r.portfolio_url, linkedin: r.linkedin_url, github: r.github_url },
    hourlyRate: r.hourly_rate,
    asyncDayRate: r.async_day_rate,
    currency: r.currency,
    rating: {
      average: r.rating_count > 0 ? Math.round(r.rating_avg * 100) / 100 : null,
      count: r.rating_count,
    },
    skills: r.skills,
    languages: r.languages,
  };
}
