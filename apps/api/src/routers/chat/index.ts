import { router } from "../../trpc/init";
import { onEvents } from "./on-events";
import { setTyping } from "./set-typing";

export const chatRouter = router({
  // Members: the live stream and the typing indicator.
  onEvents,
  setTyping,
});
