import { type PartyConsultation, toMachine } from "@an/db";
import {
  type ActionCheck,
  type CurrencyCode,
  formatMoney,
  type Locale,
  partyActions,
  translator,
} from "@an/domain";

/**
 * What the caller may do now, as the domain machine answers it for the caller's side at
 * `now` (`partyActions`): state, actor rules and guards (start time, hold window) all come
 * from the transition table, never from a list kept here. For each action it can't take,
 * `reasons` says why in the caller's language (null when it can), so a UI shows the reason
 * beside the disabled control instead of working it out itself.
 */
export function partyActionsView(view: PartyConsultation, now: Date, locale: Locale) {
  const t = translator(locale);
  const actions = partyActions(toMachine(view.consultation, []), view.role, now);
  const reason = (key: "cancel" | "reportNoShow" | "dispute", check: ActionCheck) => {
    if (check.allowed) return null;
    return check.underReview
      ? t("partyActions.underReview")
      : t([`partyActions.${key}.${check.code}`, "partyActions.default"]);
  };
  return {
    canCancel: actions.cancel.allowed,
    canReportNoShow: actions.reportNoShow.allowed,
    canDispute: actions.openDispute.allowed,
    reasons: {
      cancel: reason("cancel", actions.cancel),
      reportNoShow: reason("reportNoShow", actions.reportNoShow),
      dispute: reason("dispute", actions.openDispute),
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
    /** Legacy free text; `linkedProject` is the project it belongs to, if any. */
    project: c.project,
    linkedProject: view.linkedProject,
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
    actions: partyActionsView(view, now, locale),
  };
}
