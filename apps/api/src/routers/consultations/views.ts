import { type PartyConsultation, toMachine } from "@an/db";
import {
  applyEvent,
  type CurrencyCode,
  type EventPayload,
  formatMoney,
  type Locale,
  needsAdminAttention,
  type PartyRole,
  translator,
} from "@an/domain";

type PartyAction = "cancel" | "reportNoShow" | "dispute";

/**
 * What the caller may do now, found by dry-running each event through the domain machine
 * as the caller's side at `now`: state, actor rules and guards (start time, hold window)
 * all come from the transition table, never from a list kept here. For each action it
 * can't take, `reasons` says why in the caller's language (null when it can), so a UI shows
 * the reason beside the disabled control instead of working it out itself.
 */
export function partyActions(view: PartyConsultation, now: Date, locale: Locale) {
  const t = translator(locale);
  const machine = toMachine(view.consultation, []);
  const probe = (action: PartyAction, payload: EventPayload) => {
    const result = applyEvent(machine, { ...payload, id: "probe", actor: view.role }, now);
    if (result.ok) return { allowed: true, reason: null };
    const code = result.error.code;
    const reason =
      code === "NOT_ALLOWED" && needsAdminAttention(view.consultation.status)
        ? t("partyActions.underReview")
        : t([`partyActions.${action}.${code}`, "partyActions.default"]);
    return { allowed: false, reason };
  };
  const other: PartyRole = view.role === "client" ? "advisor" : "client";
  const cancel = probe("cancel", { type: "cancelled" });
  const reportNoShow = probe("reportNoShow", { type: "no_show_reported", absent: other });
  const dispute = probe("dispute", { type: "dispute_opened" });
  return {
    canCancel: cancel.allowed,
    canReportNoShow: reportNoShow.allowed,
    canDispute: dispute.allowed,
    reasons: {
      cancel: cancel.reason,
      reportNoShow: reportNoShow.reason,
      dispute: dispute.reason,
    },
  };
}

/**
 * One consultation as its client or advisor sees it. Explicit fields only: no payment or
 * transfer ids, no booking uid, no user ids of the other side; the client appears by first
 * name. The advisor also sees how the price splits (their share and the platform's fee).
 */
export function partyView(view: PartyConsultation, locale: Locale, now: Date) {
  const c = view.consultation;
  const currency = c.currency as CurrencyCode;
  const money = (amount: number) => ({
    amount,
    formatted: formatMoney({ amount, currency }, locale),
  });
  return {
    id: c.id,
    role: view.role,
    status: c.status,
    startsAt: c.startsAt,
    endsAt: c.endsAt,
    durationMinutes: c.durationMinutes,
    project: c.project,
    advisor: view.advisor,
    client: view.client,
    currency,
    quote: {
      price: money(c.price),
      ...(view.role === "advisor"
        ? { platformFee: money(c.platformFee), advisorShare: money(c.advisorShare) }
        : {}),
    },
    refundable: money(c.refundablePrice),
    refundPolicy: c.refundPolicy,
    holdWindowHours: c.holdWindowHours,
    holdEndsAt: c.holdEndsAt,
    paymentExpiresAt: view.role === "client" ? c.paymentExpiresAt : null,
    completedAt: c.completedAt,
    dispute: c.dispute ? { kind: c.dispute.kind, amount: money(c.dispute.amount) } : null,
    checkoutUrl: view.role === "client" ? view.checkoutUrl : null,
    refunds: view.refunds.map((r) => ({
      ...money(r.amount),
      status: r.status,
      createdAt: r.createdAt,
    })),
    timeline: view.timeline,
    actions: partyActions(view, now, locale),
  };
}
