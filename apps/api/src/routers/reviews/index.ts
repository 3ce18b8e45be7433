import { router } from "../../trpc/init";
import { create } from "./create";
import { listForAdvisor, listForModeration } from "./list";
import { hide, unhide } from "./moderate";
import { reply } from "./reply";

export const reviewsRouter = router({
  create,
  reply,
  hide,
  unhide,
  listForAdvisor,
  listForModeration,
});
