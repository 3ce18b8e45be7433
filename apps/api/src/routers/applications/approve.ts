import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { decide } from "./decide";
import { applicationIdSchema } from "./schemas";

export const approveInput = z.object({ id: applicationIdSchema });

/**
 * Approves a submitted application: the applicant becomes an advisor with the profile,
 * skills and languages they applied with, all in one transaction, and is told so.
 */
export const approve = adminProcedure
  .input(approveInput)
  .mutation(({ ctx, input }) => decide(ctx, input.id, { decision: "approved" }));
