import { and, eq, TransactionRollbackError } from "drizzle-orm";
import { advisorLanguages, advisorSkills, skills, skillSynonyms, users } from "@an/db/schema";
import { refreshAdvisorSearchText, type SearchAdvisorsParams, searchAdvisors } from "@an/db";
import { insertAdvisor, useTestDatabase } from "@an/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

type SkillKey = "python" | "kubernetes" | "react" | "reactjs" | "node" | "go" | "postgres";
const skillIds = {} as Record<SkillKey, string>;

type Seed = {
  id: string;
  name: string;
  headline: string;
  skills: SkillKey[];
  languages: string[];
  rate: number;
  ratings?: [count: number, sum: number];
  status?: "active" | "suspended";
  accepting?: boolean;
};

const seeds: Seed[] = [
  {
    id: "adv-amira",
    name: "Amira Haddad",
    headline: "Data engineer for analytics teams",
    skills: ["python", "postgres"],
    languages: ["ar", "en"],
    rate: 15_000,
    ratings: [2, 10],
  },
  {
    id: "adv-bruno",
    name: "Bruno Costa",
    headline: "Platform lead, cloud infrastructure",
    skills: ["kubernetes", "go"],
    languages: ["en", "fr"],
    rate: 25_000,
    ratings: [5, 20],
  },
  {
    id: "adv-chen",
    name: "Chen Wei",
    headline: "Frontend architect",
    // Listed under a skill that was later merged into React.
    skills: ["reactjs", "node"],
    languages: ["en"],
    rate: 9_000,
    ratings: [2, 9],
  },
  {
    id: "adv-dalia",
    name: "Dalia Nasser",
    headline: "Backend developer",
    skills: ["python", "node"],
    languages: ["ar"],
    rate: 15_000,
  },
  {
    id: "adv-emile",
    name: "Émile Dubois",
    headline: "Site reliability engineer",
    skills: ["kubernetes", "python"],
    languages: ["fr"],
    rate: 30_000,
    ratings: [1, 3],
  },
  {
    id: "adv-sam",
    name: "Sam Suspended",
    headline: "Python expert",
    skills: ["python"],
    languages: ["en"],
    rate: 10_000,
    status: "suspended",
  },
  {
    id: "adv-pat",
    name: "Pat Paused",
    headline: "Python expert",
    skills: ["python"],
    languages: ["en"],
    rate: 10_000,
    accepting: false,
  },
];
const discoverable = ["adv-amira", "adv-bruno", "adv-chen", "adv-dalia", "adv-emile"];

const t = useTestDatabase(async (t) => {
  const rows = await t.db
    .insert(skills)
    .values([
      { slug: "python", name: "Python" },
      { slug: "kubernetes", name: "Kubernetes" },
      { slug: "react", name: "React" },
      { slug: "reactjs", name: "ReactJS" },
      { slug: "nodejs", name: "Node.js" },
      { slug: "go", name: "Go" },
      { slug: "postgresql", name: "PostgreSQL" },
    ])
    .returning({ id: skills.id, slug: skills.slug });
  const bySlug = new Map(rows.map((r) => [r.slug, r.id]));
  Object.assign(skillIds, {
    python: bySlug.get("python")!,
    kubernetes: bySlug.get("kubernetes")!,
    react: bySlug.get("react")!,
    reactjs: bySlug.get("reactjs")!,
    node: bySlug.get("nodejs")!,
    go: bySlug.get("go")!,
    postgres: bySlug.get("postgresql")!,
  });
  await t.db
    .update(skills)
    .set({ mergedIntoId: skillIds.react })
    .where(eq(skills.id, skillIds.reactjs));
  await t.db.insert(skillSynonyms).values([
    { term: "k8s", skillId: skillIds.kubernetes },
    { term: "golang", skillId: skillIds.go },
  ]);
  for (const seed of seeds) {
    await t.db.insert(users).values({
      id: seed.id,
      email: `${seed.id}@secret-mail.example`,
      firstName: seed.name.split(" ")[0],
      lastName: "Secretlastname",
    });
    await insertAdvisor(t.db, {
      userId: seed.id,
      displayName: seed.name,
      headline: seed.headline,
      bio: `${seed.name} has shipped products for startups and enterprises.`,
      hourlyRate: seed.rate,
      ratingCount: seed.ratings?.[0] ?? 0,
      ratingSum: seed.ratings?.[1] ?? 0,
      status: seed.status ?? "active",
      suspendedReason: seed.status === "suspended" ? "Terms violation" : null,
      acceptingBookings: seed.accepting ?? true,
      githubUrl: `https://github.com/${seed.id}`,
    });
    await t.db
      .insert(advisorSkills)
      .values(seed.skills.map((k) => ({ advisorId: seed.id, skillId: skillIds[k] })));
    await t.db
      .insert(advisorLanguages)
      .values(seed.languages.map((language) => ({ advisorId: seed.id, language })));
    await refreshAdvisorSearchText(t.db, { advisorId: seed.id });
  }
});

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ db: t, seed: false });
});
afterAll(async () => {
  await api.close();
});

function caller() {
  return createCaller(createContextInner({ db: t.db, user: null, requestId: "req-test" }));
}

type SearchInput = Parameters<ReturnType<typeof caller>["discovery"]["search"]>[0];

async function ids(input: SearchInput) {
  const page = await caller().discovery.search(input);
  return page.items.map((i) => i.userId);
}

describe("discovery.search: text", () => {
  it("finds advisors by skill, name, headline and bio words", async () => {
    expect((await ids({ q: "python" })).sort()).toEqual(["adv-amira", "adv-dalia", "adv-emile"]);
    expect(await ids({ q: "bruno" })).toEqual(["adv-bruno"]);
    expect(await ids({ q: "frontend architect" })).toEqual(["adv-chen"]);
    expect((await ids({ q: "startups" })).sort()).toEqual(discoverable);
  });

  it("matches word prefixes and ignores accents and case", async () => {
    expect((await ids({ q: "kube" })).sort()).toEqual(["adv-bruno", "adv-emile"]);
    expect(await ids({ q: "emile DUBOIS" })).toEqual(["adv-emile"]);
    expect(await ids({ q: "Émile" })).toEqual(["adv-emile"]);
  });

  it("tolerates typos in skills and names", async () => {
    expect((await ids({ q: "pyhton" })).sort()).toEqual(["adv-amira", "adv-dalia", "adv-emile"]);
    expect((await ids({ q: "kubernets" })).sort()).toEqual(["adv-bruno", "adv-emile"]);
    expect(await ids({ q: "Amira Hadad" })).toContain("adv-amira");
  });

  it("finds skills through their synonyms and punctuation-insensitively", async () => {
    expect((await ids({ q: "k8s" })).sort()).toEqual(["adv-bruno", "adv-emile"]);
    expect(await ids({ q: "golang" })).toEqual(["adv-bruno"]);
    expect((await ids({ q: "node.js" })).sort()).toEqual(["adv-chen", "adv-dalia"]);
  });

  it("requires every word, and finds nothing for nonsense", async () => {
    expect(await ids({ q: "python kubernetes" })).toEqual(["adv-emile"]);
    expect(await ids({ q: "zzqxv" })).toEqual([]);
    // Text without any word is no text: everything, best-rated first.
    expect(await ids({ q: "  !!  " })).toHaveLength(discoverable.length);
  });

  it("ranks a name match above a passing mention", async () => {
    const page = await ids({ q: "dalia python" });
    expect(page[0]).toBe("adv-dalia");
  });
});

describe("discovery.search: filters", () => {
  it("by skills, all of them, resolving merged skills to their survivor", async () => {
    expect((await ids({ skills: [skillIds.python] })).sort()).toEqual([
      "adv-amira",
      "adv-dalia",
      "adv-emile",
    ]);
    expect(await ids({ skills: [skillIds.python, skillIds.kubernetes] })).toEqual(["adv-emile"]);
    // Chen is listed under the merged "ReactJS"; both ids find them.
    expect(await ids({ skills: [skillIds.react] })).toEqual(["adv-chen"]);
    expect(await ids({ skills: [skillIds.reactjs] })).toEqual(["adv-chen"]);
    expect(await ids({ skills: ["00000000-0000-4000-8000-000000000000"] })).toEqual([]);
  });

  it("follow later edits to an advisor's skills and languages", async () => {
    // Rolled back, so the other tests keep the seeded data.
    const edited = t.db.transaction(async (tx) => {
      const found = async (params: Omit<SearchAdvisorsParams, "limit">) =>
        (await searchAdvisors(tx, { limit: 20, ...params })).items.map((i) => i.userId).sort();
      await tx.delete(advisorLanguages).where(eq(advisorLanguages.advisorId, "adv-dalia"));
      await tx.insert(advisorLanguages).values({ advisorId: "adv-dalia", language: "de" });
      await tx
        .update(advisorSkills)
        .set({ skillId: skillIds.go })
        .where(
          and(eq(advisorSkills.advisorId, "adv-dalia"), eq(advisorSkills.skillId, skillIds.node)),
        );
      expect(await found({ language: "de" })).toEqual(["adv-dalia"]);
      expect(await found({ language: "ar" })).toEqual(["adv-amira"]);
      expect(await found({ skillIds: [skillIds.go] })).toEqual(["adv-bruno", "adv-dalia"]);
      expect(await found({ skillIds: [skillIds.node] })).toEqual(["adv-chen"]);
      tx.rollback();
    });
    await expect(edited).rejects.toBeInstanceOf(TransactionRollbackError);
    expect(await ids({ language: "de" })).toEqual([]);
  });

  it("by language", async () => {
    expect((await ids({ language: "ar" })).sort()).toEqual(["adv-amira", "adv-dalia"]);
    expect((await ids({ language: "fr", q: "kubernetes" })).sort()).toEqual([
      "adv-bruno",
      "adv-emile",
    ]);
  });

  it("by price range, inclusive, in one currency", async () => {
    expect((await ids({ minRate: 15_000, maxRate: 25_000 })).sort()).toEqual([
      "adv-amira",
      "adv-bruno",
      "adv-dalia",
    ]);
    expect(await ids({ maxRate: 9_000 })).toEqual(["adv-chen"]);
    expect(await ids({ minRate: 0, currency: "EUR" })).toEqual([]);
  });

  it("the same way on a text search (relevance), with any of them present or not", async () => {
    const matches = await ids({ q: "python" });
    const filters = [
      { minRate: 15_000, maxRate: 25_000 },
      { maxRate: 9_000 },
      { minRate: 0, currency: "EUR" },
      { minRating: 4.5 },
      { minRating: 1 },
      { minRate: 15_000, minRating: 1 },
    ];
    const sizes: number[] = [];
    for (const filter of filters) {
      const passing = new Set(await ids(filter));
      const expected = matches.filter((id) => passing.has(id)).sort();
      expect((await ids({ q: "python", ...filter })).sort(), JSON.stringify(filter)).toEqual(
        expected,
      );
      sizes.push(expected.length);
    }
    // Some filters keep a few matches and some none, so both ways are checked.
    expect(sizes.some((n) => n > 0 && n < matches.length)).toBe(true);
    expect(sizes).toContain(0);
  });

  it("by minimum average rating; unrated advisors don't pass", async () => {
    expect(await ids({ minRating: 4.5 })).toEqual(["adv-amira", "adv-chen"]);
    expect((await ids({ minRating: 1 })).sort()).toEqual([
      "adv-amira",
      "adv-bruno",
      "adv-chen",
      "adv-emile",
    ]);
  });

  it("never shows suspended or paused advisors", async () => {
    for (const input of [{}, { q: "python expert" }, { q: "sam" }, { q: "pat paused" }]) {
      const found = await ids({ ...input, limit: 50 });
      expect(found).not.toContain("adv-sam");
      expect(found).not.toContain("adv-pat");
    }
  });
});

describe("discovery.search: sorts and pages", () => {
  it("sorts by rating (average, then count), and by price both ways", async () => {
    expect(await ids({ sort: "rating" })).toEqual([
      "adv-amira",
      "adv-chen",
      "adv-bruno",
      "adv-emile",
      "adv-dalia",
    ]);
    const asc = await caller().discovery.search({ sort: "price_asc" });
    const rates = asc.items.map((i) => i.hourlyRate);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
    expect(asc.items[0]?.userId).toBe("adv-chen");
    const desc = await ids({ sort: "price_desc" });
    expect(desc[0]).toBe("adv-emile");
    expect(desc.at(-1)).toBe("adv-chen");
  });

  it("defaults to relevance with text and to rating without", async () => {
    expect(await ids({})).toEqual(await ids({ sort: "rating" }));
    expect(await ids({ q: "python" })).toEqual(await ids({ q: "python", sort: "relevance" }));
  });

  it.each([
    { name: "rating", input: { sort: "rating" as const } },
    { name: "price_asc", input: { sort: "price_asc" as const } },
    { name: "price_desc", input: { sort: "price_desc" as const } },
    { name: "relevance", input: { q: "startups python kubernetes react node" } },
    { name: "relevance (broad)", input: { q: "shipped" } },
    // Relevance without text is rating order, with rating's two-part key in its cursor.
    { name: "relevance without text", input: { sort: "relevance" as const } },
  ])("pages through $name with no duplicates or gaps", async ({ input }) => {
    const all = await ids({ ...input, limit: 50 });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: { items: { userId: string }[]; nextCursor: string | null } =
        await caller().discovery.search({ ...input, limit: 2, cursor });
      seen.push(...page.items.map((p) => p.userId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(all);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("returns public card fields only", async () => {
    const page = await caller().discovery.search({ q: "amira" });
    expect(page.items[0]).toEqual({
      userId: "adv-amira",
      displayName: "Amira Haddad",
      headline: "Data engineer for analytics teams",
      avatarPath: null,
      hourlyRate: 15_000,
      // Not offering async advice passes.
      asyncDayRate: null,
      currency: "USD",
      rating: { average: 5, count: 2 },
      skills: ["PostgreSQL", "Python"],
      languages: ["ar", "en"],
    });
    expect(JSON.stringify(page)).not.toMatch(/secret/i);
    // A merged skill is named as its survivor, alphabetically, on every path: a text search
    // ranked by relevance, a skill filter by price, and no filter at all.
    const chen = (items: { userId: string; skills: string[] }[]) =>
      items.find((i) => i.userId === "adv-chen")?.skills;
    const expected = ["Node.js", "React"];
    expect(chen((await caller().discovery.search({ q: "frontend" })).items)).toEqual(expected);
    expect(
      chen(
        (await caller().discovery.search({ skills: [skillIds.reactjs], sort: "price_asc" })).items,
      ),
    ).toEqual(expected);
    expect(chen((await caller().discovery.search({})).items)).toEqual(expected);
  });
});

describe("discovery.getProfile", () => {
  it("shows the public profile, never the email or last name", async () => {
    const res = await call(api.url, "query", "discovery.getProfile", {
      input: { advisorId: "adv-chen" },
    });
    expect(res.status).toBe(200);
    expect(res.body.result?.data).toMatchObject({
      userId: "adv-chen",
      displayName: "Chen Wei",
      bio: "Chen Wei has shipped products for startups and enterprises.",
      yearsExperience: 10,
      timeZone: "UTC",
      links: { portfolio: null, linkedin: null, github: "https://github.com/adv-chen" },
      rating: { average: 4.5, count: 2 },
      skills: ["Node.js", "React"],
      languages: ["en"],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|@/i);
  });

  it.each(["adv-sam", "adv-pat", "nobody"])("404 ADVISOR_NOT_FOUND for %s", async (advisorId) => {
    const res = await call(api.url, "query", "discovery.getProfile", { input: { advisorId } });
    expect(res.status).toBe(404);
    expect(res.body.error?.data.appCode).toBe("ADVISOR_NOT_FOUND");
  });
});

describe("discovery.search over HTTP", () => {
  it("answers anonymous callers", async () => {
    const res = await call(api.url, "query", "discovery.search", { input: { q: "pyhton" } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toMatch(/secret/i);
  });

  it.each([
    { name: "limit 0", input: { limit: 0 }, appCode: "VALIDATION_FAILED" },
    { name: "limit 51", input: { limit: 51 }, appCode: "VALIDATION_FAILED" },
    { name: "q too long", input: { q: "x".repeat(201) }, appCode: "VALIDATION_FAILED" },
    {
      name: "too many skills",
      input: { skills: Array.from({ length: 21 }, () => "00000000-0000-4000-8000-000000000000") },
      appCode: "VALIDATION_FAILED",
    },
    { name: "garbage cursor", input: { cursor: "not-a-cursor" }, appCode: "INVALID_CURSOR" },
    {
      name: "forged cursor",
      input: { cursor: Buffer.from('["rating",[1],"x"]').toString("base64url") },
      appCode: "INVALID_CURSOR",
    },
    { name: "unknown sort", input: { sort: "newest" }, appCode: "VALIDATION_FAILED" },
  ])("400 $appCode for $name", async ({ input, appCode }) => {
    const res = await call(api.url, "query", "discovery.search", { input });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe(appCode);
  });
});
