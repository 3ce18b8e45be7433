import { router } from "../../trpc/init";
import { issue } from "./issue";
import { list } from "./list";
import { revoke } from "./revoke";

/**
 * Invitations to apply as an advisor while onboarding is invite-only (admins only):
 * single-use, expiring, sent by email, revocable.
 */
export const applicationInvitationsRouter = router({ issue, list, revoke });
