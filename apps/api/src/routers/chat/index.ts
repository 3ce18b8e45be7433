import { router } from "../../trpc/init";
import { deleteMessage } from "./delete";
import { edit } from "./edit";
import { getConversation } from "./get-conversation";
import { listConversations } from "./list-conversations";
import { listHistory } from "./list-history";
import { markRead } from "./mark-read";
import { onEvents } from "./on-events";
import { report } from "./report";
import { send } from "./send";
import { setTyping } from "./set-typing";

/** A project's conversation as its members (and the assistant) use it, live included. */
export const chatRouter = router({
  send,
  listHistory,
  edit,
  delete: deleteMessage,
  markRead,
  listConversations,
  getConversation,
  report,
  // The live stream and the typing indicator.
  onEvents,
  setTyping,
});
