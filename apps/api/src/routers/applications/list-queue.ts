import { listApplicationQueue } from "@an/db";
import { APPLICATION_STATUSES } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor } from "../schemas";

const DAY_MS = 24 * 60 * 60 * 1000;

export const queueInput = z
  .object({
    /** Default: submitted (waiting for a decision). */
    statuses: z.array(z.enum(APPLICATION_STATUSES)).max(APPLICATION_STATUSES.length).optional(),
    /** Applications naming any of these skills. */
    skillIds: z.array(z.uuid()).max(20).optional(),
    /** Waiting at least this many days (since submission; creation for drafts). */
    minAgeDays: z.number().min(0).max(3650).optional(),
    /** Waiting at most this many days. */
    maxAgeDays: z.number().min(0).max(3650).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** The vetting queue, oldest first, filterable by status, skills and age; keyset pages. */
export const listQueue = adminProcedure.input(queueInput).query(async ({ ctx, input }) => {
  const now = Date.now();
  const page = await listApplicationQueue(ctx.db, {
    statuses: input.statuses,
    skillIds: input.skillIds,
    waitingSince: {
      before:
        input.minAgeDays === undefined ? undefined : new Date(now - input.minAgeDays * DAY_MS),
      after: input.maxAgeDays === undefined ? undefined : new Date(now - input.maxAgeDays * DAY_MS),
    },
    limit: input.limit,
    cursor: input.cursor ?? null,
  });
  return { items: page.items, nextCursor: encodeCursor(page.nextCursor) };
});
