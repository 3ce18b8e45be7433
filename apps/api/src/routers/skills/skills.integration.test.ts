import { sql } from "drizzle-orm";
import { getUserWithRoles } from "@an/db";
import { advisors, advisorSkills } from "@an/db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  const base = {
    headline: "Engineer",
    bio: "",
    timeZone: "UTC",
    yearsExperience: 5,
    hourlyRate: 10_000,
    currency: "USD",
  };
  await api.db.db.insert(advisors).values([
    { ...base, userId: "demo|advisor-amira", displayName: "Amira Haddad" },
    { ...base, userId: "demo|advisor-lucas", displayName: "Lucas Martin" },
  ]);
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function callerFor(userId: string | null) {
  const user = userId ? await getUserWithRoles(api.db.db, { id: userId }) : null;
  return createCaller(createContextInner({ db: api.db.db, user, requestId: "req-skills" }));
}

const admin = () => callerFor("demo|admin");

async function searchText(advisorId: string): Promise<string> {
  const rows = await api.db.db.execute<{ search_text: string }>(
    sql`select search_text from advisors where user_id = ${advisorId}`,
  );
  return rows[0]?.search_text ?? "";
}

async function skillIdsOf(advisorId: string): Promise<string[]> {
  const rows = await api.db.db.execute<{ skill_id: string }>(
    sql`select skill_id from advisor_skills where advisor_id = ${advisorId} order by skill_id`,
  );
  return rows.map((r) => r.skill_id);
}

describe("create and resolve", () => {
  it("node, nodejs and node.js all find the one Node.js skill", async () => {
    const node = await (await admin()).skills.create({ name: "Node.js", synonyms: ["node"] });
    expect(node).toMatchObject({ slug: "nodejs", name: "Node.js" });
    expect(node.synonyms).toEqual(["node", "nodejs"]);

    const anonymous = await callerFor(null);
    const result = await anonymous.skills.resolve({
      terms: ["node", "nodejs", "node.js", " Node-JS ", "deno"],
    });
    expect(result.resolved.map((r) => r.skill.id)).toEqual([node.id, node.id, node.id, node.id]);
    expect(result.unknown).toEqual(["deno"]);
    expect((await anonymous.skills.resolve({ ids: [node.id] })).resolved[0]?.skill.id).toBe(
      node.id,
    );
    expect((await anonymous.skills.list({ search: "node.js" })).map((s) => s.name)).toEqual([
      "Node.js",
    ]);
  });

  it("c, c++ and c# are three skills", async () => {
    const caller = await admin();
    const names = ["C", "C++", "C#"];
    for (const name of names) await caller.skills.create({ name });
    const resolved = await caller.skills.resolve({ terms: ["c", "c++", "C#"] });
    expect(new Set(resolved.resolved.map((r) => r.skill.id)).size).toBe(3);
  });

  it("SKILL_EXISTS when the name or any synonym already finds a skill", async () => {
    const caller = await admin();
    await expect(caller.skills.create({ name: "NODEJS" })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "SKILL_EXISTS",
    });
    await expect(caller.skills.create({ name: "Deno", synonyms: ["Node"] })).rejects.toMatchObject({
      appCode: "SKILL_EXISTS",
    });
    expect((await caller.skills.resolve({ terms: ["deno"] })).unknown).toEqual(["deno"]);
  });

  it("a term with nothing left once normalized is a field error", async () => {
    await expect((await admin()).skills.create({ name: " .-. " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("is audited", async () => {
    const rows = await api.db.db.execute<{ actor_id: string; request_id: string }>(
      sql`select actor_id, request_id from audit_log where action = 'skill.created' and after->>'slug' = 'nodejs'`,
    );
    expect(rows).toEqual([{ actor_id: "demo|admin", request_id: "req-skills" }]);
  });
});

describe("synonyms", () => {
  it("adds and removes terms; SYNONYM_TAKEN for a term of another skill", async () => {
    const caller = await admin();
    const go = await caller.skills.create({ name: "Go" });
    const added = await caller.skills.addSynonym({ skillId: go.id, term: "Golang" });
    expect(added).toMatchObject({ changed: true, skill: { synonyms: ["go", "golang"] } });
    expect((await caller.skills.addSynonym({ skillId: go.id, term: "go-lang" })).changed).toBe(
      false,
    );
    await expect(
      caller.skills.addSynonym({ skillId: go.id, term: "node.js" }),
    ).rejects.toMatchObject({ code: "CONFLICT", appCode: "SYNONYM_TAKEN" });

    const removed = await caller.skills.removeSynonym({ skillId: go.id, term: "GoLang" });
    expect(removed).toMatchObject({ changed: true, skill: { synonyms: ["go"] } });
    expect((await caller.skills.resolve({ terms: ["golang"] })).unknown).toEqual(["golang"]);
  });

  it("SYNONYM_TAKEN is localized, naming the term", async () => {
    const token = await tokenFor({ id: "demo|admin" });
    const [go] = await (await admin()).skills.list({ search: "go" });
    const res = await call(api.url, "mutation", "skills.addSynonym", {
      token,
      input: { skillId: go?.id, term: "Node" },
      headers: { "x-locale": "fr" },
    });
    expect(res.status).toBe(409);
    expect(res.body.error?.data.appCode).toBe("SYNONYM_TAKEN");
    expect(res.body.error?.message).toBe("« node » désigne déjà une autre compétence.");
  });

  it("an unknown skill is SKILL_NOT_FOUND", async () => {
    await expect(
      (await admin()).skills.addSynonym({
        skillId: "00000000-0000-4000-8000-000000000000",
        term: "x",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "SKILL_NOT_FOUND" });
  });
});

describe("rename", () => {
  it("keeps the old name as a synonym and rebuilds advisors' search text", async () => {
    const caller = await admin();
    const js = await caller.skills.create({ name: "JS" });
    await api.db.db
      .insert(advisorSkills)
      .values({ advisorId: "demo|advisor-amira", skillId: js.id });
    const renamed = await caller.skills.rename({ skillId: js.id, name: "JavaScript" });
    expect(renamed).toMatchObject({ id: js.id, slug: "js", name: "JavaScript" });
    expect(renamed.synonyms).toEqual(["javascript", "js"]);
    expect(await searchText("demo|advisor-amira")).toContain("JavaScript");
    const resolved = await caller.skills.resolve({ terms: ["js", "Java Script"] });
    expect(resolved.resolved.map((r) => r.skill.id)).toEqual([js.id, js.id]);
  });

  it("SKILL_EXISTS when the new name finds another skill", async () => {
    const caller = await admin();
    const [go] = await caller.skills.list({ search: "go" });
    await expect(
      caller.skills.rename({ skillId: go?.id ?? "", name: "Node" }),
    ).rejects.toMatchObject({ appCode: "SKILL_EXISTS" });
  });
});

describe("merge", () => {
  it("re-points every advisor without duplicates, moves synonyms, updates search text", async () => {
    const caller = await admin();
    const react = await caller.skills.create({ name: "React" });
    const reactJs = await caller.skills.create({ name: "ReactJS", synonyms: ["react.js"] });
    await api.db.db.insert(advisorSkills).values([
      { advisorId: "demo|advisor-amira", skillId: react.id },
      { advisorId: "demo|advisor-amira", skillId: reactJs.id },
      { advisorId: "demo|advisor-lucas", skillId: reactJs.id },
    ]);

    const result = await caller.skills.merge({ sourceId: reactJs.id, targetId: react.id });
    expect(result.movedAdvisorIds).toEqual(["demo|advisor-amira", "demo|advisor-lucas"]);
    expect(result.target.synonyms).toEqual(["react", "reactjs"]);

    expect(await skillIdsOf("demo|advisor-lucas")).toEqual([react.id]);
    const amira = await skillIdsOf("demo|advisor-amira");
    expect(amira.filter((id) => id === react.id)).toHaveLength(1);
    expect(amira).not.toContain(reactJs.id);
    expect(await searchText("demo|advisor-lucas")).toMatch(/React .*reactjs/);

    const resolved = await caller.skills.resolve({ terms: ["react.js"], ids: [reactJs.id] });
    expect(resolved.resolved.map((r) => r.skill.id)).toEqual([react.id, react.id]);
    expect((await caller.skills.list()).map((s) => s.name)).not.toContain("ReactJS");

    const audit = await api.db.db.execute<{ subject_id: string; target: string }>(
      sql`select subject_id, after->>'mergedIntoId' as target from audit_log where action = 'skill.merged'`,
    );
    expect(audit).toEqual([{ subject_id: reactJs.id, target: react.id }]);
  });

  it("a skill merged into one that is merged later still resolves in one hop", async () => {
    const caller = await admin();
    const [a, b, c] = [
      await caller.skills.create({ name: "Vue 2" }),
      await caller.skills.create({ name: "Vue 3" }),
      await caller.skills.create({ name: "Vue" }),
    ];
    await caller.skills.merge({ sourceId: a.id, targetId: b.id });
    await caller.skills.merge({ sourceId: b.id, targetId: c.id });
    const resolved = await caller.skills.resolve({ ids: [a.id, b.id], terms: ["vue2"] });
    expect(resolved.resolved.map((r) => r.skill.id)).toEqual([c.id, c.id, c.id]);
  });

  it("SKILL_MERGE_INVALID for the same skill or one already merged", async () => {
    const caller = await admin();
    const [react] = await caller.skills.list({ search: "react" });
    const [{ id: reactJsId } = { id: "" }] = await api.db.db.execute<{ id: string }>(
      sql`select id from skills where slug = 'reactjs'`,
    );
    const reactId = react?.id ?? "";
    for (const input of [
      { sourceId: reactId, targetId: reactId },
      { sourceId: reactJsId, targetId: reactId },
      { sourceId: reactId, targetId: reactJsId },
    ]) {
      await expect(caller.skills.merge(input)).rejects.toMatchObject({
        code: "BAD_REQUEST",
        appCode: "SKILL_MERGE_INVALID",
      });
    }
  });
});

describe("access", () => {
  it.each([
    ["anonymous", null, "UNAUTHORIZED"],
    ["a client", "demo|client-sam", "FORBIDDEN"],
    ["an advisor", "demo|advisor-amira", "FORBIDDEN"],
  ])("%s can't edit the taxonomy", async (_who, userId, code) => {
    const caller = await callerFor(userId);
    await expect(caller.skills.create({ name: "Rust" })).rejects.toMatchObject({ code });
    const [node] = await caller.skills.list({ search: "node" });
    await expect(
      caller.skills.merge({ sourceId: node?.id ?? "", targetId: node?.id ?? "" }),
    ).rejects.toMatchObject({ code });
  });

  it("anyone can list and resolve", async () => {
    const res = await call(api.url, "query", "skills.list", { input: { search: "c++" } });
    expect(res.status).toBe(200);
    expect(res.body.result?.data).toEqual([
      expect.objectContaining({ name: "C++", synonyms: ["c++"] }),
    ]);
  });
});
