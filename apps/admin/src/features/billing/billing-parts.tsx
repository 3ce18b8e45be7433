import { Stack, Text, Textarea } from "@mantine/core";
import type { ReactNode } from "react";
import { StatusBadge } from "../../components/status-badge";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";
import { useT } from "../../lib/i18n";

/** The API's longest reason for an admin's billing change. */
export const MAX_BILLING_REASON = 500;

/** The currencies a plan can be priced in (the domain's list): USD is live, the rest ready. */
export const PLAN_CURRENCIES = [
  "USD",
  "EUR",
  "GBP",
  "CAD",
  "AUD",
  "AED",
  "SAR",
  "EGP",
  "MAD",
  "JPY",
] as const;

/** The console's languages other than English, in which a plan may have its own text. */
export const OTHER_PLAN_LOCALES = ["de", "es", "fr", "ar"] as const;

export type PlanEntitlements = {
  inviteAdvisors: boolean;
  maxAdvisorsPerProject: number;
  buyPasses: boolean;
};

/** A label and its value in a details card. */
export function Fact({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: "anywhere" }} data-testid={testId}>
        {children}
      </Text>
    </Stack>
  );
}

const STATUS_COLORS: Record<string, string> = {
  active: "teal",
  trialing: "blue",
  past_due: "orange",
  unpaid: "red",
  incomplete: "yellow",
  incomplete_expired: "gray",
  canceled: "gray",
  paused: "gray",
};

/** A subscription's status as Stripe has it, in the operator's language. */
export function SubscriptionStatusBadge({ status, testId }: { status: string; testId?: string }) {
  const t = useT();
  return (
    <StatusBadge
      label={t(`console.billing.status.${status}`, { defaultValue: status })}
      color={STATUS_COLORS[status] ?? "gray"}
      data={{ "data-status": status, "data-testid": testId }}
    />
  );
}

/** What a plan (or a user, now) may do, in words. */
export function EntitlementsText({ entitlements }: { entitlements: PlanEntitlements }) {
  const t = useT();
  const parts = [
    entitlements.inviteAdvisors
      ? t("console.billing.entitlements.invite", { n: entitlements.maxAdvisorsPerProject })
      : t("console.billing.entitlements.noInvite"),
    entitlements.buyPasses
      ? t("console.billing.entitlements.passes")
      : t("console.billing.entitlements.noPasses"),
  ];
  return <>{parts.join(" · ")}</>;
}

/**
 * The reason every billing change asks for (the API records it in the audit log): a required
 * field inside the change's own form, so the operator says why while saying what.
 */
export function ReasonField({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  const t = useT();
  const short = value.trim().length > 0 && value.trim().length < MIN_REASON_LENGTH;
  return (
    <Textarea
      label={t("console.billing.reason")}
      description={t("console.billing.reasonHint")}
      required
      autosize
      minRows={2}
      maxLength={MAX_BILLING_REASON}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={short ? t("console.billing.reasonShort", { n: MIN_REASON_LENGTH }) : undefined}
    />
  );
}

/** True when a reason is long enough for the API. */
export function reasonOk(reason: string): boolean {
  return reason.trim().length >= MIN_REASON_LENGTH;
}
