import { and, desc, eq, ilike, lt, or, sql } from "drizzle-orm";
import { DEFAULT_ROLES, type Role } from "@an/domain";
import type { Executor, Tx } from "../client";
import { userRoles, users } from "../schema";
import { writeAudit } from "./audit";

/** The public shape of a user, with their active roles. */
export type UserWithRoles = {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  /** IANA zone; null while unknown (never chosen, no Cal.com booking yet): show UTC. */
  timeZone: string | null;
  roles: Role[];
  createdAt: Date;
};

// Raw SQL with an alias: drizzle drops table qualifiers in single-table selects, which
// would make "id" inside the subquery mean user_roles.id.
const activeRoles = sql<Role[]>`coalesce(
  (select array_agg(ur.role order by ur.role) from user_roles ur
    where ur.user_id = "users"."id" and ur.revoked_at is null),
  '{}'::user_role[])`.as("roles");

const userColumns = {
  id: users.id,
  email: users.email,
  firstName: users.firstName,
  lastName: users.lastName,
  locale: users.locale,
  timeZone: users.timeZone,
  roles: activeRoles,
  createdAt: users.createdAt,
};

/** One user with their active roles, or null. Roles are read fresh on every call. */
export async function getUserWithRoles(
  ex: Executor,
  params: { id: string },
): Promise<UserWithRoles | null> {
  // Every authenticated request reads its user here: the query is built once per executor.
  let prepared: UserQuery | undefined = userQueries.get(ex);
  if (!prepared) {
    prepared = ex
      .select(userColumns)
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .limit(1)
      .prepare("get_user_with_roles");
    userQueries.set(ex, prepared);
  }
  const [row] = await prepared.execute({ id: params.id });
  return row ?? null;
}

type UserQuery = { execute: (params: { id: string }) => Promise<UserWithRoles[]> };
const userQueries = new WeakMap<Executor, UserQuery>();

/** Looks a user up by email, case-insensitively. */
export async function findUserByEmail(
  ex: Executor,
  params: { email: string },
): Promise<UserWithRoles | null> {
  const [row] = await ex
    .select(userColumns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${params.email})`)
    .limit(1);
  return row ?? null;
}

export type NewUserFromToken = {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale?: string | null;
};

/**
 * Creates the user row the first time a valid token is seen, with the default roles, and
 * audits it. Concurrent first requests race safely: the loser's insert does nothing.
 * Returns the user as stored.
 */
export async function ensureUserFromToken(
  tx: Tx,
  claims: NewUserFromToken,
  context: { requestId?: string | null } = {},
): Promise<UserWithRoles> {
  const insert = (email: string | null) =>
    tx
      .insert(users)
      .values({
        id: claims.id,
        email,
        firstName: claims.firstName,
        lastName: claims.lastName,
        ...(claims.locale ? { locale: claims.locale } : {}),
      })
      .onConflictDoNothing()
      .returning({ id: users.id });
  let inserted = await insert(claims.email);
  if (inserted.length === 0 && claims.email && !(await getUserWithRoles(tx, { id: claims.id }))) {
    // Another account already owns this email (say, the person re-registered with the
    // identity provider). The new account starts without it rather than taking it over.
    inserted = await insert(null);
  }
  if (inserted.length > 0) {
    for (const role of DEFAULT_ROLES) {
      await tx.insert(userRoles).values({ userId: claims.id, role }).onConflictDoNothing();
    }
    await writeAudit(tx, {
      actor: { kind: "system", label: "first-sign-in" },
      action: "user.created",
      subjectType: "user",
      subjectId: claims.id,
      after: { email: claims.email, roles: DEFAULT_ROLES },
      requestId: context.requestId ?? null,
    });
  }
  const user = await getUserWithRoles(tx, { id: claims.id });
  if (!user) throw new Error(`user ${claims.id} vanished during creation`);
  return user;
}

export type ListUsersParams = {
  /** Matches email, first or last name, case-insensitively. */
  search?: string;
  role?: Role;
  limit: number;
  /** Opaque cursor from the previous page. */
  cursor?: { createdAt: Date; id: string } | null;
};

/**
 * Users newest first, with keyset pagination on (created_at, id) so pages stay stable
 * while users sign up.
 */
export async function listUsers(ex: Executor, params: ListUsersParams) {
  const pattern = params.search ? `%${params.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await ex
    .select(userColumns)
    .from(users)
    .where(
      and(
        pattern
          ? or(
              ilike(users.email, pattern),
              ilike(users.firstName, pattern),
              ilike(users.lastName, pattern),
              ilike(sql`${users.firstName} || ' ' || ${users.lastName}`, pattern),
            )
          : undefined,
        params.role
          ? sql`exists (select 1 from user_roles ur where ur.user_id = "users"."id"
                 and ur.role = ${params.role} and ur.revoked_at is null)`
          : undefined,
        params.cursor
          ? or(
              lt(users.createdAt, params.cursor.createdAt),
              and(eq(users.createdAt, params.cursor.createdAt), lt(users.id, params.cursor.id)),
            )
          : undefined,
      ),
    )
    .orderBy(desc(users.createdAt), desc(users.id))
    .limit(params.limit + 1);
  const page = rows.slice(0, params.limit);
  const last = page.at(-1);
  return {
    items: page,
    nextCursor:
      rows.length > params.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
  };
}
