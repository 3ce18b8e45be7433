import { listNotifications } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { userIdSchema } from "../schemas";

export const listNotificationsInput = z
  .object({
    userId: userIdSchema.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  // Every field is optional, so calling with no input at all means "first page, no filter".
  .prefault({});

/** The newest messages in the notifications outbox, sent or waiting. */
export const list = adminProcedure
  .input(listNotificationsInput)
  .query(({ ctx, input }) =>
    listNotifications(ctx.db, { limit: input.limit, userId: input.userId }),
  );
