import { sql } from "drizzle-orm";
import { getUserWithRoles } from "@an/db";
import { skills } from "@an/db/schema";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, startTestApi, type TestApi, tokenFor } from "../../testing";
import { createContextInner } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

let api: TestApi;
const skill = { node: "", react: "", reactjs: "", rust: "" };

beforeAll(async () => {
  api = await startTestApi();
  const rows = await api.db.db
    .insert(skills)
    .values([
      { slug: "nodejs", name: "Node.js" },
      { slug: "react", name: "React" },
      { slug: "rust", name: "Rust" },
    ])
    .returning({ id: skills.id, slug: skills.slug });
  const id = (slug: string) => rows.find((r) => r.slug === slug)?.id ?? "";
  skill.node = id("nodejs");
  skill.react = id("react");
  skill.rust = id("rust");
  // An old duplicate merged into React: applying with it counts as React.
  const [merged] = await api.db.db
    .insert(skills)
    .values({ slug: "reactjs", name: "ReactJS", mergedIntoId: skill.react })
    .returning({ id: skills.id });
  skill.reactjs = merged?.id ?? "";
});
afterAll(async () => {
  await api.close();
  await api.db.drop();
});

async function callerFor(userId: string | null) {
  const user = userId ? await getUserWithRoles(api.db.db, { id: userId }) : null;
  return createCaller(createContextInner({ db: api.db.db, user, requestId: "req-apps" }));
}
const admin = () => callerFor("demo|admin");

/** A signed-up user with no application yet. */
async function addUser(id: string) {
  await api.db.db.execute(
    sql`insert into users (id, email, first_name) values (${id}, ${`${id.slice(5)}@example.com`}, 'Test')`,
  );
}

/** A complete, valid profile; tests override what they probe. */
function profile(overrides: Record<string, unknown> = {}) {
  return {
    displayName: "Sam Carter",
    headline: "Backend engineer, 10 years of Node",
    bio: "I help teams scale Node services.",
    skillIds: [skill.node, skill.reactjs],
    languages: ["EN-us", "fr"],
    timeZone: "america/new_york",
    yearsExperience: 10,
    portfolioUrl: "https://sam.dev",
    linkedinUrl: "https://www.linkedin.com/in/sam",
    githubUrl: "https://github.com/sam",
    hourlyRate: 15_000,
    currency: "usd",
    calcomEventType: 12345,
    ...overrides,
  };
}

async function jobsFor(userId: string) {
  const rows = await api.db.db.execute<{
    payload: { template: string; userId: string; params: Record<string, string> };
  }>(
    sql`select j.payload from graphile_worker._private_jobs j
          join graphile_worker._private_tasks k on k.id = j.task_id
         where k.identifier = 'send_notification' and j.payload->>'userId' = ${userId}
         order by j.id`,
  );
  return rows.map((r) => r.payload);
}

async function auditFor(applicationId: string) {
  const rows = await api.db.db.execute<{ action: string; actor_id: string }>(
    sql`select action, actor_id from audit_log
         where subject_type = 'advisor_application' and subject_id = ${applicationId}
         order by id`,
  );
  return rows.map((r) => [r.action, r.actor_id]);
}

/** Starts and submits a complete application for `userId`; returns its id. */
async function submitted(userId: string, overrides: Record<string, unknown> = {}) {
  const applicant = await callerFor(userId);
  const draft = await applicant.applications.saveDraft({ profile: profile(overrides) });
  await applicant.applications.submit({ id: draft.id });
  return draft.id;
}

describe("apply, request changes, resubmit, approve", () => {
  it("runs the whole flow and leaves a complete advisor behind", async () => {
    const sam = await callerFor("demo|client-sam");
    expect(await sam.applications.getMine()).toEqual({ application: null });

    const draft = await sam.applications.saveDraft({
      profile: { displayName: "Sam Carter", skillIds: [skill.reactjs, skill.react] },
    });
    expect(draft).toMatchObject({ status: "draft", round: 0, rounds: [] });
    // The merged skill resolves to its survivor, once.
    expect(draft.profile.skillIds).toEqual([skill.react]);

    await expect(sam.applications.submit({ id: draft.id })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      appCode: "APPLICATION_INCOMPLETE",
      params: {
        fields: "headline, bio, languages, timeZone, yearsExperience, hourlyRate, currency",
      },
    });

    const saved = await sam.applications.saveDraft({ id: draft.id, profile: profile() });
    expect(saved.profile).toMatchObject({
      skillIds: [skill.node, skill.react],
      languages: ["en-US", "fr"],
      timeZone: "America/New_York",
      currency: "USD",
      calcomEventType: "12345",
    });
    const first = await sam.applications.submit({ id: draft.id });
    expect(first).toMatchObject({ status: "submitted", round: 1 });
    await expect(
      sam.applications.saveDraft({ id: draft.id, profile: profile() }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_NOT_EDITABLE" });

    const queue = await (await admin()).applications.listQueue();
    expect(queue.items.map((i) => [i.id, i.displayName])).toContainEqual([draft.id, "Sam Carter"]);

    await (
      await admin()
    ).applications.requestChanges({ id: draft.id, notes: "Add a link to a recent project." });
    const sent = await sam.applications.getMine();
    expect(sent.application).toMatchObject({
      status: "changes_requested",
      decisionReason: "Add a link to a recent project.",
      rounds: [{ round: 1, decision: "changes_requested" }],
    });
    expect(sent.application?.rounds[0]).not.toHaveProperty("decidedBy");

    await sam.applications.saveDraft({
      id: draft.id,
      profile: profile({ portfolioUrl: "https://sam.dev/projects/queue" }),
    });
    expect(await sam.applications.submit({ id: draft.id })).toMatchObject({
      status: "submitted",
      round: 2,
      decisionReason: null,
    });

    // A new account's zone is unknown until someone sets it: the application's zone does.
    await api.db.db.execute(sql`update users set time_zone = null where id = 'demo|client-sam'`);
    const approved = await (await admin()).applications.approve({ id: draft.id });
    expect(approved).toMatchObject({ status: "approved", round: 2 });

    expect(await getUserWithRoles(api.db.db, { id: "demo|client-sam" })).toMatchObject({
      roles: ["client", "advisor"],
      timeZone: "America/New_York",
    });
    const [advisor] = await api.db.db.execute<Record<string, unknown>>(
      sql`select display_name, portfolio_url, linkedin_url, hourly_rate, currency, time_zone,
                 calcom_event_type, search_text from advisors where user_id = 'demo|client-sam'`,
    );
    expect(advisor).toMatchObject({
      display_name: "Sam Carter",
      portfolio_url: "https://sam.dev/projects/queue",
      linkedin_url: "https://www.linkedin.com/in/sam",
      hourly_rate: 15_000,
      currency: "USD",
      time_zone: "America/New_York",
      calcom_event_type: "12345",
    });
    expect(advisor?.search_text).toContain("Node.js");
    const skillRows = await api.db.db.execute<{ skill_id: string }>(
      sql`select skill_id from advisor_skills where advisor_id = 'demo|client-sam'`,
    );
    expect(skillRows.map((r) => r.skill_id).sort()).toEqual([skill.node, skill.react].sort());
    const languages = await api.db.db.execute<{ language: string }>(
      sql`select language from advisor_languages where advisor_id = 'demo|client-sam' order by 1`,
    );
    expect(languages.map((r) => r.language)).toEqual(["en-US", "fr"]);

    const review = await (await admin()).applications.get({ id: draft.id });
    expect(review.applicant?.email).toBe("sam@demo.advisor.network");
    expect(review.skills.map((s) => s.name)).toEqual(["Node.js", "React"]);
    expect(
      review.rounds.map((r) => [r.round, r.decision, r.decidedBy, r.profile.portfolioUrl]),
    ).toEqual([
      [1, "changes_requested", "demo|admin", "https://sam.dev"],
      [2, "approved", "demo|admin", "https://sam.dev/projects/queue"],
    ]);

    expect(await auditFor(draft.id)).toEqual([
      ["application.created", "demo|client-sam"],
      ["application.submitted", "demo|client-sam"],
      ["application.changes_requested", "demo|admin"],
      ["application.submitted", "demo|client-sam"],
      ["application.approved", "demo|admin"],
    ]);
    const roleAudit = await api.db.db.execute<{ actor_id: string }>(
      sql`select actor_id from audit_log where action = 'role.granted'
           and subject_id = 'demo|client-sam' and actor_id is not null`,
    );
    expect(roleAudit).toEqual([{ actor_id: "demo|admin" }]);

    expect((await jobsFor("demo|client-sam")).map((j) => [j.template, j.params])).toEqual([
      ["application_submitted", {}],
      ["application_changes_requested", { notes: "Add a link to a recent project." }],
      ["application_submitted", {}],
      ["application_approved", {}],
    ]);

    await expect((await admin()).applications.approve({ id: draft.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "APPLICATION_NOT_PENDING",
    });
  });
});

describe("reject", () => {
  it("needs a reason, which the applicant is sent; they may apply again later", async () => {
    const id = await submitted("demo|client-diego");
    const adm = await admin();
    await expect(adm.applications.reject({ id, reason: "  " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const rejected = await adm.applications.reject({
      id,
      reason: "Not enough verifiable experience.",
    });
    expect(rejected).toMatchObject({
      status: "rejected",
      decisionReason: "Not enough verifiable experience.",
    });
    expect((await jobsFor("demo|client-diego")).at(-1)).toMatchObject({
      template: "application_rejected",
      params: { reason: "Not enough verifiable experience." },
    });
    expect((await getUserWithRoles(api.db.db, { id: "demo|client-diego" }))?.roles).toEqual([
      "client",
    ]);
    const advisorRows = await api.db.db.execute(
      sql`select 1 from advisors where user_id = 'demo|client-diego'`,
    );
    expect(advisorRows).toHaveLength(0);
    expect(await auditFor(id)).toContainEqual(["application.rejected", "demo|admin"]);

    const diego = await callerFor("demo|client-diego");
    const again = await diego.applications.saveDraft({ profile: { displayName: "Diego R." } });
    expect(again.id).not.toBe(id);
    expect((await diego.applications.getMine()).application?.id).toBe(again.id);
    await expect(diego.applications.saveDraft({ id, profile: profile() })).rejects.toMatchObject({
      appCode: "APPLICATION_NOT_EDITABLE",
    });
  });
});

describe("one open application per user", () => {
  it("a second is APPLICATION_EXISTS, and the index refuses one written directly", async () => {
    const lucas = await callerFor("demo|advisor-lucas");
    const first = await lucas.applications.saveDraft({ profile: {} });
    await expect(lucas.applications.saveDraft({ profile: {} })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "APPLICATION_EXISTS",
    });
    const direct = (await api.db.db
      .execute(
        sql`insert into advisor_applications (user_id, profile) values ('demo|advisor-lucas', '{}')`,
      )
      .catch((e: unknown) => e)) as { code?: string; cause?: { code?: string } };
    expect(direct.cause?.code ?? direct.code).toBe("23505");
    // Concurrent first saves: exactly one wins, the other is a clean conflict.
    const amira = await callerFor("demo|advisor-amira");
    const results = await Promise.allSettled([
      amira.applications.saveDraft({ profile: {} }),
      amira.applications.saveDraft({ profile: {} }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({
      reason: { appCode: "APPLICATION_EXISTS" },
    });
    expect((await lucas.applications.getMine()).application?.id).toBe(first.id);
  });
});

describe("who may do what", () => {
  it("only admins decide, and not on their own application", async () => {
    await addUser("test|pat");
    const id = await submitted("test|pat");
    for (const userId of ["demo|advisor-amira", "demo|client-sam"]) {
      const caller = await callerFor(userId);
      await expect(caller.applications.approve({ id })).rejects.toMatchObject({
        code: "FORBIDDEN",
      });
      await expect(
        caller.applications.requestChanges({ id, notes: "Looks fine to me" }),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
      await expect(caller.applications.listQueue()).rejects.toMatchObject({ code: "FORBIDDEN" });
    }
    await expect((await callerFor(null)).applications.getMine()).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });

    const adminOwn = await (await admin()).applications.saveDraft({ profile: profile() });
    await (await admin()).applications.submit({ id: adminOwn.id });
    await expect((await admin()).applications.approve({ id: adminOwn.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
      appCode: "FORBIDDEN",
    });
    expect((await getUserWithRoles(api.db.db, { id: "demo|admin" }))?.roles).not.toContain(
      "advisor",
    );
  });

  it("applicants reach only their own application", async () => {
    const sam = await callerFor("demo|client-sam");
    const diegoApp = (await (await callerFor("demo|client-diego")).applications.getMine())
      .application;
    if (!diegoApp) throw new Error("Diego has no application");
    await expect(sam.applications.get({ id: diegoApp.id })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      sam.applications.saveDraft({ id: diegoApp.id, profile: {} }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "APPLICATION_NOT_FOUND" });
    await expect(sam.applications.submit({ id: diegoApp.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
      appCode: "APPLICATION_NOT_FOUND",
    });
    expect((await sam.applications.getMine()).application?.id).not.toBe(diegoApp.id);
  });

  it("a draft or changes-requested application can't be decided", async () => {
    const diego = (await (await callerFor("demo|client-diego")).applications.getMine()).application;
    if (!diego) throw new Error("Diego has no application");
    expect(diego.status).toBe("draft");
    await expect((await admin()).applications.approve({ id: diego.id })).rejects.toMatchObject({
      code: "CONFLICT",
      appCode: "APPLICATION_NOT_PENDING",
    });
    await expect(
      (await admin()).applications.reject({ id: diego.id, reason: "Incomplete profile" }),
    ).rejects.toMatchObject({ appCode: "APPLICATION_NOT_PENDING" });
    await expect(
      (await admin()).applications.approve({ id: "00000000-0000-4000-8000-000000000000" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", appCode: "APPLICATION_NOT_FOUND" });
  });
});

describe("approval is all or nothing", () => {
  it("a failure midway leaves no role, no advisor row, no decision and no job", async () => {
    await addUser("test|ana");
    const id = await submitted("test|ana");
    // A profile that slipped past validation trips the advisors table's own check.
    await api.db.db.execute(
      sql`update advisor_applications set profile = jsonb_set(profile, '{yearsExperience}', '-1')
           where id = ${id}`,
    );
    await expect((await admin()).applications.approve({ id })).rejects.toMatchObject({
      code: "INTERNAL_SERVER_ERROR",
    });
    expect((await getUserWithRoles(api.db.db, { id: "test|ana" }))?.roles).not.toContain("advisor");
    expect(
      await api.db.db.execute(sql`select 1 from advisors where user_id = 'test|ana'`),
    ).toHaveLength(0);
    expect((await (await admin()).applications.get({ id })).application.status).toBe("submitted");
    expect((await jobsFor("test|ana")).map((j) => j.template)).toEqual(["application_submitted"]);
  });
});

describe("the queue", () => {
  it("filters by status, skills and age, oldest first, in keyset pages", async () => {
    const adm = await admin();
    const ids: string[] = [];
    for (const [n, skillIds] of [
      [1, [skill.rust]],
      [2, [skill.rust, skill.node]],
      [3, [skill.node]],
    ] as const) {
      await addUser(`test|queue-${n}`);
      const id = await submitted(`test|queue-${n}`, { skillIds: [...skillIds] });
      // Applied 30, 20 and 10 days ago.
      await api.db.db.execute(
        sql`update advisor_applications set submitted_at = now() - make_interval(days => ${40 - n * 10})
             where id = ${id}`,
      );
      ids.push(id);
    }
    const rust = await adm.applications.listQueue({ skillIds: [skill.rust] });
    expect(rust.items.map((i) => i.id)).toEqual([ids[0], ids[1]]);
    const old = await adm.applications.listQueue({ minAgeDays: 15, maxAgeDays: 25 });
    expect(old.items.map((i) => i.id)).toEqual([ids[1]]);

    const all = await adm.applications.listQueue({ minAgeDays: 5 });
    expect(all.items.map((i) => i.id)).toEqual(ids);
    const page1 = await adm.applications.listQueue({ minAgeDays: 5, limit: 2 });
    expect(page1.items.map((i) => i.id)).toEqual(ids.slice(0, 2));
    const page2 = await adm.applications.listQueue({
      minAgeDays: 5,
      limit: 2,
      cursor: page1.nextCursor,
    });
    expect(page2.items.map((i) => i.id)).toEqual(ids.slice(2));
    expect(page2.nextCursor).toBeNull();

    const drafts = await adm.applications.listQueue({ statuses: ["draft"] });
    expect(drafts.items.every((i) => i.status === "draft")).toBe(true);
    expect(drafts.items.length).toBeGreaterThan(0);
    // Well-formed, but its id is no application id: refused, not a database error.
    const forged = Buffer.from("1700000000000:not-a-uuid", "utf8").toString("base64url");
    // The shared cursor schema refuses it (INVALID_CURSOR once formatted for HTTP).
    await expect(adm.applications.listQueue({ cursor: forged })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { issues: [expect.objectContaining({ message: "INVALID_CURSOR" })] },
    });
  });
});

describe("bad input over HTTP, localized", () => {
  let token = "";
  beforeAll(async () => {
    await addUser("test|http");
    token = await tokenFor({ id: "test|http", email: "http@example.com" });
  });
  const save = (profileInput: unknown, headers: Record<string, string> = {}) =>
    call(api.url, "mutation", "applications.saveDraft", {
      token,
      headers,
      input: { profile: profileInput },
    });

  it.each([
    ["portfolio over http", { portfolioUrl: "http://sam.dev" }, "profile.portfolioUrl"],
    [
      "LinkedIn off its domain",
      { linkedinUrl: "https://linkedin.evil.com/in/x" },
      "profile.linkedinUrl",
    ],
    ["GitHub off its domain", { githubUrl: "https://gitlab.com/sam" }, "profile.githubUrl"],
    [
      "a Cal.com event that is neither id nor link",
      { calcomEventType: "30min" },
      "profile.calcomEventType",
    ],
  ])("%s is INVALID_LINK on that field", async (_name, input, field) => {
    const res = await save(input, { "x-locale": "fr" });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("INVALID_LINK");
    expect(res.body.error?.data.fieldErrors).toEqual({
      [field]: ["Doit être un lien complet en https://."],
    });
  });

  it.each([
    ["time zone", { timeZone: "Mars/Olympus_Mons" }, "profile.timeZone"],
    ["time zone offset", { timeZone: "+01:00" }, "profile.timeZone"],
    ["language", { languages: ["en", "not a tag"] }, "profile.languages.1"],
    ["years", { yearsExperience: -1 }, "profile.yearsExperience"],
    ["fractional rate", { hourlyRate: 20.5 }, "profile.hourlyRate"],
    ["display name", { displayName: "" }, "profile.displayName"],
    ["unknown field", { nickname: "sam" }, "profile"],
  ])("a bad %s is a 400 naming the field", async (_name, input, field) => {
    const res = await save(input);
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("VALIDATION_FAILED");
    expect(Object.keys(res.body.error?.data.fieldErrors ?? {})).toEqual([field]);
  });

  it("unknown skills are named", async () => {
    const res = await save({
      skillIds: [skill.node, "00000000-0000-4000-8000-00000000abcd", "php"],
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.data.appCode).toBe("UNKNOWN_SKILLS");
    expect(res.body.error?.message).toBe(
      "These skills aren't in the taxonomy: 00000000-0000-4000-8000-00000000abcd, php.",
    );
  });

  it("a rate out of limits names them, formatted for the caller", async () => {
    const en = await save({ hourlyRate: 1_000, currency: "USD" });
    expect(en.status).toBe(400);
    expect(en.body.error?.data.appCode).toBe("RATE_OUT_OF_LIMITS");
    expect(en.body.error?.message).toBe("The hourly rate must be between $20.00 and $1,000.00.");
    const fr = await save({ hourlyRate: 200_000, currency: "USD" }, { "x-locale": "fr" });
    expect(fr.body.error?.message).toMatch(/^Le tarif horaire doit être compris entre 20,00/);
  });

  it("a currency the platform doesn't offer is CURRENCY_NOT_OFFERED", async () => {
    for (const currency of ["JPY", "dollars"]) {
      const res = await save({ hourlyRate: 5_000, currency });
      expect(res.status).toBe(400);
      expect(res.body.error?.data.appCode).toBe("CURRENCY_NOT_OFFERED");
    }
  });

  it("nothing was saved by any of the refused calls", async () => {
    const res = await call(api.url, "query", "applications.getMine", { token });
    expect(res.body.result?.data).toEqual({ application: null });
  });
});
