import type { JobPayload, UserWithRoles } from "@an/db";
import {
  formatMeetingTime,
  formatMoney,
  isCurrencyCode,
  type Locale,
  type Translator,
} from "@an/domain";

/** The params of a `billing_notice` job, as the job contract defines them. */
export type BillingNoticeParams = Extract<
  JobPayload<"send_notification">,
  { template: "billing_notice" }
>["params"];

/**
 * Renders a subscription notice in the recipient's locale and time zone: amounts with
 * their currency's exponent (¥1,500, 15,00 €), times in the recipient's zone.
 */
export function renderBillingNotice(input: {
  params: BillingNoticeParams;
  recipient: Pick<UserWithRoles, "firstName" | "email" | "timeZone">;
  locale: Locale;
  t: Translator;
}): { subject: string; body: string } {
  const { params, recipient, locale, t } = input;
  const amount =
    params.amount === undefined || !params.currency
      ? ""
      : isCurrencyCode(params.currency)
        ? formatMoney({ amount: params.amount, currency: params.currency }, locale)
        : `${params.amount} ${params.currency}`;
  const vars = {
    name: recipient.firstName ?? recipient.email ?? "",
    plan: params.plan,
    amount,
    at: params.at ? formatMeetingTime(new Date(params.at), recipient.timeZone, locale) : "",
    url: params.url ?? "",
  };
  const key = `notifications.billing_${params.notice}`;
  return { subject: t(`${key}.subject`, vars), body: t(`${key}.body`, vars) };
}
