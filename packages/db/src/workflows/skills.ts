import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { err, normalizeSkillTerm, ok, type Result } from "@an/domain";
import type { Tx } from "../client";
import { advisorSkills, skills, skillSynonyms } from "../schema";
import { refreshAdvisorSearchText } from "../queries/advisor-search";
import { type Actor, writeAudit } from "../queries/audit";
import { getActiveSkill, type SkillWithSynonyms } from "../queries/skills";

/** Why a taxonomy edit was refused. */
export type SkillError =
  | { code: "SKILL_NOT_FOUND"; ref: string }
  | { code: "SKILL_EXISTS"; name: string }
  | { code: "SYNONYM_TAKEN"; term: string }
  | { code: "SKILL_MERGE_INVALID" }
  /** The term has no letter, digit, `+` or `#` left once normalized. */
  | { code: "EMPTY_TERM"; term: string };

type SkillChange = { actor: Actor; requestId?: string | null };

/**
 * Taxonomy edits check terms and then write them; this transaction-scoped lock makes the
 * check and the write one step against concurrent edits. They are rare admin actions, so
 * serializing them costs nothing.
 */
async function lockTaxonomy(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('an:skills-taxonomy'))`);
}

async function refreshAdvisorsWithSkills(tx: Tx, skillIds: string[]): Promise<string[]> {
  const rows = await tx
    .selectDistinct({ advisorId: advisorSkills.advisorId })
    .from(advisorSkills)
    .where(inArray(advisorSkills.skillId, skillIds));
  for (const row of rows) await refreshAdvisorSearchText(tx, { advisorId: row.advisorId });
  return rows.map((r) => r.advisorId);
}

/**
 * Creates a skill. Its slug is the normalized name; the slug and every extra synonym are
 * terms that find it. SKILL_EXISTS when the slug or any term already finds a skill (merged
 * skills included, since their slugs stay taken). Audited.
 */
export async function createSkill(
  tx: Tx,
  params: SkillChange & { name: string; synonyms?: readonly string[] },
): Promise<Result<SkillWithSynonyms, SkillError>> {
  const name = params.name.trim();
  const slug = normalizeSkillTerm(name);
  if (!slug) return err({ code: "EMPTY_TERM", term: params.name });
  const extra = (params.synonyms ?? []).map((s) => ({ raw: s, term: normalizeSkillTerm(s) }));
  const empty = extra.find((s) => !s.term);
  if (empty) return err({ code: "EMPTY_TERM", term: empty.raw });
  await lockTaxonomy(tx);
  const terms = [...new Set([slug, ...extra.map((s) => s.term)])];
  const [slugTaken] = await tx
    .select({ id: skills.id })
    .from(skills)
    .where(eq(skills.slug, slug))
    .limit(1);
  if (slugTaken) return err({ code: "SKILL_EXISTS", name });
  const [taken] = await tx
    .select({ term: skillSynonyms.term })
    .from(skillSynonyms)
    .where(inArray(skillSynonyms.term, terms))
    .limit(1);
  if (taken) return err({ code: "SKILL_EXISTS", name: taken.term === slug ? name : taken.term });
  const [created] = await tx.insert(skills).values({ slug, name }).returning({ id: skills.id });
  if (!created) throw new Error("skill insert returned nothing");
  await tx.insert(skillSynonyms).values(terms.map((term) => ({ term, skillId: created.id })));
  const skill = await getActiveSkill(tx, { id: created.id });
  if (!skill) throw new Error(`skill ${created.id} vanished during creation`);
  await writeAudit(tx, {
    actor: params.actor,
    action: "skill.created",
    subjectType: "skill",
    subjectId: skill.id,
    after: skill,
    requestId: params.requestId ?? null,
  });
  return ok(skill);
}

async function activeSkillForUpdate(tx: Tx, id: string) {
  await lockTaxonomy(tx);
  return getActiveSkill(tx, { id });
}

/**
 * Renames an active skill. The slug stays (it is the skill's stable key); the new name's
 * term is added as a synonym and the old name's term stays, so both spellings keep
 * finding it. SKILL_EXISTS when the new name already finds another skill. The search text
 * of every advisor with the skill is rebuilt. Audited.
 */
export async function renameSkill(
  tx: Tx,
  params: SkillChange & { skillId: string; name: string },
): Promise<Result<SkillWithSynonyms, SkillError>> {
  const name = params.name.trim();
  const term = normalizeSkillTerm(name);
  if (!term) return err({ code: "EMPTY_TERM", term: params.name });
  const before = await activeSkillForUpdate(tx, params.skillId);
  if (!before) return err({ code: "SKILL_NOT_FOUND", ref: params.skillId });
  const [other] = await tx
    .select({ skillId: skillSynonyms.skillId })
    .from(skillSynonyms)
    .where(and(eq(skillSynonyms.term, term), ne(skillSynonyms.skillId, before.id)))
    .limit(1);
  if (other) return err({ code: "SKILL_EXISTS", name });
  await tx.update(skills).set({ name }).where(eq(skills.id, before.id));
  await tx.insert(skillSynonyms).values({ term, skillId: before.id }).onConflictDoNothing();
  await refreshAdvisorsWithSkills(tx, [before.id]);
  const after = await getActiveSkill(tx, { id: before.id });
  if (!after) throw new Error(`skill ${before.id} vanished during rename`);
  await writeAudit(tx, {
    actor: params.actor,
    action: "skill.renamed",
    subjectType: "skill",
    subjectId: before.id,
    before: { name: before.name, synonyms: before.synonyms },
    after: { name: after.name, synonyms: after.synonyms },
    requestId: params.requestId ?? null,
  });
  return ok(after);
}

/**
 * Adds a term that finds an active skill. Adding a term the skill already has changes
 * nothing (`changed: false`, no audit); SYNONYM_TAKEN when it finds another skill.
 * Advisors with the skill get their search text rebuilt.
 */
export async function addSkillSynonym(
  tx: Tx,
  params: SkillChange & { skillId: string; term: string },
): Promise<Result<{ changed: boolean; skill: SkillWithSynonyms }, SkillError>> {
  const term = normalizeSkillTerm(params.term);
  if (!term) return err({ code: "EMPTY_TERM", term: params.term });
  const skill = await activeSkillForUpdate(tx, params.skillId);
  if (!skill) return err({ code: "SKILL_NOT_FOUND", ref: params.skillId });
  const [existing] = await tx
    .select({ skillId: skillSynonyms.skillId })
    .from(skillSynonyms)
    .where(eq(skillSynonyms.term, term))
    .limit(1);
  if (existing && existing.skillId !== skill.id) return err({ code: "SYNONYM_TAKEN", term });
  if (existing) return ok({ changed: false, skill });
  await tx.insert(skillSynonyms).values({ term, skillId: skill.id });
  await refreshAdvisorsWithSkills(tx, [skill.id]);
  await writeAudit(tx, {
    actor: params.actor,
    action: "skill.synonym_added",
    subjectType: "skill",
    subjectId: skill.id,
    after: { term },
    requestId: params.requestId ?? null,
  });
  const after = await getActiveSkill(tx, { id: skill.id });
  return ok({ changed: true, skill: after ?? skill });
}

/**
 * Removes a term from an active skill. Any term may go, the name's and slug's included
 * (the skill stays reachable by id and by its remaining terms); a term the skill doesn't
 * have changes nothing. Advisors with the skill get their search text rebuilt. Audited.
 */
export async function removeSkillSynonym(
  tx: Tx,
  params: SkillChange & { skillId: string; term: string },
): Promise<Result<{ changed: boolean; skill: SkillWithSynonyms }, SkillError>> {
  const term = normalizeSkillTerm(params.term);
  const skill = await activeSkillForUpdate(tx, params.skillId);
  if (!skill) return err({ code: "SKILL_NOT_FOUND", ref: params.skillId });
  const removed = await tx
    .delete(skillSynonyms)
    .where(and(eq(skillSynonyms.term, term), eq(skillSynonyms.skillId, skill.id)))
    .returning({ term: skillSynonyms.term });
  if (removed.length === 0) return ok({ changed: false, skill });
  await refreshAdvisorsWithSkills(tx, [skill.id]);
  await writeAudit(tx, {
    actor: params.actor,
    action: "skill.synonym_removed",
    subjectType: "skill",
    subjectId: skill.id,
    before: { term },
    requestId: params.requestId ?? null,
  });
  const after = await getActiveSkill(tx, { id: skill.id });
  return ok({ changed: true, skill: after ?? skill });
}

/**
 * Merges `sourceId` into `targetId`, in the caller's transaction:
 * - every advisor with the source gets the target instead (an advisor who had both keeps
 *   one row: insert … on conflict do nothing, then delete the source rows);
 * - the source's terms move to the target, so every old spelling finds the target;
 * - the source keeps its row with `merged_into_id` = target, and skills merged into the
 *   source earlier are re-pointed too, so a merged id resolves in one hop;
 * - the search text of every advisor with either skill is rebuilt; the merge is audited.
 * Both skills must exist; SKILL_MERGE_INVALID when they are the same or either is merged.
 */
export async function mergeSkills(
  tx: Tx,
  params: SkillChange & { sourceId: string; targetId: string },
): Promise<Result<{ target: SkillWithSynonyms; movedAdvisorIds: string[] }, SkillError>> {
  if (params.sourceId === params.targetId) return err({ code: "SKILL_MERGE_INVALID" });
  await lockTaxonomy(tx);
  const rows = await tx
    .select({ id: skills.id, mergedIntoId: skills.mergedIntoId })
    .from(skills)
    .where(inArray(skills.id, [params.sourceId, params.targetId]))
    .for("update");
  for (const id of [params.sourceId, params.targetId]) {
    if (!rows.some((r) => r.id === id)) return err({ code: "SKILL_NOT_FOUND", ref: id });
  }
  if (rows.some((r) => r.mergedIntoId !== null)) return err({ code: "SKILL_MERGE_INVALID" });
  const source = await getActiveSkill(tx, { id: params.sourceId });
  const targetBefore = await getActiveSkill(tx, { id: params.targetId });
  if (!source || !targetBefore) return err({ code: "SKILL_MERGE_INVALID" });

  const moved = await tx
    .select({ advisorId: advisorSkills.advisorId })
    .from(advisorSkills)
    .where(eq(advisorSkills.skillId, source.id));
  await tx.execute(sql`
    insert into advisor_skills (advisor_id, skill_id)
    select advisor_id, ${targetBefore.id}::uuid from advisor_skills where skill_id = ${source.id}
    on conflict do nothing`);
  await tx.delete(advisorSkills).where(eq(advisorSkills.skillId, source.id));
  await tx
    .update(skillSynonyms)
    .set({ skillId: targetBefore.id })
    .where(eq(skillSynonyms.skillId, source.id));
  await tx
    .update(skills)
    .set({ mergedIntoId: targetBefore.id })
    .where(eq(skills.mergedIntoId, source.id));
  await tx.update(skills).set({ mergedIntoId: targetBefore.id }).where(eq(skills.id, source.id));
  // Everyone now holding the target: the moved advisors and those who had it already,
  // whose search text gains the moved synonyms.
  await refreshAdvisorsWithSkills(tx, [targetBefore.id]);

  const target = await getActiveSkill(tx, { id: targetBefore.id });
  if (!target) throw new Error(`skill ${targetBefore.id} vanished during merge`);
  const movedAdvisorIds = moved.map((m) => m.advisorId).sort();
  await writeAudit(tx, {
    actor: params.actor,
    action: "skill.merged",
    subjectType: "skill",
    subjectId: source.id,
    before: { source, target: targetBefore },
    after: { mergedIntoId: target.id, target, movedAdvisorIds },
    requestId: params.requestId ?? null,
  });
  return ok({ target, movedAdvisorIds });
}
