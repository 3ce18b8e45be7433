import {
  getConsultationForAdmin,
  getEngagementActivity,
  listUnappliedCharges,
  toMachine,
} from "@an/db";
import { adminActions, isRefundable } from "@an/domain";
import { z } from "zod";
import { AppError } from "../../errors";
import { adminProcedure } from "../../trpc/init";
import { consultationIdSchema } from "./schemas";

export const adminGetConsultationInput = z.object({ consultationId: consultationIdSchema });

/**
 * Everything about one consultation: parties, quote and rules, the full timeline (refused
 * events too), ledger entries with postings, payments, refunds, incidents, webhook
 * deliveries (without bodies) and the audit trail. `unappliedCharges` are charges the
 * consultation didn't accept (amount or currency not the quote's), each refundable in full
 * while `outstanding` is above zero. `actions` says which decisions the machine accepts now
 * (refund, resolveDispute, resolveNoShow, markNoShow), so the console doesn't re-derive them.
 * `chatActivity` (a consultation on a project: a booking or an async pass): the project-chat
 * messages attributed to it, and the seconds from the first client message in its window
 * to the advisor's first answer attributed to it (null when either is missing).
 */
export const getForAdmin = adminProcedure
  .input(adminGetConsultationInput)
  .query(async ({ ctx, input }) => {
    const found = await getConsultationForAdmin(ctx.db, { consultationId: input.consultationId });
    if (!found) throw new AppError("CONSULTATION_NOT_FOUND", { ref: input.consultationId });
    const unappliedCharges = await listUnappliedCharges(ctx.db, {
      consultationId: found.consultation.id,
    });
    const checks = adminActions(toMachine(found.consultation, []), ctx.now());
    const c = found.consultation;
    const chatActivity = c.projectId
      ? await getEngagementActivity(ctx.db, {
          consultationId: c.id,
          projectId: c.projectId,
          startsAt: c.startsAt,
          endsAt: c.endsAt,
        })
      : null;
    return {
      ...found,
      chatActivity,
      refundable: isRefundable(found.consultation.status),
      unappliedCharges,
      actions: {
        refund: checks.refund.allowed,
        resolveDispute: checks.resolveDispute.allowed,
        resolveNoShow: checks.resolveNoShow.allowed,
        markNoShow: checks.markNoShow.allowed,
      },
    };
  });
