import { router } from "../../trpc/init";
import { me } from "./me";

/** Who is signed in. Development sign-in is `sandbox.signIn`. */
export const authRouter = router({ me });
