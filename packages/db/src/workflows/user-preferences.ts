import { and, eq, isNull } from "drizzle-orm";
import { canonicalTimeZone, err, ok, type Locale, type Result } from "@an/domain";
import type { Executor, Tx } from "../client";
import { advisors, users } from "../schema";
import { type Actor, writeAudit } from "../queries/audit";
import { getUserWithRoles, type UserWithRoles } from "../queries/users";
import { updateAdvisorProfile } from "./advisors";

/** Why a preferences change was refused. */
export type UserPreferencesError =
  { code: "USER_NOT_FOUND"; ref: string } | { code: "INVALID_TIME_ZONE"; value: string };

/** What a person sets about themselves. Omitted fields stay as they are. */
export type UserPreferencesPatch = {
  locale?: Locale;
  /** An IANA zone; stored in its canonical spelling. */
  timeZone?: string;
};

/**
 * Sets the caller's own locale and time zone, audited as `user.preferences_updated` with
 * the fields that changed (nothing changed, nothing written).
 *
 * The advisor profile keeps its own `time_zone` column (payout runs are local times in it,
 * and discovery and booking pages read it), so a new zone for an advisor goes through
 * `updateAdvisorProfile` too: their next payout run is recomputed and the profile change is
 * audited there, exactly as when they change it in the profile. The two columns never
 * disagree after a change from either side.
 */
export async function updateUserPreferences(
  tx: Tx,
  params: {
    userId: string;
    patch: UserPreferencesPatch;
    actor: Actor;
    requestId?: string | null;
    now: Date;
  },
): Promise<Result<UserWithRoles, UserPreferencesError>> {
  const [before] = await tx
    .select({ locale: users.locale, timeZone: users.timeZone })
    .from(users)
    .where(eq(users.id, params.userId))
    .for("update");
  if (!before) return err({ code: "USER_NOT_FOUND", ref: params.userId });

  let timeZone: string | undefined;
  if (params.patch.timeZone !== undefined) {
    const canonical = canonicalTimeZone(params.patch.timeZone);
    if (!canonical) return err({ code: "INVALID_TIME_ZONE", value: params.patch.timeZone });
    timeZone = canonical;
  }
  const changed: { locale?: string; timeZone?: string } = {};
  const was: { locale?: string; timeZone?: string | null } = {};
  if (params.patch.locale !== undefined && params.patch.locale !== before.locale) {
    changed.locale = params.patch.locale;
    was.locale = before.locale;
  }
  if (timeZone !== undefined && timeZone !== before.timeZone) {
    changed.timeZone = timeZone;
    was.timeZone = before.timeZone;
  }

  if (Object.keys(changed).length > 0) {
    await tx.update(users).set(changed).where(eq(users.id, params.userId));
    await writeAudit(tx, {
      actor: params.actor,
      action: "user.preferences_updated",
      subjectType: "user",
      subjectId: params.userId,
      before: was,
      after: changed,
      requestId: params.requestId ?? null,
    });
  }
  if (timeZone !== undefined) await alignAdvisorTimeZone(tx, { ...params, timeZone });

  const after = await getUserWithRoles(tx, { id: params.userId });
  if (!after) throw new Error(`user ${params.userId} vanished during update`);
  return ok(after);
}

/** Moves an advisor's profile zone to the user's, when they are an advisor and it differs. */
async function alignAdvisorTimeZone(
  tx: Tx,
  params: { userId: string; timeZone: string; actor: Actor; requestId?: string | null; now: Date },
): Promise<void> {
  const [advisor] = await tx
    .select({ timeZone: advisors.timeZone })
    .from(advisors)
    .where(eq(advisors.userId, params.userId));
  if (!advisor || advisor.timeZone === params.timeZone) return;
  const result = await updateAdvisorProfile(tx, {
    advisorId: params.userId,
    patch: { timeZone: params.timeZone },
    now: params.now,
    actor: params.actor,
    requestId: params.requestId ?? null,
  });
  if (!result.ok) throw new Error(`advisor ${params.userId} vanished during a preferences update`);
}

/**
 * Takes the time zone a Cal.com booking reported for its attendee as the user's own, but
 * only while theirs is unknown: a zone the person chose (or an earlier booking gave) is
 * never overwritten. An invalid or missing zone changes nothing. Audited as
 * `user.time_zone_adopted` when it sets one. Returns the zone set, or null.
 */
export async function adoptTimeZoneIfUnknown(
  tx: Executor,
  params: { userId: string; timeZone: string | null | undefined; source: string },
): Promise<string | null> {
  const zone = params.timeZone ? canonicalTimeZone(params.timeZone) : null;
  if (!zone) return null;
  const updated = await tx
    .update(users)
    .set({ timeZone: zone })
    .where(and(eq(users.id, params.userId), isNull(users.timeZone)))
    .returning({ id: users.id });
  if (updated.length === 0) return null;
  await writeAudit(tx, {
    actor: { kind: "system", label: params.source },
    action: "user.time_zone_adopted",
    subjectType: "user",
    subjectId: params.userId,
    before: { timeZone: null },
    after: { timeZone: zone },
  });
  return zone;
}
