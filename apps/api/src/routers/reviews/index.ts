import { router } from "../../trpc/init";

export const reviewsRouter = router({});
