import { sql } from "drizzle-orm";
import { getUserWithRoles, setPlatformRules } from "@an/db";
import { insertAdvisor } from "@an/db/testing";
import { skills } from "@an/db/schema";
import { type PricingRuleSet, translator } from "@an/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platformRulesAppError } from "../../errors";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

let api: TestApi;
let skillId = "";

beforeAll(async () => {
  api = await startTestApi();
  const [row] = await api.db.db
    .insert(skills)
    .values({ slug: "nodejs", name: "Node.js" })
    .returning({ id: skills.id });
  skillId = row?.id ?? "";
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function callerFor(userId: string) {
  const user = await getUserWithRoles(api.db.db, { id: userId });
  return createCaller(
    createContextInner({ db: api.db.db, user, requestId: "req-rules", locale: "fr" }),
  );
}
const admin = () => callerFor("demo|admin");

/** A signed-up user, `<name>@example.com`, with no application yet. */
async function addUser(name: string) {
  const id = `test|${name}`;
  await api.db.db.execute(
    sql`insert into users (id, email, first_name) values (${id}, ${`${name}@example.com`}, 'Test')`,
  );
  return id;
}

const profile = {
  displayName: "Sam Carter",
  headline: "Backend engineer, 10 years of Node",
  bio: "I help teams scale Node services.",
  skillIds: [] as string[],
  languages: ["en"],
  timeZone: "Europe/Paris",
  country: "FR",
  yearsExperience: 10,
  hourlyRate: 15_000,
  currency: "usd",
};

/** A complete draft for `userId`, saved while onboarding allows it; returns its id. */
async function draftFor(userId: string) {
  const applicant = await callerFor(userId);
  const draft = await applicant.applications.saveDraft({
    profile: { ...profile, skillIds: [skillId] },
  });
  return draft.id;
}

async function setMode(mode: "open" | "invite_only" | "closed") {
  return (await admin()).platformRules.setAdvisorOnboarding({ mode, reason: `test: ${mode}` });
}

async function auditRows(subjectType: string, subjectId: string) {
  return api.db.db.execute<{ action: string; actor_id: string; after: Record<string, unknown> }>(
    sql`select action, actor_id, after from audit_log
         where subject_type = ${subjectType} and subject_id = ${subjectId} order by id`,
  );
}

async function invitationRow(id: string) {
  const [row] = await api.db.db.execute<{
    used_at: string | null;
    used_by_user_id: string | null;
    token_hash: string;
  }>(
    sql`select used_at, used_by_user_id, token_hash from application_invitations where id = ${id}`,
  );
  return row;
}

describe("platform rules versions", () => {
  it("shows the code default as version 0, then numbers each change and audits it", async () => {
    const a = await admin();
    const before = await a.platformRules.get({ kind: "advisor_onboarding" });
    expect(before).toEqual({
      inForce: {
        kind: "advisor_onboarding",
        version: 0,
        rules: { mode: "open" },
        createdBy: null,
        reason: null,
        createdAt: null,
        isDefault: true,
      },
      history: [],
    });

    const v1 = await a.platformRules.setAdvisorOnboarding({
      mode: "invite_only",
      reason: "Beta: invited advisors only",
    });
    expect(v1).toMatchObject({
      version: 1,
      rules: { mode: "invite_only" },
      createdBy: "demo|admin",
    });
    await a.platformRules.setAdvisorOnboarding({ mode: "open", reason: "Marketplace opens" });

    const after = await a.platformRules.get({ kind: "advisor_onboarding" });
    expect(after.inForce).toMatchObject({ version: 2, rules: { mode: "open" }, isDefault: false });
    expect(
      after.history.map((v) => [
        v.version,
        (v.rules as { mode: string }).mode,
        v.reason,
        v.createdBy,
      ]),
    ).toEqual([
      [2, "open", "Marketplace opens", "demo|admin"],
      [1, "invite_only", "Beta: invited advisors only", "demo|admin"],
    ]);
    const audit = await auditRows("platform_rules", "advisor_onboarding");
    expect(audit.map((r) => [r.action, r.actor_id, r.after])).toEqual([
      [
        "platform_rules.changed",
        "demo|admin",
        { version: 1, rules: { mode: "invite_only" }, reason: "Beta: invited advisors only" },
      ],
      [
        "platform_rules.changed",
        "demo|admin",
        { version: 2, rules: { mode: "open" }, reason: "Marketplace opens" },
      ],
    ]);
  });

  it("gives concurrent changes distinct, consecutive versions", async () => {
    const a = await admin();
    const start = (await a.platformRules.get({ kind: "advisor_onboarding" })).inForce.version;
    const saved = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        a.platformRules.setAdvisorOnboarding({ mode: "open", reason: `concurrent ${i}` }),
      ),
    );
    expect(saved.map((s) => s.version).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 6 }, (_, i) => start + i + 1),
    );
  });

  it("refuses rules the domain rejects, localized, and stores nothing", async () => {
    const before = (await (await admin()).platformRules.get({ kind: "advisor_onboarding" })).inForce
      .version;
    const refused = await api.db.db.transaction((tx) =>
      setPlatformRules(tx, {
        kind: "advisor_onboarding",
        rules: { mode: "everyone" },
        reason: "typo",
        actor: { kind: "user", userId: "demo|admin" },
      }),
    );
    expect(refused).toEqual({
      ok: false,
      error: {
        code: "PLATFORM_RULES_INVALID",
        kind: "advisor_onboarding",
        field: "mode",
        reason: "not_allowed",
      },
    });
    if (refused.ok) return;
    const error = platformRulesAppError(refused.error, translator("de"));
    expect(error).toMatchObject({ code: "BAD_REQUEST", appCode: "PLATFORM_RULES_INVALID" });
    expect(error.params.detail).toBe("„mode“ hat einen unzulässigen Wert");
    const after = (await (await admin()).platformRules.get({ kind: "advisor_onboarding" })).inForce
      .version;
    expect(after).toBe(before);
  });

  it("an unknown mode over HTTP is a 400 and changes nothing", async () => {
    const token = await tokenFor({ id: "demo|admin" });
    const res = await call(api.url, "mutation", "platformRules.setAdvisorOnboarding", {
      token,
      input: { mode: "everyone", reason: "typo" },
    });
    expect(res.status).toBe(400);
  });
});

describe("closed onboarding", () => {
  it("refuses new applications and first submissions with a localized 403; resubmissions go on", async () => {
    // Before closing: one draft, and one application sent back for changes.
    const drafter = await addUser("drafter");
    const draftId = await draftFor(drafter);
    const resubmitter = await addUser("resubmitter");
    const resubmitId = await draftFor(resubmitter);
    await (await callerFor(resubmitter)).applications.submit({ id: resubmitId });
    await (await admin()).applications.requestChanges({ id: resubmitId, notes: "Add a link." });

    await setMode("closed");
    const newcomer = await addUser("newcomer");
    const res = await call(api.url, "mutation", "applications.saveDraft", {
      token: await tokenFor({ id: newcomer }),
      input: { profile: { displayName: "New" } },
      headers: { "x-locale": "de" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.data.appCode).toBe("APPLICATIONS_CLOSED");
    expect(res.body.error?.message).toBe(
      "Bewerbungen als Berater sind derzeit geschlossen. Bitte schauen Sie später wieder vorbei.",
    );
    const counted = await api.db.db.execute<{ count: number }>(
      sql`select count(*)::int as count from advisor_applications where user_id = ${newcomer}`,
    );
    expect(counted[0]?.count).toBe(0);

    await expect(
      (await callerFor(drafter)).applications.submit({ id: draftId }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "APPLICATIONS_CLOSED" });
    // Sent back for changes is an application already let in.
    await expect(
      (await callerFor(resubmitter)).applications.submit({ id: resubmitId }),
    ).resolves.toMatchObject({ status: "submitted", round: 2 });
  });
});

describe("invite-only onboarding", () => {
  it("issues an invitation by email, shown once, stored hashed, listed as pending", async () => {
    await setMode("invite_only");
    const a = await admin();
    const issued = await a.applicationInvitations.issue({ email: "Invitee@Example.com" });
    expect(issued).toMatchObject({
      email: "Invitee@Example.com",
      status: "pending",
      createdBy: "demo|admin",
    });
    expect(issued.token.length).toBeGreaterThanOrEqual(32);
    const row = await invitationRow(issued.id);
    expect(row?.token_hash).not.toContain(issued.token);
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);

    const listed = await a.applicationInvitations.list();
    expect(listed.items.find((i) => i.id === issued.id)).toMatchObject({ status: "pending" });
    expect(listed.items[0]).not.toHaveProperty("token");
    expect(listed.items[0]).not.toHaveProperty("tokenHash");

    // Mailed to the address in the issuing admin's language (the invitee's is unknown).
    const jobs = await api.db.db.execute<{ payload: Record<string, unknown> }>(
      sql`select j.payload from graphile_worker._private_jobs j
            join graphile_worker._private_tasks k on k.id = j.task_id
           where k.identifier = 'send_notification' and j.payload->>'toEmail' = 'Invitee@Example.com'`,
    );
    expect(jobs.map((j) => j.payload)).toEqual([
      {
        toEmail: "Invitee@Example.com",
        locale: "fr",
        template: "application_invitation",
        params: { token: issued.token, expiresAt: issued.expiresAt.toISOString() },
        dedupeKey: `application_invitation:${issued.id}`,
      },
    ]);
    const audit = await auditRows("application_invitation", issued.id);
    expect(audit.map((r) => r.action)).toEqual(["application_invitation.issued"]);
    expect(JSON.stringify(audit)).not.toContain(issued.token);
  });

  it("requires a valid invitation for the applicant's email and uses it up once", async () => {
    await setMode("invite_only");
    const a = await admin();
    const invitee = await addUser("invitee2");
    const other = await addUser("other2");
    const inviteeDraft = await draftFor(invitee);
    const otherDraft = await draftFor(other);
    const issued = await a.applicationInvitations.issue({ email: "INVITEE2@example.com" });

    const res = await call(api.url, "mutation", "applications.submit", {
      token: await tokenFor({ id: invitee }),
      input: { id: inviteeDraft },
      headers: { "x-locale": "es" },
    });
    expect(res.status).toBe(403);
    expect(res.body.error?.data.appCode).toBe("APPLICATION_INVITATION_REQUIRED");
    expect(res.body.error?.message).toBe(
      "Por ahora las solicitudes son solo por invitación. Introduce el código de invitación que recibiste por correo electrónico.",
    );
    await expect(
      (await callerFor(invitee)).applications.submit({
        id: inviteeDraft,
        invitationToken: "nope-not-a-token",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", appCode: "APPLICATION_INVITATION_INVALID" });
    // Someone else's invitation.
    await expect(
      (await callerFor(other)).applications.submit({
        id: otherDraft,
        invitationToken: issued.token,
      }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_INVITATION_INVALID" });
    expect((await invitationRow(issued.id))?.used_at).toBeNull();

    // The invitee's email matches whatever the case.
    await expect(
      (await callerFor(invitee)).applications.submit({
        id: inviteeDraft,
        invitationToken: issued.token,
      }),
    ).resolves.toMatchObject({ status: "submitted", round: 1 });
    const used = await invitationRow(issued.id);
    expect(used?.used_at).not.toBeNull();
    expect(used?.used_by_user_id).toBe(invitee);
    const listed = await a.applicationInvitations.list();
    expect(listed.items.find((i) => i.id === issued.id)).toMatchObject({
      status: "used",
      usedByUserId: invitee,
    });

    // Used once: the token lets nobody in again.
    const third = await addUser("third2");
    const thirdDraft = await draftFor(third);
    await expect(
      (await callerFor(third)).applications.submit({
        id: thirdDraft,
        invitationToken: issued.token,
      }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_INVITATION_INVALID" });
    await expect(a.applicationInvitations.revoke({ id: issued.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "APPLICATION_INVITATION_NOT_REVOCABLE",
    });
  });

  it("refuses a revoked or an expired invitation", async () => {
    await setMode("invite_only");
    const a = await admin();
    const revokedUser = await addUser("revoked3");
    const expiredUser = await addUser("expired3");
    const revokedDraft = await draftFor(revokedUser);
    const expiredDraft = await draftFor(expiredUser);
    const toRevoke = await a.applicationInvitations.issue({ email: "revoked3@example.com" });
    const toExpire = await a.applicationInvitations.issue({
      email: "expired3@example.com",
      expiresAt: new Date(Date.now() + 2 * 3_600_000).toISOString(),
    });

    await expect(a.applicationInvitations.revoke({ id: toRevoke.id })).resolves.toMatchObject({
      revokedBy: "demo|admin",
    });
    expect((await auditRows("application_invitation", toRevoke.id)).map((r) => r.action)).toEqual([
      "application_invitation.issued",
      "application_invitation.revoked",
    ]);
    await expect(
      (await callerFor(revokedUser)).applications.submit({
        id: revokedDraft,
        invitationToken: toRevoke.token,
      }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_INVITATION_INVALID" });
    await expect(a.applicationInvitations.revoke({ id: toRevoke.id })).rejects.toMatchObject({
      appCode: "APPLICATION_INVITATION_NOT_REVOCABLE",
      params: { status: "revoked" },
    });

    // Time passes: the invitation lapsed an hour ago.
    await api.db.db.execute(
      sql`update application_invitations set expires_at = now() - interval '1 hour' where id = ${toExpire.id}`,
    );
    await expect(
      (await callerFor(expiredUser)).applications.submit({
        id: expiredDraft,
        invitationToken: toExpire.token,
      }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_INVITATION_INVALID" });
    const listed = await a.applicationInvitations.list();
    expect(listed.items.find((i) => i.id === toRevoke.id)?.status).toBe("revoked");
    expect(listed.items.find((i) => i.id === toExpire.id)?.status).toBe("expired");
  });

  it("refuses an expiry out of range and an unknown invitation", async () => {
    const a = await admin();
    await expect(
      a.applicationInvitations.issue({
        email: "late@example.com",
        expiresAt: new Date(Date.now() + 91 * 86_400_000).toISOString(),
      }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      appCode: "APPLICATION_INVITATION_EXPIRY_OUT_OF_RANGE",
      params: { minHours: 1, maxDays: 90 },
    });
    await expect(
      a.applicationInvitations.revoke({ id: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "APPLICATION_INVITATION_NOT_FOUND" });
  });
});

describe("open onboarding", () => {
  it("takes applications without any invitation", async () => {
    await setMode("open");
    const user = await addUser("openapplicant");
    const draftId = await draftFor(user);
    await expect(
      (await callerFor(user)).applications.submit({ id: draftId }),
    ).resolves.toMatchObject({ status: "submitted", round: 1 });
  });
});

describe("money rules: preview, then save", () => {
  it("previews a pricing change field by field with the advisors it would leave out, saving nothing", async () => {
    const a = await admin();
    for (const [name, rate, currency] of [
      ["eurcheap", 2_500, "EUR"],
      ["eurdear", 90_000, "EUR"],
      ["gbpone", 5_000, "GBP"],
    ] as const) {
      const id = await addUser(name);
      await insertAdvisor(api.db.db, { userId: id, hourlyRate: rate, currency });
    }
    const current = await a.platformRules.get({ kind: "pricing" });
    expect(current.inForce).toMatchObject({ version: 0, isDefault: true });
    const currencies = { ...(current.inForce.rules as PricingRuleSet).currencies };
    delete currencies.GBP;
    currencies.EUR = { ...currencies.EUR!, minHourlyRate: 3_000 };

    const preview = await a.platformRules.preview({ kind: "pricing", rules: { currencies } });
    expect(preview).toMatchObject({ fromVersion: 0, toVersion: 1 });
    expect(preview.changes).toContainEqual({
      field: "currencies.EUR.minHourlyRate",
      before: 2_000,
      after: 3_000,
    });
    expect(preview.changes.filter((c) => c.field.startsWith("currencies.GBP.")).length).toBe(6);
    expect(preview.pricingImpact).toEqual(
      expect.arrayContaining([
        { currency: "EUR", removed: false, advisors: 2, outsideLimits: 1 },
        { currency: "GBP", removed: true, advisors: 1, outsideLimits: 1 },
      ]),
    );
    expect((await a.platformRules.get({ kind: "pricing" })).inForce.version).toBe(0);

    const saved = await a.platformRules.set({
      kind: "pricing",
      rules: { currencies },
      reason: "Stop GBP; raise the EUR floor",
    });
    expect(saved).toMatchObject({ kind: "pricing", version: 1, createdBy: "demo|admin" });
    const after = await a.platformRules.get({ kind: "pricing" });
    expect(Object.keys((after.inForce.rules as PricingRuleSet).currencies)).not.toContain("GBP");
    expect(after.history.map((v) => v.reason)).toEqual(["Stop GBP; raise the EUR floor"]);
  });

  it("refuses an invalid preview in the caller's language, naming the field", async () => {
    const a = await admin();
    await expect(
      a.platformRules.preview({ kind: "commission", rules: { bps: 10_001 } }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", appCode: "PLATFORM_RULES_INVALID" });
    const t = translator("fr");
    const error = await a.platformRules
      .preview({ kind: "payouts", rules: { holdWindowHours: 48, minimumPayout: { USD: -1 } } })
      .then(
        () => null,
        (e: unknown) => e as { appCode: string; params: { detail: string } },
      );
    expect(error).toMatchObject({
      appCode: "PLATFORM_RULES_INVALID",
      params: { detail: t("errors.platform_rules.out_of_range", { field: "minimumPayout.USD" }) },
    });
    expect(error?.params.detail).toContain("minimumPayout.USD");
  });
});
