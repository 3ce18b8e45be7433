import { router } from "../../trpc/init";

export const incidentsRouter = router({});
