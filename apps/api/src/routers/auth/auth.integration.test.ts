import { sql } from "drizzle-orm";
import { getUserWithRoles } from "@an/db";
import { advisors } from "@an/db/schema";
import type { Locale } from "@an/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

const SAM = "demo|client-sam";
const DIEGO = "demo|client-diego";
const AMIRA = "demo|advisor-amira";
// Wednesday 2 December 2026, noon UTC: Amira's monthly run is on the 1st at 09:00 local.
const NOW = new Date("2026-12-02T12:00:00Z");
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
  await api.db.db.insert(advisors).values({
    userId: AMIRA,
    displayName: "Amira Haddad",
    headline: "Engineer",
    bio: "",
    timeZone: "UTC",
    yearsExperience: 5,
    hourlyRate: 10_000,
    currency: "USD",
    payoutCadence: "monthly",
    payoutDayOfMonth: 1,
    payoutRunAt: "09:00",
    nextPayoutAt: new Date("2027-01-01T09:00:00Z"),
  });
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function callerFor(userId: string, locale?: Locale) {
  const user = await getUserWithRoles(api.db.db, { id: userId });
  return createCaller(
    createContextInner({ db: api.db.db, user, locale, requestId: "req-prefs", now: () => NOW }),
  );
}

type AuditRow = { actor_id: string | null; before: unknown; after: unknown; request_id: string };
const audit = (subjectId: string, action: string) =>
  api.db.db.execute<AuditRow>(
    sql`select actor_id, before, after, request_id from audit_log
        where subject_id = ${subjectId} and action = ${action} order by id`,
  );

describe("auth.updatePreferences", () => {
  it("sets the caller's own locale and zone, canonical, audited, and getMe answers with them", async () => {
    const sam = await callerFor(SAM);
    const me = await sam.auth.updatePreferences({ locale: "fr-MA", timeZone: "africa/casablanca" });
    expect(me).toMatchObject({ id: SAM, locale: "fr-MA", timeZone: "Africa/Casablanca" });
    expect(await (await callerFor(SAM)).auth.getMe()).toMatchObject({
      locale: "fr-MA",
      timeZone: "Africa/Casablanca",
    });
    expect(await audit(SAM, "user.preferences_updated")).toEqual([
      {
        actor_id: SAM,
        before: { locale: "en", timeZone: "America/New_York" },
        after: { locale: "fr-MA", timeZone: "Africa/Casablanca" },
        request_id: "req-prefs",
      },
    ]);

    // Only what changed is recorded; setting the same values again records nothing.
    await (await callerFor(SAM)).auth.updatePreferences({ locale: "de", timeZone: "UTC" });
    await (await callerFor(SAM)).auth.updatePreferences({ locale: "de", timeZone: "UTC" });
    const rows = await audit(SAM, "user.preferences_updated");
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatchObject({
      before: { locale: "fr-MA", timeZone: "Africa/Casablanca" },
      after: { locale: "de", timeZone: "UTC" },
    });
  });

  it("a user whose zone nobody set sees it as unknown (null)", async () => {
    await api.db.db.execute(
      sql`insert into users (id, email, first_name) values ('test|new', 'new@example.com', 'New')`,
    );
    expect((await (await callerFor("test|new")).auth.getMe()).timeZone).toBeNull();
  });

  it("an unknown zone is a 400 with a localized message, and nothing changes", async () => {
    const token = await tokenFor({ id: DIEGO });
    for (const timeZone of ["Mars/Olympus", "+01:00"]) {
      const res = await call(api.url, "mutation", "auth.updatePreferences", {
        token,
        headers: { "x-locale": "fr" },
        input: { locale: "fr", timeZone },
      });
      expect(res.status).toBe(400);
      expect(res.body.error?.data.fieldErrors).toEqual({
        timeZone: [
          "Fuseau horaire inconnu. Utilisez un nom de fuseau IANA comme Europe/Paris, Africa/Cairo ou UTC.",
        ],
      });
    }
    const diego = await getUserWithRoles(api.db.db, { id: DIEGO });
    expect(diego).toMatchObject({ locale: "es", timeZone: "Europe/Madrid" });
    expect(await audit(DIEGO, "user.preferences_updated")).toEqual([]);
  });

  it("an unsupported locale or an empty change is a 400", async () => {
    const diego = await callerFor(DIEGO);
    await expect(diego.auth.updatePreferences({ locale: "pt" as Locale })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const token = await tokenFor({ id: DIEGO });
    const res = await call(api.url, "mutation", "auth.updatePreferences", {
      token,
      headers: { "x-locale": "de" },
      input: {},
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("PREFERENCES_EMPTY");
    expect(res.body.error?.message).toBe("Geben Sie eine Sprache, eine Zeitzone oder beides an.");
  });

  it("an advisor's new zone is their profile's too, and moves their next payout run", async () => {
    const amira = await callerFor(AMIRA);
    await amira.auth.updatePreferences({ timeZone: "Asia/Tokyo" });
    const [row] = await api.db.db
      .select({ timeZone: advisors.timeZone, nextPayoutAt: advisors.nextPayoutAt })
      .from(advisors)
      .where(sql`${advisors.userId} = ${AMIRA}`);
    // 1 January 09:00 in Tokyo (UTC+9) is midnight UTC.
    expect(row).toEqual({
      timeZone: "Asia/Tokyo",
      nextPayoutAt: new Date("2027-01-01T00:00:00Z"),
    });
    expect(await audit(AMIRA, "advisor.profile_updated")).toEqual([
      expect.objectContaining({
        actor_id: AMIRA,
        before: { timeZone: "UTC", nextPayoutAt: "2027-01-01T09:00:00.000Z" },
        after: { timeZone: "Asia/Tokyo", nextPayoutAt: "2027-01-01T00:00:00.000Z" },
      }),
    ]);

    // And the other way round: a zone changed in the profile is the user's zone.
    await (await callerFor(AMIRA)).advisors.updateProfile({ timeZone: "Africa/Cairo" });
    expect((await (await callerFor(AMIRA)).auth.getMe()).timeZone).toBe("Africa/Cairo");
  });
});
