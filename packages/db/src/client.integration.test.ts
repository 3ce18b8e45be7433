import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb, plannedForItsValues } from "./client";
import { useTestDatabase } from "./testing";

const t = useTestDatabase();

describe("createDb", () => {
  it("prepares drizzle's statements, in transactions and savepoints too, but not those planned for their values", async () => {
    // One connection, so every statement's preparation shows in its pg_prepared_statements.
    const h = createDb(t.url, { max: 1 });
    try {
      const [plain] = await h.db.execute<{ a: number }>(sql`select ${1}::int as plain_a`);
      const inner = await h.db.transaction(async (tx) => {
        await tx.execute(sql`select ${2}::int as in_tx_b`);
        return tx.transaction(async (sp) => {
          const [row] = await sp.execute<{ c: number }>(sql`select ${3}::int as in_savepoint_c`);
          return row;
        });
      });
      const [custom] = await h.db.execute<{ d: number }>(
        plannedForItsValues(sql`select ${4}::int as custom_d`),
      );
      expect([plain, inner, custom]).toEqual([
        { plain_a: 1 },
        { in_savepoint_c: 3 },
        { custom_d: 4 },
      ]);

      const prepared = await h.db.execute<{ statement: string }>(
        sql`select statement from pg_prepared_statements where statement like ${"%::int as %"}`,
      );
      const texts = prepared.map((r) => r.statement).join("\n");
      expect(texts).toContain("as plain_a");
      expect(texts).toContain("as in_tx_b");
      expect(texts).toContain("as in_savepoint_c");
      expect(texts).not.toContain("as custom_d");
    } finally {
      await h.close();
    }
  });

  it("runs a prepared statement again after a migration changes what it returns", async () => {
    const h = createDb(t.url, { max: 1 });
    try {
      await h.db.execute(sql`create table prepared_probe (id int primary key)`);
      await h.db.execute(sql`insert into prepared_probe values (${1})`);
      const read = () => h.db.execute(sql`select * from prepared_probe where id = ${1}`);
      expect(await read()).toEqual([{ id: 1 }]);
      // The cached plan's result type no longer holds; postgres.js prepares it again.
      await h.db.execute(sql`alter table prepared_probe add column note text default 'x'`);
      expect(await read()).toEqual([{ id: 1, note: "x" }]);
    } finally {
      await h.close();
    }
  });
});
