// Discovery benchmark: seeds 100,000 advisors, then runs the same mixed search queries
// through the HTTP API and directly through the query function, and reports latencies.
//
//   node_modules/.bin/tsx bench/discovery.ts
//
// BENCH_DATABASE_URL: an (empty or disposable) database to use, seeded on first use and
// reused after; otherwise an embedded PostgreSQL in a temp dir, durable and
// production-configured (BENCH_DURABILITY=ephemeral for the old fsync-off figures).
// BENCH_ADVISORS (100000; 1000000 for the million run), BENCH_QUERIES override sizes;
// BENCH_API_WARMUP (3000) sets how many searches of another draw warm the API first;
// BENCH_SEED_ONLY=1 seeds and stops.
import http from "node:http";
import { performance } from "node:perf_hooks";
import {
  createDb,
  type DbHandle,
  decodeDiscoveryCursor,
  migrateDatabase,
  type SearchAdvisorsParams,
  searchAdvisors,
} from "@an/db";
import { createLogger, loadApiEnv, startApiServer } from "../apps/api/src/index.ts";
import {
  describeBaseline,
  measureMachineBaseline,
  resetStatementStats,
  startBenchDatabase,
  topStatements,
} from "./lib/cluster";

const ADVISORS = Number(process.env.BENCH_ADVISORS ?? 100_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1_200);
const WARMUP = 200;
/**
 * Searches (the same mix, another draw) that warm the API before the measured stream, as
 * a long-running API is warm: it reaches its steady speed over the first few thousand
 * requests, as V8 optimizes Express's, tRPC's and postgres.js's paths. Measured here on one
 * repeated search, in steps of 700: HTTP p50 3.81, 3.15, 2.66, 2.72, 2.32, 2.37 ms while
 * the same search called directly stayed at 1.23–1.32 ms.
 */
const API_WARMUP = Number(process.env.BENCH_API_WARMUP ?? 3_000);
/** Targets at 100k advisors; at a million (BENCH_ADVISORS ≥ 1,000,000) only the overall one, 25 ms. */
const LARGE = ADVISORS >= 1_000_000;
const TARGET_P95_MS = LARGE ? 25 : 10;
const TARGET_KIND_P95_MS = LARGE ? null : 15;

const SKILL_NAMES = [
  "JavaScript",
  "Python",
  "React",
  "Node.js",
  "TypeScript",
  "SQL",
  "AWS",
  "Java",
  "Docker",
  "Kubernetes",
  "PostgreSQL",
  "Product Management",
  "UX Design",
  "Go",
  "C#",
  "Data Analysis",
  "Machine Learning",
  "Marketing Strategy",
  "SEO",
  "Figma",
  "Angular",
  "Vue.js",
  "Django",
  "Flask",
  "Ruby on Rails",
  "PHP",
  "Laravel",
  "Swift",
  "Kotlin",
  "Flutter",
  "React Native",
  "GraphQL",
  "MongoDB",
  "Redis",
  "Elasticsearch",
  "Terraform",
  "Azure",
  "Google Cloud",
  "Linux",
  "DevOps",
  "CI/CD",
  "Cybersecurity",
  "Penetration Testing",
  "Blockchain",
  "Solidity",
  "Rust",
  "C++",
  "Scala",
  "Spark",
  "Hadoop",
  "Tableau",
  "Power BI",
  "Excel",
  "Financial Modeling",
  "Fundraising",
  "Startup Strategy",
  "Sales",
  "Growth Hacking",
  "Content Marketing",
  "Copywriting",
  "Branding",
  "Public Relations",
  "Project Management",
  "Agile Coaching",
  "Scrum",
  "Leadership",
  "Hiring",
  "Career Coaching",
  "Interview Prep",
  "System Design",
  "Microservices",
  "Deep Learning",
  "Computer Vision",
  "NLP",
  "LLM Apps",
  "Prompt Engineering",
  "Data Engineering",
  "Airflow",
  "dbt",
  "Snowflake",
  "BigQuery",
  "Statistics",
  "R",
  "MATLAB",
  "Embedded Systems",
  "IoT",
  "Networking",
  "Cisco",
  "Salesforce",
  "HubSpot",
  "Shopify",
  "WordPress",
  "E-commerce",
  "Supply Chain",
  "Logistics",
  "Accounting",
  "Tax",
  "Legal",
  "Contracts",
  "Compliance",
  "GDPR",
  "HR",
  "Operations",
  "Customer Success",
  "Pricing Strategy",
  "Unity",
  "Unreal Engine",
  "Game Design",
  "3D Modeling",
  "Blender",
  "Video Editing",
  "Photography",
  "Illustration",
  "Motion Design",
  "Webflow",
  "Next.js",
  "Svelte",
  "Tailwind CSS",
  "CSS",
  "HTML",
  "Accessibility",
  "Web Performance",
  "Testing",
  "QA Automation",
  "Selenium",
  "Cypress",
  "Playwright",
  "Mobile Testing",
  "iOS",
  "Android",
  "Objective-C",
  "Perl",
  "Bash",
  "PowerShell",
  "Ansible",
  "Puppet",
  "Chef",
  "Jenkins",
  "GitHub Actions",
  "GitLab",
  "Observability",
  "Prometheus",
  "Grafana",
  "Kafka",
  "RabbitMQ",
  "gRPC",
  "REST APIs",
  "OAuth",
  "Identity",
  "Payments",
  "Stripe",
  "Fintech",
  "Insurtech",
  "Healthtech",
  "Edtech",
  "Real Estate",
  "Mergers and Acquisitions",
  "Venture Capital",
  "Angel Investing",
  "Business Plans",
  "Market Research",
  "User Research",
  "Service Design",
  "Design Systems",
  "Information Architecture",
  "Technical Writing",
  "Translation",
  "Arabic",
  "French",
  "Spanish",
  "German",
  "Public Speaking",
  "Negotiation",
  "Remote Work",
  "Productivity",
  "Mental Health",
  "Nutrition",
  "Fitness",
  "Music Production",
  "Podcasting",
  "YouTube Growth",
  "Social Media",
  "Paid Ads",
  "Google Ads",
  "Meta Ads",
  "Email Marketing",
  "CRM",
  "ERP",
  "SAP",
  "Oracle",
  "Mainframe",
  "COBOL",
  "Quantum Computing",
  "Robotics",
  "Computer Networks",
  "Site Reliability",
  "Cloud Architecture",
  "Serverless",
  "Edge Computing",
  "WebAssembly",
  "Elixir",
  "Haskell",
  "Clojure",
  "F#",
];
const FIRST = [
  "Amira",
  "Bruno",
  "Chen",
  "Dalia",
  "Emile",
  "Fatima",
  "Gustav",
  "Hana",
  "Ivan",
  "Jana",
  "Karim",
  "Lena",
  "Mateo",
  "Nour",
  "Omar",
  "Priya",
  "Quentin",
  "Rania",
  "Sofia",
  "Tariq",
  "Ulla",
  "Victor",
  "Wei",
  "Ximena",
  "Yusuf",
  "Zeynep",
  "Ahmed",
  "Laura",
  "Youssef",
  "Maria",
  "David",
  "Sara",
  "Ali",
  "Anna",
  "Mohamed",
  "Elena",
  "Lucas",
  "Leila",
  "Noah",
  "Mia",
];
const LAST = [
  "Haddad",
  "Costa",
  "Wei",
  "Nasser",
  "Dubois",
  "Khan",
  "Larsen",
  "Sato",
  "Petrov",
  "Novak",
  "Mansour",
  "Schmidt",
  "Garcia",
  "Saleh",
  "Farouk",
  "Patel",
  "Moreau",
  "Aziz",
  "Rossi",
  "Hassan",
  "Berg",
  "Silva",
  "Zhang",
  "Lopez",
  "Demir",
  "Yilmaz",
  "Müller",
  "Smith",
  "Johnson",
  "Ibrahim",
  "Kowalski",
  "Fischer",
  "Martin",
  "Bernard",
  "Nguyen",
  "Kim",
  "Chen",
];
const LANGUAGES = [
  ["en", 0.9],
  ["ar", 0.15],
  ["fr", 0.12],
  ["es", 0.12],
  ["de", 0.08],
] as const;

/** Deterministic PRNG (mulberry32), so every run draws the same queries. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(sql: DbHandle["sql"]) {
  const t0 = performance.now();
  await sql`select setseed(0.42)`;
  const skills = [...new Set(SKILL_NAMES)].slice(0, 200);
  const slugs = skills.map((n) =>
    n
      .toLowerCase()
      .replace(/\+/g, "p")
      .replace(/#/g, "sharp")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, ""),
  );
  // Skill rank = popularity rank (index 0 is the most common).
  await sql`
    insert into skills (slug, name)
    select s.slug, s.name from unnest(${slugs}::text[], ${skills}::text[]) with ordinality as s(slug, name, rank)
    order by s.rank`;
  await sql`
    insert into skill_synonyms (term, skill_id)
    select v.term, s.id from (values ('js', 'javascript'), ('py', 'python'), ('k8s', 'kubernetes'),
      ('golang', 'go'), ('postgres', 'postgresql'), ('ml', 'machine-learning'), ('ts', 'typescript'),
      ('reactjs', 'react'), ('node', 'node-js'), ('gcp', 'google-cloud')) v(term, slug)
    join skills s on s.slug = v.slug`;
  await sql`
    create temp table skill_rank as
    select s.id, s.name, r.rank::int as rank
      from unnest(${slugs}::text[]) with ordinality as r(slug, rank) join skills s on s.slug = r.slug`;
  await sql`
    insert into users (id, email, first_name, last_name)
    select 'bench|' || i, 'advisor' || i || '@bench.example',
           (${FIRST}::text[])[1 + (i * 7) % ${FIRST.length}],
           (${LAST}::text[])[1 + (i * 13) % ${LAST.length}]
      from generate_series(1, ${ADVISORS}) i`;
  // Rates: log-normal around $120/h (Box-Muller), clamped to the 2,000–100,000 limits.
  // Ratings: a third unrated; the rest 1–200 reviews averaging 3.5–5.
  await sql`
    insert into advisors (user_id, display_name, headline, bio, time_zone, years_experience,
                          hourly_rate, currency, status, accepting_bookings, suspended_reason,
                          rating_count, rating_sum)
    select id, display_name, headline, bio, tz, years, rate, 'USD', status, accepting,
           case when status = 'suspended' then 'Bench' end,
           rating_count, least(5 * rating_count, greatest(rating_count, round(rating_count * avg)::int))
      from (
        select 'bench|' || i as id,
               (${FIRST}::text[])[1 + (i * 7) % ${FIRST.length}] || ' ' ||
                 (${LAST}::text[])[1 + (i * 13) % ${LAST.length}] as display_name,
               (array['Senior', 'Lead', 'Principal', 'Freelance', 'Independent', 'Staff'])[1 + floor(random() * 6)::int]
                 || ' ' || (array['engineer', 'consultant', 'advisor', 'architect', 'coach', 'strategist'])[1 + floor(random() * 6)::int]
                 || ' helping ' || (array['startups', 'scale-ups', 'enterprises', 'founders', 'agencies', 'nonprofits'])[1 + floor(random() * 6)::int] as headline,
               'I have spent ' || (3 + floor(random() * 20)::int) || ' years building products and teams. '
                 || (array['I love mentoring engineers and founders.', 'I focus on pragmatic, measurable results.',
                           'Former CTO at a fintech startup; now I advise early-stage companies.',
                           'I help companies untangle legacy systems and ship faster.',
                           'My background spans consulting, product and engineering leadership.'])[1 + floor(random() * 5)::int]
                 || ' Based in ' || (array['Cairo', 'Paris', 'Berlin', 'Madrid', 'Dubai', 'London', 'Toronto', 'Singapore'])[1 + floor(random() * 8)::int]
                 || ', working remotely with clients worldwide.' as bio,
               (array['UTC', 'Africa/Cairo', 'Europe/Paris', 'Europe/Berlin', 'Asia/Dubai', 'America/New_York'])[1 + floor(random() * 6)::int] as tz,
               1 + floor(random() * 25)::int as years,
               least(100000, greatest(2000, round(12000 * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))::int)) as rate,
               case when random() < 0.02 then 'suspended' else 'active' end::advisor_status as status,
               random() >= 0.05 as accepting,
               case when random() < 0.33 then 0 else 1 + floor(200 * power(random(), 3))::int end as rating_count,
               3.5 + 1.5 * random() as avg
          from generate_series(1, ${ADVISORS}) i) x`;
  // 1–6 skills each, Zipf-like popularity: rank = floor(201^u) gives P(rank) ∝ ~1/rank.
  // The series references the row so it is drawn afresh for each advisor.
  await sql`
    insert into advisor_skills (advisor_id, skill_id)
    select a.user_id, sr.id
      from advisors a
      cross join lateral (
        select least(${skills.length}, greatest(1, floor(power(${skills.length + 1}, random()))::int)) as rank
          from generate_series(1, 1 + floor(random() * 6)::int + 0 * length(a.user_id))) pick
      join skill_rank sr on sr.rank = pick.rank
    on conflict do nothing`;
  const langCodes = LANGUAGES.map(([code]) => code);
  const langWeights = LANGUAGES.map(([, w]) => w);
  await sql`
    insert into advisor_languages (advisor_id, language)
    select a.user_id, l.code
      from advisors a
      cross join unnest(${langCodes}::text[], ${langWeights}::float8[]) as l(code, w)
     where random() < l.w + 0 * length(a.user_id)
    on conflict do nothing`;
  await sql`
    insert into advisor_languages (advisor_id, language)
    select a.user_id, 'en' from advisors a
     where not exists (select 1 from advisor_languages al where al.advisor_id = a.user_id)`;
  // The set-based form of refreshAdvisorSearchText.
  await sql`
    update advisors a set search_text = concat_ws(' ', a.display_name, a.headline, a.bio, sk.text)
      from (select ak.advisor_id, string_agg(concat_ws(' ', s.name, s.slug,
                     (select string_agg(ss.term, ' ') from skill_synonyms ss where ss.skill_id = s.id)), ' ') as text
              from advisor_skills ak join skills s on s.id = ak.skill_id group by ak.advisor_id) sk
     where sk.advisor_id = a.user_id`;
  // ...and its vocabulary for typo correction: skill words, synonyms and name words.
  await sql`
    insert into discovery_terms (term)
    select distinct w.term
      from (select s.name || ' ' || s.slug as t from skills s
            union all select ss.term from skill_synonyms ss
            union all select a.display_name from advisors a) src
      cross join lateral regexp_split_to_table(discovery_normalize(src.t), '\\s+') as w(term)
     where length(w.term) >= 2
    on conflict do nothing`;
  // The bulk update above left a dead copy of every row; production tables are compacted.
  await sql`vacuum full advisors`;
  await sql`vacuum analyze`;
  const [counts] = await sql<
    { advisors: number; skills: number; languages: number; discoverable: number }[]
  >`
    select (select count(*)::int from advisors) as advisors,
           (select count(*)::int from advisor_skills) as skills,
           (select count(*)::int from advisor_languages) as languages,
           (select count(*)::int from advisors where status = 'active' and accepting_bookings) as discoverable`;
  console.log(
    `Seeded ${counts!.advisors} advisors (${counts!.discoverable} discoverable), ` +
      `${counts!.skills} skill links, ${counts!.languages} language links ` +
      `in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return {
    skills,
    skillIds: await sql<
      { id: string; rank: number }[]
    >`select id, rank from skill_rank order by rank`,
  };
}

/**
 * Advisors whose right answers are known, added to any bench database (idempotently): a
 * unique name to find typed and misspelled, and skills to find by name, synonym and typo.
 */
const SENTINELS = [
  {
    id: "bench|sentinel-1",
    name: "Ottoline Quarrington",
    headline: "Kubernetes platform architect",
    skills: ["Kubernetes", "Terraform"],
  },
  {
    id: "bench|sentinel-2",
    name: "Thaddeus Wrenfield",
    headline: "Fundraising and financial modeling for founders",
    skills: ["Fundraising", "Financial Modeling"],
  },
];

async function ensureSentinels(sql: DbHandle["sql"]) {
  for (const a of SENTINELS) {
    const [first, last] = a.name.split(" ");
    await sql`insert into users (id, email, first_name, last_name)
      values (${a.id}, ${`${a.id.replace("|", "-")}@bench.example`}, ${first!}, ${last!})
      on conflict do nothing`;
    await sql`insert into advisors (user_id, display_name, headline, bio, time_zone, years_experience,
        hourly_rate, currency, status, accepting_bookings, rating_count, rating_sum)
      values (${a.id}, ${a.name}, ${a.headline}, 'Known-good answer for the relevance check.', 'UTC', 12,
        15000, 'USD', 'active', true, 40, 180)
      on conflict do nothing`;
    await sql`insert into advisor_skills (advisor_id, skill_id)
      select ${a.id}, s.id from skills s where s.name = any(${a.skills}::text[]) on conflict do nothing`;
    await sql`insert into advisor_languages (advisor_id, language) values (${a.id}, 'en') on conflict do nothing`;
    await sql`
      update advisors a set search_text = concat_ws(' ', a.display_name, a.headline, a.bio, sk.text)
        from (select ak.advisor_id, string_agg(concat_ws(' ', s.name, s.slug,
                       (select string_agg(ss.term, ' ') from skill_synonyms ss where ss.skill_id = s.id)), ' ') as text
                from advisor_skills ak join skills s on s.id = ak.skill_id
               where ak.advisor_id = ${a.id} group by ak.advisor_id) sk
       where sk.advisor_id = a.user_id`;
    await sql`insert into discovery_terms (term)
      select w from regexp_split_to_table(discovery_normalize(${a.name}), '\\s+') w
       where length(w) >= 2 on conflict do nothing`;
  }
}

type Check = { name: string; ok: boolean; detail: string };

/**
 * Known-good answers, through the HTTP API: a name typed right and misspelled finds its
 * advisor first; a skill typed, misspelled or by synonym returns only advisors with it;
 * page 2 continues page 1 in order without overlap.
 */
async function relevanceChecks(
  baseUrl: string,
  skillIdByName: Map<string, string>,
): Promise<Check[]> {
  type Card = { userId: string; displayName: string; skills: string[]; hourlyRate: number };
  const search = async (input: Record<string, unknown>) =>
    (await call(baseUrl, input)) as { items: Card[]; nextCursor: string | null };
  const checks: Check[] = [];
  const firstIs = async (q: string, id: string) => {
    const page = await search({ q });
    const top = page.items[0];
    checks.push({
      name: `"${q}" finds ${SENTINELS.find((x) => x.id === id)!.name} first`,
      ok: top?.userId === id,
      detail: top ? `first: ${top.displayName}` : "no results",
    });
  };
  const allHave = async (q: string, skill: string) => {
    const page = await search({ q });
    const wrong = page.items.filter((c) => !c.skills.includes(skill));
    checks.push({
      name: `"${q}" returns only ${skill} advisors`,
      ok: page.items.length === 20 && wrong.length === 0,
      detail: `${page.items.length} results, ${wrong.length} without ${skill}`,
    });
  };
  await firstIs("Ottoline Quarrington", "bench|sentinel-1");
  await firstIs("Otoline Quarington", "bench|sentinel-1");
  await firstIs("thadeus wrenfeld", "bench|sentinel-2");
  await allHave("Kubernetes", "Kubernetes");
  await allHave("kuberntes", "Kubernetes");
  await allHave("k8s", "Kubernetes");
  await allHave("pyhton", "Python");
  await allHave("Fundraising", "Fundraising");
  const python = skillIdByName.get("Python");
  if (python) {
    const p1 = await search({ skills: [python], sort: "price_asc" });
    const p2 = p1.nextCursor
      ? await search({ skills: [python], sort: "price_asc", cursor: p1.nextCursor })
      : { items: [], nextCursor: null };
    const all = [...p1.items, ...p2.items];
    const ordered = all.every((c, i) => i === 0 || all[i - 1]!.hourlyRate <= c.hourlyRate);
    const distinct = new Set(all.map((c) => c.userId)).size === all.length;
    checks.push({
      name: "Python by price, pages 1 and 2: ordered, no overlap, all Python",
      ok: all.length === 40 && ordered && distinct && all.every((c) => c.skills.includes("Python")),
      detail: `${all.length} results, ordered ${ordered}, distinct ${distinct}`,
    });
  }
  return checks;
}

type Query = {
  kind: string;
  params: Omit<SearchAdvisorsParams, "cursor" | "limit"> & { limit?: number };
  page2?: boolean;
};

function typo(word: string, r: () => number): string {
  const w = word.toLowerCase();
  if (w.length < 5) return w;
  const i = 1 + Math.floor(r() * (w.length - 2));
  return r() < 0.5
    ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2)
    : w.slice(0, i) + w.slice(i + 1);
}

function makeQueries(skillNames: string[], skillIds: string[], count: number, draw = 7): Query[] {
  const r = rng(draw);
  const zipf = () =>
    Math.min(skillNames.length, Math.max(1, Math.floor((skillNames.length + 1) ** r()))) - 1;
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const langs = ["en", "ar", "fr", "es", "de"] as const;
  const sorts = ["rating", "price_asc", "price_desc"] as const;
  const queries: Query[] = [];
  const makers: [number, () => Query][] = [
    [20, () => ({ kind: "text", params: { q: skillNames[zipf()]! } })],
    [6, () => ({ kind: "text", params: { q: `${pick(FIRST)} ${pick(LAST)}` } })],
    [
      6,
      () => ({
        kind: "text",
        params: {
          q: `${skillNames[zipf()]} ${pick(["startups", "founders", "fintech", "enterprises"])}`,
        },
      }),
    ],
    [
      12,
      () => ({
        kind: "text+filters",
        params: {
          q: skillNames[zipf()]!,
          language: r() < 0.6 ? pick(langs) : null,
          minRate: r() < 0.5 ? 5_000 : null,
          maxRate: r() < 0.5 ? 20_000 : null,
          minRating: r() < 0.4 ? 4 : null,
        },
      }),
    ],
    [12, () => ({ kind: "typo", params: { q: typo(skillNames[zipf()]!, r) } })],
    [
      14,
      () => ({
        kind: "filters",
        params: {
          skillIds: r() < 0.7 ? [skillIds[zipf()]!] : [skillIds[zipf()]!, skillIds[zipf()]!],
          language: r() < 0.5 ? pick(langs) : null,
          minRate: r() < 0.3 ? 8_000 : null,
          maxRate: r() < 0.3 ? 30_000 : null,
          minRating: r() < 0.3 ? 4.5 : null,
          sort: pick(sorts),
        },
      }),
    ],
    [
      10,
      () => ({
        kind: "sort",
        params: { sort: pick(sorts), language: r() < 0.3 ? pick(langs) : null },
      }),
    ],
    [8, () => ({ kind: "text+sort", params: { q: skillNames[zipf()]!, sort: pick(sorts) } })],
    [
      12,
      () => {
        const base =
          r() < 0.5
            ? { q: skillNames[zipf()]! }
            : { skillIds: [skillIds[zipf()]!], sort: pick(sorts) };
        return { kind: "page 2", params: base, page2: true };
      },
    ],
  ];
  const total = makers.reduce((s, [w]) => s + w, 0);
  while (queries.length < count) {
    let x = r() * total;
    for (const [w, make] of makers) {
      x -= w;
      if (x < 0) {
        queries.push(make());
        break;
      }
    }
  }
  return queries;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    max: s.at(-1)!,
  };
}

async function main() {
  const database = await startBenchDatabase();
  const databaseUrl = database.url;
  console.log(`PostgreSQL: ${database.description}.`);
  const baseline = await measureMachineBaseline(databaseUrl);
  console.log(describeBaseline(baseline));
  try {
    await migrateDatabase(databaseUrl);
    const handle = createDb(databaseUrl, { max: 1, applicationName: "advisor-network:bench-seed" });
    const raw = handle.sql;
    const [count] = await raw<{ n: number }[]>`select count(*)::int as n from advisors`;
    const n = count?.n ?? 0;
    let skillNames: string[];
    let skillIds: string[];
    if (n === 0) {
      const seeded = await seed(raw);
      skillNames = seeded.skills;
      skillIds = seeded.skillIds.map((s) => s.id);
    } else {
      console.log(`Using the ${n} advisors already in the database.`);
      const rows = await raw<{ id: string; name: string }[]>`
        select s.id::text, s.name from skills s
          join advisor_skills ak on ak.skill_id = s.id group by s.id order by count(*) desc limit 200`;
      skillNames = rows.map((r) => r.name);
      skillIds = rows.map((r) => r.id);
    }
    await ensureSentinels(raw);
    const skillIdByName = new Map(
      (await raw<{ id: string; name: string }[]>`select id::text, name from skills`).map((r) => [
        r.name,
        r.id,
      ]),
    );
    await raw`vacuum analyze advisors`;
    await handle.close();
    if (process.env.BENCH_SEED_ONLY === "1") return;

    const env = loadApiEnv({ NODE_ENV: "test", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" });
    const api = await startApiServer(env, databaseUrl, createLogger("silent"));
    const direct = createDb(databaseUrl, { max: 2, applicationName: "advisor-network:bench" });
    try {
      // Second pages need the first page's cursor: fetched beforehand, not timed.
      const prepare = async (queries: Query[]) => {
        const prepared: {
          kind: string;
          input: Record<string, unknown>;
          params: SearchAdvisorsParams;
        }[] = [];
        for (const q of queries) {
          const params: SearchAdvisorsParams = { limit: 20, ...q.params };
          const input: Record<string, unknown> = Object.fromEntries(
            Object.entries({ ...q.params, skills: q.params.skillIds, skillIds: undefined }).filter(
              ([, v]) => v !== null && v !== undefined,
            ),
          );
          if (q.page2) {
            const first = await call(api.url, input);
            if (!first.nextCursor) continue;
            input.cursor = first.nextCursor;
            params.cursor = decodeDiscoveryCursor(first.nextCursor);
          }
          prepared.push({ kind: q.kind, input, params });
        }
        return prepared;
      };
      if (API_WARMUP > 0) {
        const started = performance.now();
        for (const q of await prepare(makeQueries(skillNames, skillIds, API_WARMUP, 11))) {
          await call(api.url, q.input);
          await searchAdvisors(direct.db, q.params);
        }
        console.log(
          `Warmed the API (and this process) with ${API_WARMUP} searches of another draw in ${((performance.now() - started) / 1000).toFixed(1)} s, untimed.`,
        );
      }
      const prepared = await prepare(makeQueries(skillNames, skillIds, WARMUP + QUERIES));
      const http: number[] = [];
      const sqlTimes: number[] = [];
      const byKind = new Map<string, { http: number[]; direct: number[] }>();
      let results = 0;
      const timed: { ms: number; kind: string; input: Record<string, unknown> }[] = [];
      for (const [i, q] of prepared.entries()) {
        if (i === WARMUP) await resetStatementStats(databaseUrl);
        // Alternate which goes first, so neither always runs on a warmer cache.
        const runHttp = async () => {
          const t = performance.now();
          const page = await call(api.url, q.input);
          const ms = performance.now() - t;
          results += page.items.length;
          return ms;
        };
        const runDirect = async () => {
          const t = performance.now();
          await searchAdvisors(direct.db, q.params);
          return performance.now() - t;
        };
        let h: number;
        let d: number;
        if (i % 2 === 0) {
          h = await runHttp();
          d = await runDirect();
        } else {
          d = await runDirect();
          h = await runHttp();
        }
        if (i < WARMUP) continue;
        timed.push({ ms: h, kind: q.kind, input: q.input });
        http.push(h);
        sqlTimes.push(d);
        const k = byKind.get(q.kind) ?? { http: [], direct: [] };
        k.http.push(h);
        k.direct.push(d);
        byKind.set(q.kind, k);
      }
      const fmt = (x: number) => x.toFixed(2).padStart(7);
      const h = stats(http);
      const d = stats(sqlTimes);
      console.log(
        `\n${http.length} measured queries (after ${WARMUP} warm-up), ${(results / prepared.length).toFixed(1)} results per page on average`,
      );
      console.log("                 p50      p95      p99     mean      max   (ms)");
      console.log(
        `HTTP API     ${fmt(h.p50)}  ${fmt(h.p95)}  ${fmt(h.p99)}  ${fmt(h.mean)}  ${fmt(h.max)}`,
      );
      console.log(
        `Direct SQL   ${fmt(d.p50)}  ${fmt(d.p95)}  ${fmt(d.p99)}  ${fmt(d.mean)}  ${fmt(d.max)}`,
      );
      console.log(`p95 ratio HTTP / direct: ${(h.p95 / d.p95).toFixed(2)}×`);
      console.log("\nBy kind (p95 ms):   n     HTTP   direct");
      for (const [kind, v] of [...byKind.entries()].sort()) {
        console.log(
          `  ${kind.padEnd(14)} ${String(v.http.length).padStart(5)}  ${fmt(stats(v.http).p95)}  ${fmt(stats(v.direct).p95)}`,
        );
      }
      const kindFails = TARGET_KIND_P95_MS
        ? [...byKind.entries()].filter(([, v]) => stats(v.http).p95 > TARGET_KIND_P95_MS)
        : [];
      const slowest = [...timed].sort((a, b) => b.ms - a.ms).slice(0, 5);
      console.log("\nSlowest HTTP queries:");
      for (const q of slowest)
        console.log(`  ${q.ms.toFixed(2)} ms  ${q.kind}  ${JSON.stringify(q.input).slice(0, 120)}`);
      console.log("\nWhere the server's time went (pg_stat_statements, measured queries):");
      for (const line of await topStatements(databaseUrl, 5)) console.log(`  ${line}`);

      const checks = await relevanceChecks(api.url, skillIdByName);
      console.log(
        `\nRelevance (known-good answers): ${checks.filter((c) => c.ok).length}/${checks.length}`,
      );
      for (const c of checks) console.log(`  ${c.ok ? "ok  " : "FAIL"} ${c.name} (${c.detail})`);

      const pass = h.p95 <= TARGET_P95_MS && kindFails.length === 0 && checks.every((c) => c.ok);
      console.log(
        `\nBaseline ratio: HTTP p95 = ${(h.p95 / baseline.selectP50Ms).toFixed(0)}× one indexed select (${baseline.selectP50Ms.toFixed(3)} ms)`,
      );
      console.log(
        `Target HTTP p95 ≤ ${TARGET_P95_MS} ms at ${ADVISORS.toLocaleString("en")} advisors: ${h.p95 <= TARGET_P95_MS ? "PASS" : "FAIL"} (${h.p95.toFixed(2)} ms)` +
          (TARGET_KIND_P95_MS
            ? `; every kind ≤ ${TARGET_KIND_P95_MS} ms: ${kindFails.length === 0 ? "PASS" : `FAIL (${kindFails.map(([k]) => k).join(", ")})`}`
            : ""),
      );
      console.log(`Overall: ${pass ? "PASS" : "FAIL"}`);
      process.exitCode = pass ? 0 : 1;
    } finally {
      await direct.close();
      await api.close();
    }
  } finally {
    await database.stop();
  }
}

/**
 * The bench's HTTP client: node:http on one kept-alive connection. It shares a process and
 * a core with the API it times, so its own cost is in every figure; fetch (undici, with web
 * streams) added ~1 ms to the median here against this client (an A/B, ~1,100 searches each).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function call(baseUrl: string, input: Record<string, unknown>) {
  const url = new URL(
    `${baseUrl}/trpc/discovery.search?input=${encodeURIComponent(JSON.stringify(input))}`,
  );
  const { status, text } = await new Promise<{ status: number; text: string }>(
    (resolve, reject) => {
      http
        .get(
          { host: url.hostname, port: url.port, path: url.pathname + url.search, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                text: Buffer.concat(chunks).toString("utf8"),
              }),
            );
            res.on("error", reject);
          },
        )
        .on("error", reject);
    },
  );
  const body = JSON.parse(text) as {
    result?: { data: { items: unknown[]; nextCursor: string | null } };
    error?: unknown;
  };
  if (status !== 200 || !body.result)
    throw new Error(`HTTP ${status}: ${JSON.stringify(body.error)}`);
  return body.result.data;
}

await main();
