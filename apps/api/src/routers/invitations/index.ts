import { router } from "../../trpc/init";
import { accept } from "./accept";
import { create } from "./create";
import { decline } from "./decline";
import { listForProject } from "./list-for-project";
import { listMine } from "./list-mine";
import { revoke } from "./revoke";

/**
 * Advisor invitations into a project's chat: the owner (or an admin) invites and revokes,
 * the invited advisor accepts or declines. Each output says what the caller may do next.
 */
export const invitationsRouter = router({
  create,
  listForProject,
  listMine,
  accept,
  decline,
  revoke,
});
