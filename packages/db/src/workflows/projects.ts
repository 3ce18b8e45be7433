import { eq, sql } from "drizzle-orm";
import { err, ok, type Result } from "@an/domain";
import type { Tx } from "../client";
import {
  conversationMembers,
  conversations,
  projectLanguages,
  projects,
  projectSkills,
} from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { externalRefTaken, getProject, lockProject, type ProjectView } from "../queries/projects";
import { resolveSkills } from "../queries/skills";

/** Why a project command was refused. */
export type ProjectError =
  /** Unknown, or not the caller's: the same answer, so ids can't be probed. */
  | { code: "PROJECT_NOT_FOUND"; ref: string }
  | { code: "PROJECT_EXTERNAL_REF_TAKEN"; externalRef: string }
  | { code: "PROJECT_ARCHIVED"; ref: string }
  | { code: "UNKNOWN_SKILLS"; skills: string[] };

/** Who runs a project command: the owner, or an admin acting on anyone's project. */
export type ProjectCaller = { userId: string; admin: boolean };

type ProjectChange = { caller: ProjectCaller; requestId?: string | null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Skill ids or slugs (any spelling the taxonomy knows) → distinct active skill ids; a merged
 * skill counts as its survivor. UNKNOWN_SKILLS names the inputs that find nothing.
 */
async function resolveNeededSkills(
  tx: Tx,
  refs: readonly string[],
): Promise<Result<string[], ProjectError>> {
  const ids = refs.filter((r) => UUID.test(r));
  const terms = refs.filter((r) => !UUID.test(r));
  const resolved = await resolveSkills(tx, { ids, terms });
  if (resolved.unknown.length > 0) return err({ code: "UNKNOWN_SKILLS", skills: resolved.unknown });
  return ok([...new Set(resolved.resolved.map((r) => r.skill.id))]);
}

async function replaceSkills(tx: Tx, projectId: string, skillIds: readonly string[]) {
  await tx.delete(projectSkills).where(eq(projectSkills.projectId, projectId));
  if (skillIds.length > 0)
    await tx.insert(projectSkills).values(skillIds.map((skillId) => ({ projectId, skillId })));
}

async function replaceLanguages(tx: Tx, projectId: string, languages: readonly string[]) {
  await tx.delete(projectLanguages).where(eq(projectLanguages.projectId, projectId));
  const unique = [...new Set(languages)];
  if (unique.length > 0)
    await tx.insert(projectLanguages).values(unique.map((language) => ({ projectId, language })));
}

/**
 * One owner's projects are created and re-referenced one at a time, so the external-ref
 * check and the write are one step (never a unique violation surfacing as a 500).
 */
async function lockOwner(tx: Tx, ownerId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('an:projects:' || ${ownerId}))`);
}

function actorOf(caller: ProjectCaller): Actor {
  return { kind: "user", userId: caller.userId };
}

function auditSnapshot(p: ProjectView) {
  return {
    name: p.name,
    description: p.description,
    externalRef: p.externalRef,
    archivedAt: p.archivedAt?.toISOString() ?? null,
    skillIds: p.skills.map((s) => s.id).sort(),
    languages: p.languages,
  };
}

function changedOnly(before: Record<string, unknown>, after: Record<string, unknown>) {
  const diff: { before: Record<string, unknown>; after: Record<string, unknown> } = {
    before: {},
    after: {},
  };
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      diff.before[key] = before[key];
      diff.after[key] = after[key];
    }
  }
  return diff;
}

export type NewProject = {
  ownerId: string;
  name: string;
  description?: string;
  externalRef?: string | null;
  /** Skill ids or slugs from the taxonomy. */
  skills?: readonly string[];
  /** Canonical BCP-47 codes (validate first). */
  languages?: readonly string[];
};

/**
 * Creates a project for its owner with its conversation and the owner's membership (role
 * `owner`), in the caller's transaction. PROJECT_EXTERNAL_REF_TAKEN when the owner already
 * has a project with that external reference; UNKNOWN_SKILLS when a needed skill isn't in
 * the taxonomy. Nothing is written on a refusal. Audited (`project.created`).
 */
export async function createProject(
  tx: Tx,
  params: NewProject & { actor: Actor; requestId?: string | null },
): Promise<Result<ProjectView, ProjectError>> {
  const skills = await resolveNeededSkills(tx, params.skills ?? []);
  if (!skills.ok) return skills;
  await lockOwner(tx, params.ownerId);
  if (
    params.externalRef &&
    (await externalRefTaken(tx, { ownerId: params.ownerId, externalRef: params.externalRef }))
  )
    return err({ code: "PROJECT_EXTERNAL_REF_TAKEN", externalRef: params.externalRef });
  const [created] = await tx
    .insert(projects)
    .values({
      ownerId: params.ownerId,
      name: params.name,
      description: params.description ?? "",
      externalRef: params.externalRef ?? null,
    })
    .returning({ id: projects.id });
  if (!created) throw new Error("project insert returned nothing");
  const [conversation] = await tx
    .insert(conversations)
    .values({ projectId: created.id })
    .returning({ id: conversations.id });
  if (!conversation) throw new Error("conversation insert returned nothing");
  await tx
    .insert(conversationMembers)
    .values({ conversationId: conversation.id, userId: params.ownerId, role: "owner" });
  await replaceSkills(tx, created.id, skills.value);
  await replaceLanguages(tx, created.id, params.languages ?? []);
  const project = await getProject(tx, { id: created.id });
  if (!project) throw new Error(`project ${created.id} vanished during creation`);
  await writeAudit(tx, {
    actor: params.actor,
    action: "project.created",
    subjectType: "project",
    subjectId: project.id,
    after: { ownerId: project.ownerId, ...auditSnapshot(project) },
    requestId: params.requestId ?? null,
  });
  return ok(project);
}

/** Locks a project the caller may change: its owner's, or any for an admin. */
async function lockForCaller(
  tx: Tx,
  projectId: string,
  caller: ProjectCaller,
): Promise<Result<{ id: string; ownerId: string; archivedAt: Date | null }, ProjectError>> {
  const row = await lockProject(tx, { id: projectId });
  if (!row || (row.ownerId !== caller.userId && !caller.admin))
    return err({ code: "PROJECT_NOT_FOUND", ref: projectId });
  return ok(row);
}

/** The fields an update may change; omitted ones stay. */
export type ProjectPatch = {
  name?: string;
  description?: string;
  /** Null clears it. */
  externalRef?: string | null;
  /** Replaces the needed skills (ids or slugs). */
  skills?: readonly string[];
  /** Replaces the languages (canonical BCP-47 codes). */
  languages?: readonly string[];
};

/**
 * Changes a project (owner or admin). An archived project is PROJECT_ARCHIVED until it is
 * unarchived. Audited (`project.updated`, changed fields only; nothing when nothing changed).
 */
export async function updateProject(
  tx: Tx,
  params: ProjectChange & { projectId: string; patch: ProjectPatch },
): Promise<Result<ProjectView, ProjectError>> {
  const locked = await lockForCaller(tx, params.projectId, params.caller);
  if (!locked.ok) return locked;
  if (locked.value.archivedAt) return err({ code: "PROJECT_ARCHIVED", ref: params.projectId });
  const { skills, languages, ...fields } = params.patch;
  let skillIds: string[] | undefined;
  if (skills) {
    const resolved = await resolveNeededSkills(tx, skills);
    if (!resolved.ok) return resolved;
    skillIds = resolved.value;
  }
  const before = await getProject(tx, { id: params.projectId });
  if (!before) return err({ code: "PROJECT_NOT_FOUND", ref: params.projectId });
  if (fields.externalRef) {
    await lockOwner(tx, before.ownerId);
    if (
      await externalRefTaken(tx, {
        ownerId: before.ownerId,
        externalRef: fields.externalRef,
        exceptId: before.id,
      })
    )
      return err({ code: "PROJECT_EXTERNAL_REF_TAKEN", externalRef: fields.externalRef });
  }
  const set = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length > 0)
    await tx.update(projects).set(set).where(eq(projects.id, before.id));
  if (skillIds) await replaceSkills(tx, before.id, skillIds);
  if (languages) await replaceLanguages(tx, before.id, languages);
  const after = await getProject(tx, { id: before.id });
  if (!after) throw new Error(`project ${before.id} vanished during update`);
  const diff = changedOnly(auditSnapshot(before), auditSnapshot(after));
  if (Object.keys(diff.after).length > 0) {
    await writeAudit(tx, {
      actor: actorOf(params.caller),
      action: "project.updated",
      subjectType: "project",
      subjectId: before.id,
      before: diff.before,
      after: diff.after,
      requestId: params.requestId ?? null,
    });
  }
  return ok(after);
}

/**
 * Archives (`archived: true`) or unarchives a project (owner or admin). The row, its chat
 * and its consultations stay readable; archiving again changes nothing (`changed: false`).
 * Audited (`project.archived` / `project.unarchived`) with whether an admin did it for
 * someone else.
 */
export async function setProjectArchived(
  tx: Tx,
  params: ProjectChange & { projectId: string; archived: boolean; now: Date },
): Promise<Result<{ project: ProjectView; changed: boolean }, ProjectError>> {
  const locked = await lockForCaller(tx, params.projectId, params.caller);
  if (!locked.ok) return locked;
  const changed = (locked.value.archivedAt !== null) !== params.archived;
  if (changed) {
    await tx
      .update(projects)
      .set({ archivedAt: params.archived ? params.now : null })
      .where(eq(projects.id, locked.value.id));
    await writeAudit(tx, {
      actor: actorOf(params.caller),
      action: params.archived ? "project.archived" : "project.unarchived",
      subjectType: "project",
      subjectId: locked.value.id,
      before: { archivedAt: locked.value.archivedAt?.toISOString() ?? null },
      after: {
        archivedAt: params.archived ? params.now.toISOString() : null,
        byAdmin: locked.value.ownerId !== params.caller.userId,
      },
      requestId: params.requestId ?? null,
    });
  }
  const project = await getProject(tx, { id: locked.value.id });
  if (!project) throw new Error(`project ${locked.value.id} vanished`);
  return ok({ project, changed });
}

/** {@link setProjectArchived} archiving. */
export function archiveProject(
  tx: Tx,
  params: ProjectChange & { projectId: string; now: Date },
): ReturnType<typeof setProjectArchived> {
  return setProjectArchived(tx, { ...params, archived: true });
}

/** {@link setProjectArchived} unarchiving. */
export function unarchiveProject(
  tx: Tx,
  params: ProjectChange & { projectId: string; now: Date },
): ReturnType<typeof setProjectArchived> {
  return setProjectArchived(tx, { ...params, archived: false });
}
