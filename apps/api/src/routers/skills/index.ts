import { router } from "../../trpc/init";

export const skillsRouter = router({});
