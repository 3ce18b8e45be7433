import { router } from "../../trpc/init";
import { cancel } from "./cancel";
import { listForProject } from "./list-for-project";
import { purchase } from "./purchase";
import { quote } from "./quote";

/** Async advice passes: N days of written advice from an invited advisor in a project's chat. */
export const passesRouter = router({ quote, purchase, listForProject, cancel });
