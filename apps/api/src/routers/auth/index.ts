import { router } from "../../trpc/init";
import { getMe } from "./get-me";
import { updatePreferences } from "./update-preferences";

/** Who is signed in, and what they set about themselves. Development sign-in is `sandbox.signIn`. */
export const authRouter = router({ getMe, updatePreferences });
