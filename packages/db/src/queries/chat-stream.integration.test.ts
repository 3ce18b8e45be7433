import { describe, expect, it } from "vitest";
import { SAM, seedParties, seedProjectChat, useTestDatabase } from "../testing";
import { readMessagesAfter, readMessagesAfterMany } from "./chat-stream";
import { appendMessage } from "./messages";

const t = useTestDatabase(async (db) => {
  await seedParties(db.db);
});

async function post(conversationId: string, bodies: string[]) {
  for (const body of bodies) {
    await t.db.transaction((tx) =>
      appendMessage(tx, {
        conversationId,
        actorType: "client",
        senderId: SAM,
        authorKey: `user:${SAM}`,
        body,
        now: new Date(),
      }),
    );
  }
}

describe("readMessagesAfterMany", () => {
  it("reads each cursor as readMessagesAfter would, in one query, each capped at the limit", async () => {
    const a = await seedProjectChat(t.db, { ownerId: SAM, name: "A" });
    const b = await seedProjectChat(t.db, { ownerId: SAM, name: "B" });
    const empty = await seedProjectChat(t.db, { ownerId: SAM, name: "C" });
    await post(a.conversationId, ["a1", "a2", "a3", "a4"]);
    await post(b.conversationId, ["b1", "b2"]);
    const cursors = [
      { conversationId: a.conversationId, afterSeq: 0 },
      // The same conversation at another cursor: its own rows.
      { conversationId: a.conversationId, afterSeq: 2 },
      { conversationId: b.conversationId, afterSeq: 1 },
      { conversationId: empty.conversationId, afterSeq: 0 },
      // Past the end: nothing.
      { conversationId: b.conversationId, afterSeq: 2 },
    ];
    const rows = await readMessagesAfterMany(t.db, { cursors, limit: 3 });
    for (const cursor of cursors) {
      const mine = rows
        .filter((r) => r.conversationId === cursor.conversationId && r.afterSeq === cursor.afterSeq)
        .map(({ afterSeq: _afterSeq, ...row }) => row);
      expect(mine, JSON.stringify(cursor)).toEqual(
        await readMessagesAfter(t.db, { ...cursor, limit: 3 }),
      );
    }
    expect(rows.map((r) => `${r.afterSeq}:${r.body}`).sort()).toEqual(
      ["0:a1", "0:a2", "0:a3", "2:a3", "2:a4", "1:b2"].sort(),
    );
    expect(await readMessagesAfterMany(t.db, { cursors: [], limit: 3 })).toEqual([]);
  });
});
