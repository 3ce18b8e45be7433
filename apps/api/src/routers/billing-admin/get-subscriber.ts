import { getBillingStatus, getSubscriberDetail } from "@an/db";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { userInput } from "../billing/schemas";

/** One user's billing: customer, subscriptions, invoices, timeline, grants and status. */
export const getSubscriber = adminProcedure.input(userInput).query(async ({ ctx, input }) => {
  const detail = await getSubscriberDetail(ctx.db, input.userId);
  if (!detail) throw new AppError("USER_NOT_FOUND", { ref: input.userId });
  const status = await getBillingStatus(ctx.db, input.userId, ctx.locale, ctx.now());
  return { ...detail, status };
});
