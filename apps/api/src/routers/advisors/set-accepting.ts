import { updateAdvisorSettings } from "@an/db";
import { z } from "zod";
import { toAppError } from "../../errors";
import { advisorProcedure } from "../../trpc/init";

export const setAcceptingInput = z.object({ accepting: z.boolean() });

/**
 * Pauses (false) or resumes (true) new bookings for the caller. The advisor's own switch:
 * it doesn't lift an admin's suspension.
 */
export const setAccepting = advisorProcedure.input(setAcceptingInput).mutation(({ ctx, input }) =>
  ctx.db.transaction(async (tx) => {
    const result = await updateAdvisorSettings(tx, {
      advisorId: ctx.user.id,
      set: { acceptingBookings: input.accepting },
      action: input.accepting ? "advisor.bookings_resumed" : "advisor.bookings_paused",
      actor: { kind: "user", userId: ctx.user.id },
      requestId: ctx.requestId,
    });
    if (!result.ok) throw toAppError(result.error);
    return { acceptingBookings: result.value.acceptingBookings };
  }),
);
