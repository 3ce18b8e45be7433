import { router } from "../../trpc/init";
import { listConversations } from "./list-conversations";
import { listFlagged } from "./list-flagged";
import { hideMessage, unhideMessage } from "./moderate-message";
import { readConversation } from "./read-conversation";
import { resolveReports } from "./resolve-reports";

/**
 * Chat moderation for admins: find conversations, read any of them (each read audited),
 * hide and show messages with a reason, review flagged and reported messages.
 */
export const chatAdminRouter = router({
  listConversations,
  readConversation,
  hideMessage,
  unhideMessage,
  listFlagged,
  resolveReports,
});
