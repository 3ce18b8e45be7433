import { router } from "../../trpc/init";
import { get } from "./get";
import { grantRole } from "./grant-role";
import { list } from "./list";
import { revokeRole } from "./revoke-role";

export const usersRouter = router({ list, get, grantRole, revokeRole });
