import { router } from "../../trpc/init";
import { approve } from "./approve";
import { get } from "./get";
import { mine } from "./mine";
import { queue } from "./queue";
import { reject } from "./reject";
import { requestChanges } from "./request-changes";
import { saveDraft } from "./save-draft";
import { submit } from "./submit";

/**
 * Applying to become an advisor (any signed-in user, on their own application only) and
 * vetting (admins).
 */
export const applicationsRouter = router({
  mine,
  saveDraft,
  submit,
  queue,
  get,
  approve,
  reject,
  requestChanges,
});
