import { appendMessage, createConsultationFromIntent, createSkill, seedDemoData } from "@an/db";
import {
  advisorLanguages,
  advisorSkills,
  auditLog,
  bookingIntents,
  consultations,
  conversationMembers,
  projects,
  users,
} from "@an/db/schema";
import { ADMIN, AMIRA, DIEGO, insertAdvisor, LUCAS, SAM, useTestDatabase } from "@an/db/testing";
import { TRPCError } from "@trpc/server";
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { formatAppError } from "../../trpc/error-format";
import { callerFor } from "../consultations/test-fixtures";

const NOW = new Date("2026-11-02T09:00:00.000Z");

/** Advisors beyond the demo ones, for ranking. */
const NADIA = "test|advisor-nadia";
const OMAR = "test|advisor-omar";
const PAUSED = "test|advisor-paused";
const SUSPENDED = "test|advisor-suspended";
const GOPHER = "test|advisor-gopher";

const skill: Record<string, string> = {};

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await db.db.insert(users).values(
    [NADIA, OMAR, PAUSED, SUSPENDED, GOPHER].map((id) => ({
      id,
      email: `${id.split("-")[1]}@test.advisor.network`,
      firstName: id.split("-")[1],
      lastName: "Test",
    })),
  );
  await db.db.transaction(async (tx) => {
    for (const name of ["React", "Postgres", "Go", "Legacy React"]) {
      const made = await createSkill(tx, { name, actor: { kind: "system", label: "test" } });
      if (!made.ok) throw new Error(JSON.stringify(made.error));
      skill[made.value.slug] = made.value.id;
    }
  });
  // "Legacy React" is merged into React: its id must resolve to React.
  await db.db.execute(
    sql`update skills set merged_into_id = ${skill.react} where id = ${skill.legacyreact}`,
  );
  const advisor = async (
    userId: string,
    fields: Omit<Parameters<typeof insertAdvisor>[1], "userId">,
    skills: string[],
    languages: string[],
  ) => {
    await insertAdvisor(db.db, { ...fields, userId });
    if (skills.length > 0)
      await db.db
        .insert(advisorSkills)
        .values(skills.map((s) => ({ advisorId: userId, skillId: skill[s]! })));
    if (languages.length > 0)
      await db.db
        .insert(advisorLanguages)
        .values(languages.map((language) => ({ advisorId: userId, language })));
  };
  // Amira: both skills, German, many good reviews: the best fit.
  await advisor(
    AMIRA,
    {
      displayName: "Amira Haddad",
      calcomEventType: "amira/consultation",
      ratingCount: 31,
      ratingSum: 149,
      asyncDayRate: 40_000,
    },
    ["react", "postgres"],
    ["de", "en"],
  );
  // Lucas: both skills, German, but a single 5★ review.
  await advisor(
    LUCAS,
    { displayName: "Lucas Martin", ratingCount: 1, ratingSum: 5 },
    ["react", "postgres"],
    ["de"],
  );
  // Nadia: one skill (held under the merged-away id), English only.
  await advisor(NADIA, { displayName: "Nadia K." }, ["legacyreact"], ["en"]);
  await advisor(OMAR, { displayName: "Omar B." }, ["postgres"], ["de"]);
  await advisor(
    PAUSED,
    { displayName: "Paused P.", acceptingBookings: false },
    ["react", "postgres"],
    ["de"],
  );
  await advisor(
    SUSPENDED,
    { displayName: "Suspended S.", status: "suspended", suspendedReason: "policy" },
    ["react", "postgres"],
    ["de"],
  );
  await advisor(GOPHER, { displayName: "Gopher G." }, ["go"], ["de"]);
});

const as = (userId: string | null) => callerFor(t.db, userId, { now: NOW });

async function failure(promise: Promise<unknown>, locale: "en" | "de" = "en") {
  const error = await promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw error;
  const formatted = formatAppError(error, { locale, requestId: "r", input: undefined });
  return { code: error.code, appCode: formatted.appCode, message: formatted.message };
}

const projectCount = async () =>
  (await t.db.execute<{ n: number }>(sql`select count(*)::int as n from projects`))[0]!.n;

describe("projects: create, rename, archive", () => {
  it("creates the project, its conversation and the owner's membership in one go", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({
      name: "  Storefront  ",
      description: "A shop on the host platform",
      externalRef: "app_123",
      skills: ["React", skill.legacyreact!, "postgres"],
      languages: ["DE", "en"],
    });
    expect(project).toMatchObject({
      ownerId: SAM,
      name: "Storefront",
      externalRef: "app_123",
      archivedAt: null,
      languages: ["de", "en"],
      actions: { canUpdate: true, canArchive: true, canUnarchive: false },
    });
    // The merged skill resolved to its survivor: React once, not twice.
    expect(project.skills.map((s) => s.slug)).toEqual(["postgres", "react"]);
    expect(project.conversationId).toEqual(expect.any(String));
    const members = await t.db
      .select({ userId: conversationMembers.userId, role: conversationMembers.role })
      .from(conversationMembers)
      .where(eq(conversationMembers.conversationId, project.conversationId!));
    expect(members).toEqual([{ userId: SAM, role: "owner" }]);
    const audit = await t.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.subjectId, project.id));
    expect(audit).toEqual([{ action: "project.created" }]);
  });

  it("an external reference is unique per owner: a clear CONFLICT, nothing stored", async () => {
    const sam = await as(SAM);
    await sam.projects.create({ name: "First", externalRef: "dup_ref" });
    const before = await projectCount();
    const refused = await failure(sam.projects.create({ name: "Second", externalRef: "dup_ref" }));
    expect(refused).toMatchObject({ code: "CONFLICT", appCode: "PROJECT_EXTERNAL_REF_TAKEN" });
    expect(refused.message).toContain("dup_ref");
    expect(await projectCount()).toBe(before);
    // Another owner may use the same reference.
    const diego = await as(DIEGO);
    await expect(
      diego.projects.create({ name: "Theirs", externalRef: "dup_ref" }),
    ).resolves.toMatchObject({
      externalRef: "dup_ref",
    });
    // Renaming a reference onto a taken one is refused as well.
    const other = await sam.projects.create({ name: "Third", externalRef: "other_ref" });
    expect(
      await failure(sam.projects.update({ projectId: other.id, externalRef: "dup_ref" })),
    ).toMatchObject({ code: "CONFLICT", appCode: "PROJECT_EXTERNAL_REF_TAKEN" });
    // Keeping one's own reference is no conflict.
    await expect(
      sam.projects.update({ projectId: other.id, externalRef: "other_ref", name: "Third!" }),
    ).resolves.toMatchObject({ name: "Third!", externalRef: "other_ref" });
  });

  it("renames, re-skills and audits only what changed", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({ name: "Old name", skills: ["react"] });
    const updated = await sam.projects.update({
      projectId: project.id,
      name: "New name",
      skills: ["go"],
      languages: ["ar-eg"],
      externalRef: null,
    });
    expect(updated).toMatchObject({ name: "New name", languages: ["ar-EG"], externalRef: null });
    expect(updated.skills.map((s) => s.slug)).toEqual(["go"]);
    const [audit] = await t.db
      .select({ before: auditLog.before, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, project.id), eq(auditLog.action, "project.updated")));
    expect(audit?.before).toEqual({
      name: "Old name",
      skillIds: [skill.react],
      languages: [],
    });
    expect(audit?.after).toEqual({ name: "New name", skillIds: [skill.go], languages: ["ar-EG"] });
  });

  it("unknown skills are a clear BAD_REQUEST naming them", async () => {
    const sam = await as(SAM);
    const refused = await failure(
      sam.projects.create({ name: "X", skills: ["react", "cobol-on-mars"] }),
    );
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "UNKNOWN_SKILLS" });
    expect(refused.message).toContain("cobol-on-mars");
  });

  it("an archived project can't be updated until it is unarchived", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({ name: "To archive" });
    const archived = await sam.projects.archive({ projectId: project.id });
    expect(archived).toMatchObject({
      changed: true,
      project: { actions: { canUpdate: false, canArchive: false, canUnarchive: true } },
    });
    expect(archived.project.archivedAt).toEqual(NOW);
    expect((await sam.projects.archive({ projectId: project.id })).changed).toBe(false);
    const refused = await failure(sam.projects.update({ projectId: project.id, name: "Nope" }));
    expect(refused).toMatchObject({ code: "CONFLICT", appCode: "PROJECT_ARCHIVED" });
    expect(refused.message).toMatch(/unarchive/i);
    const back = await sam.projects.unarchive({ projectId: project.id });
    expect(back).toMatchObject({ changed: true, project: { archivedAt: null } });
    await expect(
      sam.projects.update({ projectId: project.id, name: "Yes" }),
    ).resolves.toMatchObject({ name: "Yes" });
  });
});

describe("projects: who sees what", () => {
  it("someone else's project, or none, is NOT_FOUND for every procedure", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({ name: "Private" });
    const diego = await as(DIEGO);
    const amira = await as(AMIRA);
    for (const caller of [diego, amira]) {
      for (const attempt of [
        () => caller.projects.get({ projectId: project.id }),
        () => caller.projects.update({ projectId: project.id, name: "Mine now" }),
        () => caller.projects.archive({ projectId: project.id }),
        () => caller.projects.unarchive({ projectId: project.id }),
        () => caller.projects.suggestAdvisors({ projectId: project.id }),
      ]) {
        expect(await failure(attempt())).toMatchObject({
          code: "NOT_FOUND",
          appCode: "PROJECT_NOT_FOUND",
        });
      }
    }
    expect(
      await failure(sam.projects.get({ projectId: "00000000-0000-4000-8000-000000000000" })),
    ).toMatchObject({ code: "NOT_FOUND" });
    expect((await sam.projects.get({ projectId: project.id })).name).toBe("Private");
    const [row] = await t.db.select().from(projects).where(eq(projects.id, project.id));
    expect(row).toMatchObject({ name: "Private", archivedAt: null });
  });

  it("lists the owner's projects newest first with a keyset cursor; archived only on request", async () => {
    const owner = "test|advisor-gopher"; // any signed-in user can own projects
    const caller = await as(owner);
    const made = [];
    for (const name of ["p1", "p2", "p3"]) made.push(await caller.projects.create({ name }));
    await caller.projects.archive({ projectId: made[0]!.id });
    const first = await caller.projects.listMine({ limit: 1 });
    expect(first.items.map((p) => p.name)).toEqual(["p3"]);
    const second = await caller.projects.listMine({ limit: 1, cursor: first.nextCursor });
    expect(second.items.map((p) => p.name)).toEqual(["p2"]);
    expect(second.nextCursor).toBeNull();
    const all = await caller.projects.listMine({ includeArchived: true });
    expect(all.items.map((p) => p.name)).toEqual(["p3", "p2", "p1"]);
    const refused = await failure(caller.projects.listMine({ cursor: "not-a-cursor" }));
    expect(refused).toMatchObject({ code: "BAD_REQUEST", appCode: "INVALID_CURSOR" });
  });

  it("admins see, search, archive and unarchive every project; the archive is audited as theirs", async () => {
    const diego = await as(DIEGO);
    const project = await diego.projects.create({ name: "Diego's atlas", externalRef: "atlas-1" });
    const admin = await as(ADMIN);
    expect((await admin.projects.get({ projectId: project.id })).name).toBe("Diego's atlas");
    const byName = await admin.projects.listForAdmin({ search: "atlas" });
    expect(byName.items.map((p) => p.id)).toEqual([project.id]);
    expect(byName.items[0]!.owner).toMatchObject({
      id: DIEGO,
      email: "diego@demo.advisor.network",
    });
    const byOwner = await admin.projects.listForAdmin({ search: "diego@demo" });
    expect(byOwner.items.map((p) => p.id)).toContain(project.id);
    expect(byOwner.items.every((p) => p.ownerId === DIEGO)).toBe(true);
    const all = await admin.projects.listForAdmin({ limit: 100 });
    expect(new Set(all.items.map((p) => p.ownerId)).size).toBeGreaterThan(1);

    await admin.projects.archive({ projectId: project.id });
    const [audit] = await t.db
      .select({ actorId: auditLog.actorId, after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.subjectId, project.id), eq(auditLog.action, "project.archived")));
    expect(audit).toMatchObject({ actorId: ADMIN, after: { byAdmin: true } });
    await admin.projects.unarchive({ projectId: project.id });
  });
});

describe("projects: bad input is a 4xx with nothing stored", () => {
  it.each([
    ["a NUL byte in the name", { name: "bad\u0000name" }],
    ["an empty name", { name: "   " }],
    ["a name over 120 characters", { name: "x".repeat(121) }],
    ["a description over 4000 characters", { name: "ok", description: "d".repeat(4001) }],
    ["a language that isn't a BCP-47 tag", { name: "ok", languages: ["not a tag!"] }],
    ["an unknown field", { name: "ok", price: 1 }],
  ])("%s", async (_name, input) => {
    const sam = await as(SAM);
    const before = await projectCount();
    const refused = await failure(sam.projects.create(input));
    expect(refused.code).toBe("BAD_REQUEST");
    expect(refused.message.length).toBeGreaterThan(10);
    expect(await projectCount()).toBe(before);
  });

  it("a project id that isn't a uuid is a BAD_REQUEST, not a database error", async () => {
    const sam = await as(SAM);
    expect(await failure(sam.projects.get({ projectId: "1; drop table" }))).toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("projects.suggestAdvisors", () => {
  it("ranks active advisors accepting work by fit and says why", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({
      name: "Ranking",
      skills: ["react", "postgres"],
      languages: ["de"],
    });
    // Omar answers Sam's questions in the project chat within 30 minutes.
    await t.db.transaction(async (tx) => {
      const messages = [
        { actorType: "client" as const, senderId: SAM, at: 0 },
        { actorType: "advisor" as const, senderId: OMAR, at: 30 },
        { actorType: "advisor" as const, senderId: OMAR, at: 35 }, // answers nothing new
        { actorType: "client" as const, senderId: SAM, at: 60 },
        { actorType: "advisor" as const, senderId: OMAR, at: 90 },
      ];
      for (const [i, m] of messages.entries()) {
        const out = await appendMessage(tx, {
          conversationId: project.conversationId!,
          actorType: m.actorType,
          senderId: m.senderId,
          authorKey: `user:${m.senderId}`,
          clientMsgId: `m${i}`,
          body: `message ${i}`,
          now: new Date(NOW.getTime() + m.at * 60_000),
        });
        expect(out.kind).toBe("created");
      }
    });
    const { items } = await sam.projects.suggestAdvisors({ projectId: project.id });
    const ids = items.map((s) => s.advisor.id);
    // Never: paused, suspended, or without any needed skill.
    expect(ids).not.toContain(PAUSED);
    expect(ids).not.toContain(SUSPENDED);
    expect(ids).not.toContain(GOPHER);
    // 31 reviews at 4.8★ beat a single 5★; both skills beat one.
    expect(ids).toEqual([AMIRA, LUCAS, OMAR, NADIA]);
    expect(items[0]!.reasons).toEqual([
      { code: "skills", matched: ["postgres", "react"] },
      { code: "language", language: "de" },
      { code: "rating", average: 4.81, count: 31 },
      { code: "price", hourlyRate: 12_000, asyncDayRate: 40_000, currency: "USD" },
    ]);
    expect(items.find((s) => s.advisor.id === OMAR)!.reasons).toContainEqual({
      code: "response_time",
      medianMinutes: 30,
    });
    // The merged-away skill id Nadia holds counts as React.
    expect(items.find((s) => s.advisor.id === NADIA)!.reasons[0]).toEqual({
      code: "skills",
      matched: ["react"],
    });
    // Stable: the same answer twice, and a limit takes the head.
    expect((await sam.projects.suggestAdvisors({ projectId: project.id })).items).toEqual(items);
    const top = await sam.projects.suggestAdvisors({ projectId: project.id, limit: 2 });
    expect(top.items.map((s) => s.advisor.id)).toEqual([AMIRA, LUCAS]);
    // Advisors' private details never appear.
    expect(JSON.stringify(items)).not.toContain("@");
  });

  it("a project naming no skills or languages still gets suggestions, the best rated first", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({ name: "Open brief" });
    const { items } = await sam.projects.suggestAdvisors({ projectId: project.id, limit: 50 });
    const ids = items.map((s) => s.advisor.id);
    expect(ids[0]).toBe(AMIRA);
    expect(ids).toContain(GOPHER);
    expect(ids).not.toContain(PAUSED);
    expect(ids).not.toContain(SUSPENDED);
    expect(items.every((s) => s.reasons.every((r) => r.code !== "skills"))).toBe(true);
  });
});

describe("consultations link to a project", () => {
  it("bookings.prepare carries the client's own projectId into the consultation", async () => {
    const sam = await as(SAM);
    const project = await sam.projects.create({ name: "Checkout revamp" });
    const prepared = await sam.bookings.prepare({
      advisorId: AMIRA,
      durationMinutes: 60,
      project: "legacy text",
      projectId: project.id,
    });
    const [intent] = await t.db
      .select({ projectId: bookingIntents.projectId })
      .from(bookingIntents)
      .where(eq(bookingIntents.id, prepared.intentId));
    expect(intent?.projectId).toBe(project.id);
    const created = await t.db.transaction((tx) =>
      createConsultationFromIntent(tx, {
        intentId: prepared.intentId,
        bookingUid: "uid-project-link",
        startsAt: new Date("2026-11-10T10:00:00Z"),
        endsAt: new Date("2026-11-10T11:00:00Z"),
        now: NOW,
        paymentWindowMinutes: 60,
        origin: { source: "test:booking" },
      }),
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const [row] = await t.db
      .select({ projectId: consultations.projectId, project: consultations.project })
      .from(consultations)
      .where(eq(consultations.id, created.consultation.id));
    expect(row).toEqual({ projectId: project.id, project: "legacy text" });
    const view = await sam.consultations.get({ consultationId: created.consultation.id });
    expect(view).toMatchObject({
      project: "legacy text",
      linkedProject: { id: project.id, name: "Checkout revamp" },
    });
    const list = await sam.consultations.list({ as: "client" });
    expect(list.items.find((c) => c.id === created.consultation.id)).toMatchObject({
      linkedProject: { id: project.id, name: "Checkout revamp" },
    });
  });

  it("someone else's project is NOT_FOUND and no intent is stored", async () => {
    const diego = await as(DIEGO);
    const theirs = await diego.projects.create({ name: "Not Sam's" });
    const sam = await as(SAM);
    const before = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from booking_intents`,
    );
    expect(
      await failure(
        sam.bookings.prepare({ advisorId: AMIRA, durationMinutes: 60, projectId: theirs.id }),
      ),
    ).toMatchObject({ code: "NOT_FOUND", appCode: "PROJECT_NOT_FOUND" });
    const after = await t.db.execute<{ n: number }>(
      sql`select count(*)::int as n from booking_intents`,
    );
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it("consultations without a project still read, with linkedProject null", async () => {
    const sam = await as(SAM);
    const prepared = await sam.bookings.prepare({
      advisorId: AMIRA,
      durationMinutes: 60,
      project: "only text",
    });
    const created = await t.db.transaction((tx) =>
      createConsultationFromIntent(tx, {
        intentId: prepared.intentId,
        bookingUid: "uid-no-project",
        startsAt: new Date("2026-11-11T10:00:00Z"),
        endsAt: new Date("2026-11-11T11:00:00Z"),
        now: NOW,
        paymentWindowMinutes: 60,
        origin: { source: "test:booking" },
      }),
    );
    if (created.kind !== "created") throw new Error(created.kind);
    expect(await sam.consultations.get({ consultationId: created.consultation.id })).toMatchObject({
      project: "only text",
      linkedProject: null,
    });
  });
});
