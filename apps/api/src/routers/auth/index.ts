import { router } from "../../trpc/init";
import { devSignIn } from "./dev-sign-in";
import { devUsers } from "./dev-users";
import { me } from "./me";

export const authRouter = router({ me, devUsers, devSignIn });
