import { router } from "../../trpc/init";
import { approve } from "./approve";
import { get } from "./get";
import { getMine } from "./get-mine";
import { listQueue } from "./list-queue";
import { reject } from "./reject";
import { requestChanges } from "./request-changes";
import { saveDraft } from "./save-draft";
import { submit } from "./submit";

/**
 * Applying to become an advisor (any signed-in user, on their own application only) and
 * vetting (admins).
 */
export const applicationsRouter = router({
  getMine,
  saveDraft,
  submit,
  listQueue,
  get,
  approve,
  reject,
  requestChanges,
});
