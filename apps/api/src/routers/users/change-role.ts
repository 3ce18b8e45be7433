import { changeUserRole } from "@an/db";
import type { Role } from "@an/domain";
import { unwrap } from "../../errors";
import type { Context } from "../../trpc/context";

/**
 * Grants or revokes a role in one transaction (see `changeUserRole`: the target must
 * exist, the change is audited and the user notified); the caller gets the roles the
 * user holds afterwards.
 */
export function changeRole(
  ctx: Context & { user: { id: string } },
  input: { userId: string; role: Role },
  change: "grant" | "revoke",
) {
  return ctx.db.transaction(async (tx) =>
    unwrap(
      await changeUserRole(tx, {
        userId: input.userId,
        role: input.role,
        change,
        actor: { kind: "user", userId: ctx.user.id },
        requestId: ctx.requestId,
      }),
    ),
  );
}
