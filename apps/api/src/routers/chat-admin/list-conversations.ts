import { listConversationsForAdmin } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, text } from "../schemas";

export const listConversationsInput = z
  .object({
    /** Part of the project's name. */
    project: text().trim().min(1).max(200).optional(),
    /** A member's (or the owner's) user id or email, or part of their name or email. */
    member: text().trim().min(1).max(255).optional(),
    /** Only conversations with a flagged message or an open report. */
    flaggedOnly: z.boolean().default(false),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Project conversations, most recently active first, with their flag and report counts. */
export const listConversations = adminProcedure
  .input(listConversationsInput)
  .query(async ({ ctx, input }) => {
    const rows = await listConversationsForAdmin(ctx.db, {
      projectName: input.project,
      member: input.member,
      flaggedOnly: input.flaggedOnly,
      cursor: input.cursor ?? null,
      limit: input.limit + 1,
    });
    const items = rows.slice(0, input.limit).map((r) => ({
      id: r.id,
      project: r.project,
      owner: r.owner,
      lastSeq: r.lastSeq,
      lastMessageAt: r.lastMessageAt,
      createdAt: r.createdAt,
      memberCount: r.memberCount,
      flaggedMessages: r.flaggedMessages,
      reportedMessages: r.reportedMessages,
    }));
    const last = rows.length > input.limit ? rows[input.limit - 1] : undefined;
    return {
      items,
      nextCursor: last ? encodeCursor({ createdAt: last.activityAt, id: last.id }) : null,
    };
  });
