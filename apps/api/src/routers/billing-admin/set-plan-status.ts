import { setPlanStatus as setPlanStatusWorkflow } from "@an/db";
import { unwrapBilling } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { setPlanStatusInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** Retires a plan (no new checkouts; subscribers keep it) or reactivates it. Audited. */
export const setPlanStatus = adminProcedure
  .input(setPlanStatusInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      setPlanStatusWorkflow(tx, {
        key: input.key,
        status: input.status,
        reason: input.reason,
        actor: adminActor(ctx.user.id),
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    const plan = unwrapBilling(outcome);
    return { key: plan.key, status: plan.status };
  });
