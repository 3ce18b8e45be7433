import { router } from "../../trpc/init";
import { getMe } from "./get-me";

/** Who is signed in. Development sign-in is `sandbox.signIn`. */
export const authRouter = router({ getMe });
