import { createHash } from "node:crypto";
import { and, desc, eq, lt, or } from "drizzle-orm";
import {
  type ApplicationInvitationStatus,
  applicationInvitationStatus,
  DEFAULT_PLATFORM_RULES,
  type PlatformRuleKind,
  type PlatformRulesOf,
  validatePlatformRules,
} from "@an/domain";
import type { Executor } from "../client";
import { applicationInvitations, platformRuleVersions } from "../schema";

/** One version of a kind's rules; version 0 (no row: `createdAt` null) is the code default. */
export type PlatformRulesVersion<K extends PlatformRuleKind = PlatformRuleKind> = {
  kind: K;
  version: number;
  rules: PlatformRulesOf[K];
  createdBy: string | null;
  reason: string | null;
  createdAt: Date | null;
};

function parseRules<K extends PlatformRuleKind>(kind: K, rules: unknown): PlatformRulesOf[K] {
  const parsed = validatePlatformRules(kind, rules);
  // Only the workflow writes rows and it validates first: a bad row is a bug, not an input.
  if (!parsed.ok) {
    throw new Error(
      `stored ${kind} rules are invalid (${parsed.error.field}: ${parsed.error.reason})`,
    );
  }
  return parsed.value;
}

const versionColumns = {
  kind: platformRuleVersions.kind,
  version: platformRuleVersions.version,
  rules: platformRuleVersions.rules,
  createdBy: platformRuleVersions.createdBy,
  reason: platformRuleVersions.reason,
  createdAt: platformRuleVersions.createdAt,
};

/** The code default, shown as version 0. */
export function defaultPlatformRules<K extends PlatformRuleKind>(kind: K): PlatformRulesVersion<K> {
  return {
    kind,
    version: 0,
    rules: DEFAULT_PLATFORM_RULES[kind],
    createdBy: null,
    reason: null,
    createdAt: null,
  };
}

/** The rules of `kind` in force: the newest version, or the code default (version 0). */
export async function getPlatformRulesInForce<K extends PlatformRuleKind>(
  ex: Executor,
  params: { kind: K },
): Promise<PlatformRulesVersion<K>> {
  const [row] = await ex
    .select(versionColumns)
    .from(platformRuleVersions)
    .where(eq(platformRuleVersions.kind, params.kind))
    .orderBy(desc(platformRuleVersions.version))
    .limit(1);
  if (!row) return defaultPlatformRules(params.kind);
  return { ...row, kind: params.kind, rules: parseRules(params.kind, row.rules) };
}

/** Every saved version of `kind`, newest first (the default, version 0, is not a row). */
export async function listPlatformRuleVersions<K extends PlatformRuleKind>(
  ex: Executor,
  params: { kind: K; limit?: number },
): Promise<PlatformRulesVersion<K>[]> {
  const rows = await ex
    .select(versionColumns)
    .from(platformRuleVersions)
    .where(eq(platformRuleVersions.kind, params.kind))
    .orderBy(desc(platformRuleVersions.version))
    .limit(params.limit ?? 100);
  return rows.map((row) => ({
    ...row,
    kind: params.kind,
    rules: parseRules(params.kind, row.rules),
  }));
}

/** The hash an application invitation's token is stored and looked up by. */
export const hashApplicationInvitationToken = (token: string) =>
  createHash("sha256").update(token).digest("hex");

export type ApplicationInvitation = {
  id: string;
  email: string;
  expiresAt: Date;
  createdBy: string | null;
  createdAt: Date;
  usedAt: Date | null;
  usedByUserId: string | null;
  revokedAt: Date | null;
  revokedBy: string | null;
};

export const applicationInvitationColumns = {
  id: applicationInvitations.id,
  email: applicationInvitations.email,
  expiresAt: applicationInvitations.expiresAt,
  createdBy: applicationInvitations.createdBy,
  createdAt: applicationInvitations.createdAt,
  usedAt: applicationInvitations.usedAt,
  usedByUserId: applicationInvitations.usedByUserId,
  revokedAt: applicationInvitations.revokedAt,
  revokedBy: applicationInvitations.revokedBy,
};

/** The invitation a token names (locked for the caller's transaction when asked), or null. */
export async function getApplicationInvitationByToken(
  ex: Executor,
  params: { token: string; forUpdate?: boolean },
): Promise<ApplicationInvitation | null> {
  const query = ex
    .select(applicationInvitationColumns)
    .from(applicationInvitations)
    .where(eq(applicationInvitations.tokenHash, hashApplicationInvitationToken(params.token)))
    .limit(1);
  const [row] = params.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export async function getApplicationInvitation(
  ex: Executor,
  params: { id: string; forUpdate?: boolean },
): Promise<ApplicationInvitation | null> {
  const query = ex
    .select(applicationInvitationColumns)
    .from(applicationInvitations)
    .where(eq(applicationInvitations.id, params.id))
    .limit(1);
  const [row] = params.forUpdate ? await query.for("update") : await query;
  return row ?? null;
}

export type ApplicationInvitationListItem = ApplicationInvitation & {
  status: ApplicationInvitationStatus;
};
export type ApplicationInvitationCursor = { createdAt: Date; id: string };

/** Application invitations, newest first, each with its status at `now`; keyset-paged. */
export async function listApplicationInvitations(
  ex: Executor,
  params: { now: Date; limit: number; cursor?: ApplicationInvitationCursor | null },
): Promise<{
  items: ApplicationInvitationListItem[];
  nextCursor: ApplicationInvitationCursor | null;
}> {
  const cursor = params.cursor;
  const rows = await ex
    .select(applicationInvitationColumns)
    .from(applicationInvitations)
    .where(
      cursor
        ? or(
            lt(applicationInvitations.createdAt, cursor.createdAt),
            and(
              eq(applicationInvitations.createdAt, cursor.createdAt),
              lt(applicationInvitations.id, cursor.id),
            ),
          )
        : undefined,
    )
    .orderBy(desc(applicationInvitations.createdAt), desc(applicationInvitations.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({ ...row, status: applicationInvitationStatus(row, params.now) })),
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
