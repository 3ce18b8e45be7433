import { router } from "../../trpc/init";
import { addSynonym } from "./add-synonym";
import { create } from "./create";
import { list } from "./list";
import { merge } from "./merge";
import { removeSynonym } from "./remove-synonym";
import { rename } from "./rename";
import { resolve } from "./resolve";

export const skillsRouter = router({
  list,
  resolve,
  create,
  rename,
  addSynonym,
  removeSynonym,
  merge,
});
