import { router } from "../../trpc/init";
import { deleteMessage } from "./delete";
import { edit } from "./edit";
import { getConversation } from "./get-conversation";
import { listConversations } from "./list-conversations";
import { listHistory } from "./list-history";
import { markRead } from "./mark-read";
import { report } from "./report";
import { send } from "./send";

/**
 * A project's conversation as its members (and the assistant) use it. The live stream
 * (`onEvents`, `setTyping`) joins this router from its own files.
 */
export const chatRouter = router({
  send,
  listHistory,
  edit,
  delete: deleteMessage,
  markRead,
  listConversations,
  getConversation,
  report,
});
