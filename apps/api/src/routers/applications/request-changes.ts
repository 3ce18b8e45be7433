import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { decide } from "./decide";
import { applicationIdSchema } from "./schemas";
import { text } from "../schemas";

export const requestChangesInput = z.object({
  id: applicationIdSchema,
  /** What to change; sent to the applicant and kept with the round. */
  notes: text().trim().min(3).max(4000),
});

/**
 * Sends a submitted application back to the applicant with notes: they edit it and submit
 * again, which opens the next round (the earlier ones are kept).
 */
export const requestChanges = adminProcedure
  .input(requestChangesInput)
  .mutation(({ ctx, input }) =>
    decide(ctx, input.id, { decision: "changes_requested", notes: input.notes }),
  );
