import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { decide } from "./decide";
import { applicationIdSchema } from "./schemas";
import { text } from "../schemas";

export const rejectInput = z.object({
  id: applicationIdSchema,
  /** Sent to the applicant and kept with the round. */
  reason: text().trim().min(3).max(2000),
});

/** Rejects a submitted application with a reason the applicant is sent. Final. */
export const reject = adminProcedure
  .input(rejectInput)
  .mutation(({ ctx, input }) =>
    decide(ctx, input.id, { decision: "rejected", reason: input.reason }),
  );
