import { listServiceCredentials } from "@an/db";
import { adminProcedure } from "../../trpc/init";

/** Every service credential, live ones first: never a hash, never a key. */
export const list = adminProcedure.query(async ({ ctx }) => {
  const rows = await listServiceCredentials(ctx.db);
  return {
    items: rows.map((r) => ({
      id: r.id,
      name: r.name,
      scope: r.scope,
      prefix: r.prefix,
      createdAt: r.createdAt,
      lastUsedAt: r.lastUsedAt,
      revokedAt: r.revokedAt,
    })),
  };
});
