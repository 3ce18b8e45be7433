import type { WebhookEventStatus, WebhookProvider } from "@an/domain";
import type { MantineColor } from "@mantine/core";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";

export type WebhookStatus = WebhookEventStatus;
export type { WebhookProvider };

/** Badge colour per processing status; a full record so a new status can't be forgotten. */
export const WEBHOOK_STATUS_COLORS: Record<WebhookStatus, MantineColor> = {
  received: "blue",
  processed: "teal",
  ignored: "gray",
  deferred: "yellow",
  failed: "red",
};

/** Every processing status, in the order a delivery moves through them. */
export const WEBHOOK_STATUSES = Object.keys(WEBHOOK_STATUS_COLORS) as WebhookStatus[];

export const WEBHOOK_PROVIDERS = [
  { value: "stripe", label: "Stripe" },
  { value: "stripe_connect", label: "Stripe Connect" },
  { value: "calcom", label: "Cal.com" },
] as const satisfies readonly { value: WebhookProvider; label: string }[];

export function isWebhookStatus(value: string): value is WebhookStatus {
  return (WEBHOOK_STATUSES as string[]).includes(value);
}

export function isWebhookProvider(value: string): value is WebhookProvider {
  return WEBHOOK_PROVIDERS.some((p) => p.value === value);
}

/** "Stripe" or "Cal.com": a brand, the same in every language (render it in `<Data>`). */
export function providerLabel(provider: WebhookProvider): string {
  return WEBHOOK_PROVIDERS.find((p) => p.value === provider)?.label ?? provider;
}

export function WebhookStatusBadge({ status }: { status: WebhookStatus }) {
  const t = useT();
  return (
    <StatusBadge
      label={t(`console.webhooks.status.${status}`)}
      color={WEBHOOK_STATUS_COLORS[status]}
      data={{ "data-webhook-status": status }}
    />
  );
}
