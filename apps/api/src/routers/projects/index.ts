import { router } from "../../trpc/init";
import { archive } from "./archive";
import { create } from "./create";
import { get } from "./get";
import { listForAdmin } from "./list-for-admin";
import { listMine } from "./list-mine";
import { suggestAdvisors } from "./suggest-advisors";
import { unarchive } from "./unarchive";
import { update } from "./update";

export const projectsRouter = router({
  create,
  listMine,
  get,
  update,
  archive,
  unarchive,
  listForAdmin,
  suggestAdvisors,
});
