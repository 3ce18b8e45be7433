import { revokeComplimentary as revokeWorkflow } from "@an/db";
import { unwrapBilling } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { revokeComplimentaryInput } from "../billing/schemas";
import { adminActor } from "./actor";

/** Ends a complimentary grant now. Audited with the reason. */
export const revokeComplimentary = adminProcedure
  .input(revokeComplimentaryInput)
  .mutation(async ({ ctx, input }) => {
    const outcome = await ctx.db.transaction((tx) =>
      revokeWorkflow(tx, {
        grantId: input.grantId,
        reason: input.reason,
        actor: adminActor(ctx.user.id),
        now: ctx.now(),
        requestId: ctx.requestId,
      }),
    );
    const grant = unwrapBilling(outcome);
    return { id: grant.id, revokedAt: grant.revokedAt };
  });
