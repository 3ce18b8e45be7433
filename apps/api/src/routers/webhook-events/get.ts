import { getWebhookEvent } from "@an/db";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";

export const getInput = z.object({ id: z.uuid() });

/** JSON bodies indented for reading; anything else as received. */
function readable(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

/**
 * One delivery with its processing record and, until the retention period drops it, its
 * body. `bodySha256` stays after the purge, so a copy can still be matched to it.
 */
export const get = adminProcedure.input(getInput).query(async ({ ctx, input }) => {
  const event = await getWebhookEvent(ctx.db, { id: input.id });
  if (!event) throw new AppError("WEBHOOK_EVENT_NOT_FOUND", { ref: input.id });
  const { body, ...rest } = event;
  return {
    ...rest,
    body: body === null ? null : readable(body),
    bodyPurged: body === null,
  };
});
