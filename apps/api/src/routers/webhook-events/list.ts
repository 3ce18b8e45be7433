import { listWebhookEvents } from "@an/db";
import { WEBHOOK_EVENT_STATUSES, WEBHOOK_PROVIDERS } from "@an/domain";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { cursorSchema, encodeCursor, text } from "../schemas";

export const listInput = z
  .object({
    provider: z.enum(WEBHOOK_PROVIDERS).optional(),
    status: z.enum(WEBHOOK_EVENT_STATUSES).optional(),
    /** Exact event type: `checkout.session.completed`, `BOOKING_CREATED`, … */
    type: text().trim().min(1).max(255).optional(),
    consultationId: z.uuid().optional(),
    /** Exact booking uid or Stripe object id. */
    subject: text().trim().min(1).max(255).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    cursor: cursorSchema.nullish(),
  })
  .prefault({});

/** Stored deliveries, newest first, filtered; bodies are left out (see `get`). */
export const list = adminProcedure.input(listInput).query(async ({ ctx, input }) => {
  const { cursor, ...filters } = input;
  const page = await listWebhookEvents(ctx.db, {
    ...filters,
    cursor: cursor ? { receivedAt: cursor.createdAt, id: cursor.id } : null,
  });
  return {
    items: page.items,
    nextCursor: encodeCursor(
      page.nextCursor && { createdAt: page.nextCursor.receivedAt, id: page.nextCursor.id },
    ),
  };
});
