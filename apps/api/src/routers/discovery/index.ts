import { router } from "../../trpc/init";

export const discoveryRouter = router({});
