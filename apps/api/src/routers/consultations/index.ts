import { router } from "../../trpc/init";

export const consultationsRouter = router({});
