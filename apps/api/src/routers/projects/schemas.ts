import type { ProjectView } from "@an/db";
import { z } from "zod";
import { languageSchema } from "../advisors/schemas";
import { text } from "../schemas";

export const projectIdSchema = z.uuid();

/** A project's name: 1..120 characters once trimmed. */
export const projectNameSchema = text().trim().min(1).max(120);
/** Free text, up to 4000 characters. */
export const projectDescriptionSchema = text().trim().max(4000);
/** The host platform's id for the project, unique per owner; null clears it. */
export const externalRefSchema = text().trim().min(1).max(200);
/** Needed skills as skill ids or any spelling the taxonomy knows ("react", "Node.js"). */
export const neededSkillsSchema = z.array(text().trim().min(1).max(100)).max(30);
/** BCP-47 codes, canonicalized ("EN" → "en"), like advisors' languages. */
export const projectLanguagesSchema = z.array(languageSchema).max(20);

/**
 * A project as its owner or an admin sees it, with what the caller may do next (an archived
 * project can only be unarchived).
 */
export function projectOutput(p: ProjectView) {
  const archived = p.archivedAt !== null;
  return {
    id: p.id,
    ownerId: p.ownerId,
    name: p.name,
    description: p.description,
    externalRef: p.externalRef,
    archivedAt: p.archivedAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    conversationId: p.conversationId,
    skills: p.skills.map((s) => ({ id: s.id, slug: s.slug, name: s.name })),
    languages: p.languages,
    actions: { canUpdate: !archived, canArchive: !archived, canUnarchive: archived },
  };
}
