import { getBillingStatus } from "@an/db";
import { protectedProcedure } from "../../trpc/init";

/** The caller's plan, status, period, card and what they may do. */
export const status = protectedProcedure.query(({ ctx }) =>
  getBillingStatus(ctx.db, ctx.user.id, ctx.locale, ctx.now()),
);
