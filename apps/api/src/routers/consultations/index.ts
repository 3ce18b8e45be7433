import { router } from "../../trpc/init";
import { adminGet } from "./admin-get";
import { adminList } from "./admin-list";
import { cancel } from "./cancel";
import { get } from "./get";
import { list } from "./list";
import { markNoShow } from "./mark-no-show";
import { openDispute } from "./open-dispute";
import { refund } from "./refund";
import { refundPreview } from "./refund-preview";
import { reportNoShow } from "./report-no-show";
import { resolveDispute } from "./resolve-dispute";
import { resolveNoShow } from "./resolve-no-show";

export const consultationsRouter = router({
  // Clients and advisors: their own consultations only.
  list,
  get,
  cancel,
  reportNoShow,
  openDispute,
  // Admins.
  adminList,
  adminGet,
  refundPreview,
  refund,
  resolveDispute,
  resolveNoShow,
  markNoShow,
});
