import { grantComplimentary as grantWorkflow } from "@an/db";
import { unwrapBilling } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { grantComplimentaryInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** Gives a user a plan without payment until `endsAt` (≤ 2 years). Audited with the reason. */
export const grantComplimentary = adminProcedure
  .input(grantComplimentaryInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      grantWorkflow(tx, {
        userId: input.userId,
        planKey: input.planKey,
        endsAt: input.endsAt,
        reason: input.reason,
        actor: adminActor(ctx.user.id),
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    const grant = unwrapBilling(outcome);
    return { id: grant.id, userId: grant.userId, endsAt: grant.endsAt };
  });
