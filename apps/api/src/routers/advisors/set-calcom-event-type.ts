import { updateAdvisorSettings } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";

export const setCalcomEventTypeInput = z.object({
  /** The Cal.com event type bookings use, as "username/slug" or a numeric id; null clears it. */
  eventType: z
    .string()
    .trim()
    .max(200)
    .regex(/^(\d+|[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+)$/)
    .nullable(),
});

/** Sets the caller's Cal.com event type. */
export const setCalcomEventType = advisorProcedure
  .input(setCalcomEventTypeInput)
  .mutation(({ ctx, input }) =>
    ctx.db.transaction(async (tx) => {
      const result = await updateAdvisorSettings(tx, {
        advisorId: ctx.user.id,
        set: { calcomEventType: input.eventType },
        action: "advisor.calcom_event_type_changed",
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      });
      if (!result.ok) throw toAppError(result.error);
      return { calcomEventType: result.value.calcomEventType };
    }),
  );
