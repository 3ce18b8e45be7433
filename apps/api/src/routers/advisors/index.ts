import { router } from "../../trpc/init";
import { clearFlag } from "./clear-flag";
import { get } from "./get";
import { getMe } from "./get-me";
import { list } from "./list";
import { reinstate } from "./reinstate";
import { setAccepting } from "./set-accepting";
import { setCalcomEventType } from "./set-calcom-event-type";
import { setAsyncRate } from "./set-async-rate";
import { setRate } from "./set-rate";
import { suspend } from "./suspend";
import { updateProfile } from "./update-profile";

export const advisorsRouter = router({
  // The advisor's own portal: every one acts on the caller's row only. The payout
  // schedule has one procedure of its own, `payouts.updateSchedule`.
  getMe,
  updateProfile,
  setRate,
  setAsyncRate,
  setAccepting,
  setCalcomEventType,
  // Admins.
  list,
  get,
  suspend,
  reinstate,
  clearFlag,
});
