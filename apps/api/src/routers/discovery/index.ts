import { router } from "../../trpc/init";
import { getProfile } from "./get-profile";
import { search } from "./search";

export const discoveryRouter = router({ search, getProfile });
