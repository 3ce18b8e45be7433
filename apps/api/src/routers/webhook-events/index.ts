import { router } from "../../trpc/init";
import { get } from "./get";
import { list } from "./list";
import { replay } from "./replay";

/** Admin: the stored webhook deliveries, for audit and replay. */
export const webhookEventsRouter = router({ list, get, replay });
