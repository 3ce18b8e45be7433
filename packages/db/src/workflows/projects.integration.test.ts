import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { seedDemoData } from "../seed";
import { appendMessage } from "../queries/messages";
import { medianResponseMinutes } from "../queries/projects";
import { AMIRA, DIEGO, insertAdvisor, LUCAS, SAM, useTestDatabase } from "../testing";
import { createProject } from "./projects";

const t = useTestDatabase(async (db) => {
  await seedDemoData(db.db);
  await insertAdvisor(db.db, { userId: AMIRA, displayName: "Amira H." });
  await insertAdvisor(db.db, { userId: LUCAS, displayName: "Lucas M." });
});

const actor = { kind: "system" as const, label: "test" };

describe("createProject", () => {
  it("a creation racing an uncommitted one with the same external reference gets a coded conflict, not an error", async () => {
    let created!: () => void;
    let release!: () => void;
    const firstCreated = new Promise<void>((resolve) => (created = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The first transaction has written its project but not committed when the second runs.
    const first = t.db.transaction(async (tx) => {
      const outcome = await createProject(tx, {
        ownerId: DIEGO,
        name: "a",
        externalRef: "race-ref",
        actor,
      });
      created();
      await gate;
      return outcome;
    });
    await firstCreated;
    const second = t.db.transaction((tx) =>
      createProject(tx, { ownerId: DIEGO, name: "b", externalRef: "race-ref", actor }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const [one, two] = await Promise.all([first, second]);
    expect(one.ok).toBe(true);
    expect(two).toEqual({
      ok: false,
      error: { code: "PROJECT_EXTERNAL_REF_TAKEN", externalRef: "race-ref" },
    });
    const rows = await t.db.execute<{ projects: number; conversations: number; members: number }>(
      sql`select (select count(*)::int from projects where owner_id = ${DIEGO}) as projects,
                 (select count(*)::int from conversations c join projects p on p.id = c.project_id
                   where p.owner_id = ${DIEGO}) as conversations,
                 (select count(*)::int from conversation_members where user_id = ${DIEGO}) as members`,
    );
    expect(rows[0]).toEqual({ projects: 1, conversations: 1, members: 1 });
  });
});

describe("medianResponseMinutes", () => {
  it("times an advisor's reply from the first unanswered client message, across assistant messages", async () => {
    const made = await t.db.transaction((tx) =>
      createProject(tx, { ownerId: SAM, name: "Timing", actor }),
    );
    if (!made.ok) throw new Error(made.error.code);
    const conversationId = made.value.conversationId!;
    const base = new Date("2026-11-02T09:00:00Z").getTime();
    const script: ["client" | "advisor" | "assistant", string | null, number][] = [
      ["client", SAM, 0],
      ["assistant", null, 1],
      ["client", SAM, 5],
      ["advisor", AMIRA, 20], // 20 min after the first unanswered question
      ["advisor", AMIRA, 25], // a follow-up answers nothing new
      ["client", SAM, 100],
      ["advisor", AMIRA, 160], // 60 min
      ["client", SAM, 200],
      ["advisor", AMIRA, 300], // 100 min
    ];
    await t.db.transaction(async (tx) => {
      for (const [i, [actorType, senderId, minute]] of script.entries()) {
        const credential =
          actorType === "assistant"
            ? await tx.execute<{ id: string }>(
                sql`insert into service_credentials (name, scope, prefix, key_hash, created_by)
                    values ('assistant', 'assistant', ${`p${i}`}, ${`h${i}`}, ${SAM}) returning id`,
              )
            : null;
        const out = await appendMessage(tx, {
          conversationId,
          actorType,
          senderId,
          credentialId: credential?.[0]?.id ?? null,
          authorKey: senderId ? `user:${senderId}` : `assistant:${credential?.[0]?.id}`,
          clientMsgId: `m${i}`,
          body: `message ${i}`,
          now: new Date(base + minute * 60_000),
        });
        expect(out.kind).toBe("created");
      }
    });
    const medians = await medianResponseMinutes(t.db, [AMIRA, LUCAS]);
    expect(medians.get(AMIRA)).toBeCloseTo(60, 6);
    // No chat history: absent, so the matcher treats it as neutral.
    expect(medians.has(LUCAS)).toBe(false);
  });
});
