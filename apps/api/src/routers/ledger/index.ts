import { router } from "../../trpc/init";

export const ledgerRouter = router({});
