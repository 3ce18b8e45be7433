import { router } from "../../trpc/init";
import { list } from "./list";
import { resolve } from "./resolve";

export const incidentsRouter = router({ list, resolve });
