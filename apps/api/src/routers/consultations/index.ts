import { router } from "../../trpc/init";
import { cancel } from "./cancel";
import { get } from "./get";
import { getForAdmin } from "./get-for-admin";
import { list } from "./list";
import { listForAdmin } from "./list-for-admin";
import { markNoShow } from "./mark-no-show";
import { openDispute } from "./open-dispute";
import { previewRefund } from "./preview-refund";
import { refund } from "./refund";
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
  listForAdmin,
  getForAdmin,
  previewRefund,
  refund,
  resolveDispute,
  resolveNoShow,
  markNoShow,
});
