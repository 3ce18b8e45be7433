import { router } from "../../trpc/init";
import { profile } from "./profile";
import { search } from "./search";

export const discoveryRouter = router({ search, profile });
