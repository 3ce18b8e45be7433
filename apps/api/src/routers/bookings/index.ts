import { router } from "../../trpc/init";

export const bookingsRouter = router({});
