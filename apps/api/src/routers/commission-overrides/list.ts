import { isOverrideLive, listCommissionOverrides } from "@an/db";
import { z } from "zod";
import { adminProcedure } from "../../trpc/init";
import { advisorIdSchema } from "./schemas";

export const listCommissionOverridesInput = z
  .object({ advisorId: advisorIdSchema.optional() })
  .optional();

/**
 * Commission overrides, live and past, newest first (one advisor's when `advisorId` is
 * given), each with its terms, who set it, why, when it ends or ended, and whether it
 * applies now.
 */
export const list = adminProcedure
  .input(listCommissionOverridesInput)
  .query(async ({ ctx, input }) => {
    const now = ctx.now();
    const rows = await listCommissionOverrides(ctx.db, { advisorId: input?.advisorId ?? null });
    return {
      items: rows.map((o) => ({
        ...o,
        status: isOverrideLive(o, now)
          ? ("live" as const)
          : o.endedAt
            ? ("ended" as const)
            : ("expired" as const),
      })),
    };
  });
