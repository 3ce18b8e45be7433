import { router } from "../../trpc/init";

export const webhookEventsRouter = router({});
