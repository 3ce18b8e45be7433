import type { ConsultationNoticeContext, JobPayload, UserWithRoles } from "@an/db";
import {
  CONSULTATION_NOTICE_PREFIX,
  consultationNoticeKeys,
  formatDuration,
  formatMeetingTime,
  formatMoney,
  isCurrencyCode,
  numberFormat,
  type Locale,
  passDaysOf,
  passReplyDeadline,
  type Translator,
} from "@an/domain";

/** The params of a `consultation_notice` job, as the job contract defines them. */
export type ConsultationNoticeParams = Extract<
  JobPayload<"send_notification">,
  { template: "consultation_notice" }
>["params"];

const HOUR_MS = 3_600_000;

/**
 * Renders a consultation notice for one recipient, in their locale and their own time
 * zone: the client's and an admin's from their user row, the advisor's from their advisor
 * profile. Amounts are formatted in the recipient's locale. An advisor (like the client)
 * sees the client's first name only, never their last name or email; admins see the full
 * name, and the internal reason and status. A (notice, role) pair without its own text
 * falls back to the role's generic text.
 */
export function renderConsultationNotice(input: {
  context: ConsultationNoticeContext;
  params: ConsultationNoticeParams;
  recipient: Pick<UserWithRoles, "firstName" | "email" | "timeZone">;
  locale: Locale;
  t: Translator;
}): { subject: string; body: string } {
  const { context, params, recipient, locale, t } = input;
  const { consultation: c, advisor, client } = context;
  const role = params.role;
  const timeZone = role === "advisor" ? advisor.timeZone : recipient.timeZone;
  const when = (at: Date) => formatMeetingTime(at, timeZone, locale);
  const money = (amount: number) =>
    isCurrencyCode(c.currency)
      ? formatMoney({ amount, currency: c.currency }, locale)
      : `${amount} ${c.currency}`;

  const clientName =
    role === "admin"
      ? [client.firstName, client.lastName].filter(Boolean).join(" ") || client.email || client.id
      : client.firstName || t(`${CONSULTATION_NOTICE_PREFIX}.clientFallback`);
  // A refund amount comes with the notice; without one, what was refunded so far.
  const refunded = params.amount ?? c.price - c.refundablePrice;
  const holdEndsAt = c.holdEndsAt ?? new Date(c.endsAt.getTime() + c.holdWindowHours * HOUR_MS);
  const reason = params.reason ?? "";
  const vars: Record<string, string> = {
    name: recipient.firstName ?? recipient.email ?? "",
    advisor: advisor.displayName,
    client: clientName,
    time: when(c.startsAt),
    duration: formatDuration(c.durationMinutes, locale),
    // An async advice pass's length, end and first-reply deadline (only its notices use them).
    days: numberFormat(locale, { style: "unit", unit: "day", unitDisplay: "long" }).format(
      passDaysOf(c),
    ),
    ends: when(c.endsAt),
    replyDue: when(passReplyDeadline(c)),
    price: money(c.price),
    amount: money(refunded),
    earnings: money(c.refundableShare),
    expires: when(c.paymentExpiresAt ?? c.startsAt),
    holdEnds: when(holdEndsAt),
    url: params.url ?? "",
    reason,
    consultationId: c.id,
    status: c.status,
    // Reasons are internal (a webhook's detail, an admin's note): only admins see them,
    // and a security incident's body states its reason itself.
    reasonLine:
      role === "admin" && reason !== "" && params.notice !== "security_incident"
        ? t(`${CONSULTATION_NOTICE_PREFIX}.reasonLine`, { reason })
        : "",
  };
  vars.facts = t(`${CONSULTATION_NOTICE_PREFIX}.facts`, vars);

  // A payment link without its link would be a hollow message: say there's news instead.
  const link = params.notice === "payment_link" || params.notice === "pass_payment_link";
  const notice = link && !params.url ? "generic" : params.notice;
  const keys = consultationNoticeKeys(notice, role, {
    refund: params.amount !== undefined && params.amount > 0,
  });
  return { subject: t(keys.subject, vars), body: t(keys.body, vars) };
}
