import { router } from "../../trpc/init";
import { issue } from "./issue";
import { list } from "./list";
import { revoke } from "./revoke";

/** Service credentials (API keys for the platform's assistant), for admins. */
export const serviceCredentialsRouter = router({ list, issue, revoke });
