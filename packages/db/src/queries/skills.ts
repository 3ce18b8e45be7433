import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { normalizeSkillTerm } from "@an/domain";
import type { Executor } from "../client";
import { skills, skillSynonyms } from "../schema";

/** An active (unmerged) skill with every normalized term that finds it. */
export type SkillWithSynonyms = {
  id: string;
  slug: string;
  name: string;
  synonyms: string[];
};

const synonymsOf = sql<string[]>`coalesce(
  (select array_agg(ss.term order by ss.term) from skill_synonyms ss where ss.skill_id = "skills"."id"),
  '{}'::text[])`.as("synonyms");

const skillColumns = { id: skills.id, slug: skills.slug, name: skills.name, synonyms: synonymsOf };

/**
 * Active skills by name, each with its synonyms. `search` keeps the skills with a term
 * (name, slug or synonym) containing the normalized search text. At most `limit` (default
 * 200) rows.
 */
export async function listSkills(
  ex: Executor,
  params: { search?: string; limit?: number } = {},
): Promise<SkillWithSynonyms[]> {
  const needle = params.search ? normalizeSkillTerm(params.search) : "";
  const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return ex
    .select(skillColumns)
    .from(skills)
    .where(
      and(
        isNull(skills.mergedIntoId),
        needle
          ? sql`exists (select 1 from skill_synonyms ss where ss.skill_id = "skills"."id" and ss.term like ${pattern})`
          : undefined,
      ),
    )
    .orderBy(asc(sql`lower(${skills.name})`), asc(skills.id))
    .limit(params.limit ?? 200);
}

/** One active skill with its synonyms, or null (unknown or merged away). */
export async function getActiveSkill(
  ex: Executor,
  params: { id: string },
): Promise<SkillWithSynonyms | null> {
  const [row] = await ex
    .select(skillColumns)
    .from(skills)
    .where(and(eq(skills.id, params.id), isNull(skills.mergedIntoId)))
    .limit(1);
  return row ?? null;
}

export type ResolvedSkills = {
  /** Each input that resolved, with the active skill it stands for, in input order. */
  resolved: { input: string; skill: SkillWithSynonyms }[];
  /** Inputs that find no skill, in input order. */
  unknown: string[];
};

/**
 * Maps terms (any spelling: "Node.js", "nodejs") and skill ids to active skills. A merged
 * skill's id resolves to the skill it was merged into; its terms moved there with the
 * merge. Ids must be UUIDs (validate before calling).
 */
export async function resolveSkills(
  ex: Executor,
  params: { terms?: readonly string[]; ids?: readonly string[] },
): Promise<ResolvedSkills> {
  const terms = params.terms ?? [];
  const ids = params.ids ?? [];
  const normalized = [...new Set(terms.map(normalizeSkillTerm).filter(Boolean))];
  const byTerm = new Map<string, string>();
  if (normalized.length > 0) {
    const rows = await ex
      .select({ term: skillSynonyms.term, skillId: skillSynonyms.skillId })
      .from(skillSynonyms)
      .where(inArray(skillSynonyms.term, normalized));
    for (const row of rows) byTerm.set(row.term, row.skillId);
  }
  const byId = new Map<string, string>();
  if (ids.length > 0) {
    // Merges are flattened (see mergeSkills), so one hop always reaches the survivor.
    const rows = await ex
      .select({
        id: skills.id,
        survivor: sql<string>`coalesce(${skills.mergedIntoId}, ${skills.id})`,
      })
      .from(skills)
      .where(inArray(skills.id, [...new Set(ids)]));
    for (const row of rows) byId.set(row.id, row.survivor);
  }
  const wanted = [...new Set([...byTerm.values(), ...byId.values()])];
  const found =
    wanted.length > 0
      ? await ex
          .select(skillColumns)
          .from(skills)
          .where(and(inArray(skills.id, wanted), isNull(skills.mergedIntoId)))
      : [];
  const skillById = new Map(found.map((s) => [s.id, s]));
  const result: ResolvedSkills = { resolved: [], unknown: [] };
  const inputs = [
    ...terms.map((input) => ({ input, id: byTerm.get(normalizeSkillTerm(input)) })),
    ...ids.map((input) => ({ input, id: byId.get(input) })),
  ];
  for (const { input, id } of inputs) {
    const skill = id ? skillById.get(id) : undefined;
    if (skill) result.resolved.push({ input, skill });
    else result.unknown.push(input);
  }
  return result;
}
