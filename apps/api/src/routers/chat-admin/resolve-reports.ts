import { resolveMessageReports } from "@an/db";
import { z } from "zod";
import { unwrap } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { text } from "../schemas";

export const resolveReportsInput = z.object({
  messageId: z.uuid(),
  /** What was done about them (kept in the audit log). */
  note: text().trim().min(3).max(500),
});

/** Resolves every open report of a message (audited); hiding it is a separate decision. */
export const resolveReports = adminProcedure.input(resolveReportsInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const { resolved } = unwrap(
      await resolveMessageReports(tx, {
        messageId: input.messageId,
        note: input.note,
        now: ctx.now(),
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    );
    return { messageId: input.messageId, resolved };
  }),
);
