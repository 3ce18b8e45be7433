import { router } from "../../trpc/init";

export const advisorsRouter = router({});
