import { router } from "../../trpc/init";
import { prepare } from "./prepare";

export const bookingsRouter = router({ prepare });
