import { Alert, Anchor, Button, Group, Loader, Stack, Text } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorNote } from "./error-note";
import { PartyActionModal, type PartyDialog } from "./party-action-modal";
import {
  type AdminDetail,
  type ClientConsultation,
  POLL_MS,
  type Prepared,
  type SandboxApi,
  sandboxQueryClient,
} from "./sandbox-api";
import { Sentence } from "./sentence";
import { withLocale } from "./sim-links";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";

/** The API's origin (where the simulator pages live), from any absolute URL it gave us. */
function originOf(...urls: (string | null | undefined)[]): string | null {
  for (const url of urls) {
    if (!url) continue;
    try {
      return new URL(url).origin;
    } catch {
      // Not absolute: try the next.
    }
  }
  return null;
}

/** The selected consultation as its client sees it, with what the client can do. */
export function ClientView({
  api,
  consultationId,
  adminDetail,
  prepared,
}: {
  api: SandboxApi;
  consultationId: string;
  adminDetail: AdminDetail | undefined;
  prepared: Prepared | null;
}) {
  const locale = useLocale();
  const t = useT();
  const [dialog, setDialog] = useState<PartyDialog>(null);
  const view = useQuery(
    api.consultations.get.queryOptions({ consultationId }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const onDone =
    (done: string) => (result: { status: string; refunded: number; currency: string }) => {
      setDialog(null);
      void view.refetch();
      notifySuccess(
        result.refunded > 0
          ? t("console.sandbox.client.doneRefunded", {
              done,
              amount: formatMoney(result.refunded, result.currency, locale),
            })
          : done,
      );
    };
  const cancel = useMutation(
    api.consultations.cancel.mutationOptions({
      onSuccess: onDone(t("console.sandbox.client.cancelled")),
    }),
    sandboxQueryClient,
  );
  const noShow = useMutation(
    api.consultations.reportNoShow.mutationOptions({
      onSuccess: onDone(t("console.sandbox.client.reportedNoShow")),
    }),
    sandboxQueryClient,
  );
  const dispute = useMutation(
    api.consultations.openDispute.mutationOptions({
      onSuccess: onDone(t("console.sandbox.client.disputeOpened")),
    }),
    sandboxQueryClient,
  );
  const open = (next: PartyDialog) => {
    cancel.reset();
    noShow.reset();
    dispute.reset();
    setDialog(next);
  };

  if (view.isPending) {
    return <Loader size="sm" aria-label={t("console.sandbox.client.loading")} />;
  }
  if (view.isError) {
    return <ErrorNote error={view.error} title={t("console.sandbox.client.loadFailed")} />;
  }
  const c: ClientConsultation = view.data;
  const partyButtons = [
    {
      key: "cancel",
      dialog: "cancel",
      label: t("console.sandbox.client.cancel"),
      color: "red",
      reason: c.actions.reasons.cancel,
    },
    {
      key: "no-show",
      dialog: "no_show",
      label: t("console.sandbox.client.reportNoShow"),
      color: "orange",
      reason: c.actions.reasons.reportNoShow,
    },
    {
      key: "dispute",
      dialog: "dispute",
      label: t("console.sandbox.client.openDispute"),
      color: "grape",
      reason: c.actions.reasons.dispute,
    },
  ] as const;
  const bookingUid = adminDetail?.consultation.bookingUid ?? null;
  const apiOrigin = originOf(
    c.checkoutUrl,
    ...(adminDetail?.payments.map((p) => p.url) ?? []),
    prepared?.bookingUrl,
  );
  const simBookingUrl =
    apiOrigin && bookingUid
      ? withLocale(`${apiOrigin}/sim/bookings/${encodeURIComponent(bookingUid)}`, locale)
      : null;

  return (
    <Stack gap="sm" data-testid="sandbox-client-view">
      <Group gap="xs" wrap="wrap">
        <Text size="sm">{t("console.sandbox.client.status")}</Text>
        <ConsultationStatusBadge status={c.status} testId="sandbox-client-status" />
      </Group>
      <Text size="sm">
        <Sentence
          k="console.sandbox.client.summary"
          values={{
            advisor: c.advisor.displayName,
            startsAt: formatDateTime(c.startsAt, locale),
            count: c.durationMinutes,
            n: formatNumber(c.durationMinutes, locale),
            price: c.quote.price.formatted,
            refundable: c.refundable.formatted,
          }}
        />
      </Text>
      {c.checkoutUrl ? (
        <Alert color="blue" title={t("console.sandbox.client.awaitingPayment")}>
          <Anchor
            href={withLocale(c.checkoutUrl, locale)}
            target="_blank"
            rel="noopener"
            data-testid="sandbox-checkout-link"
          >
            {t("console.sandbox.client.pay")}
          </Anchor>
          {c.paymentExpiresAt ? (
            <Text size="xs" c="dimmed">
              <Sentence
                k="console.sandbox.client.dueBy"
                values={{ at: formatDateTime(c.paymentExpiresAt, locale) }}
              />
            </Text>
          ) : null}
        </Alert>
      ) : null}
      {c.refunds.length > 0 ? (
        <Text size="sm" data-testid="sandbox-client-refunds">
          {t("console.sandbox.client.refunds")}{" "}
          {c.refunds.map((r, index) => (
            <span key={index}>
              {index > 0 ? t("console.sandbox.client.listSeparator") : null}
              <Sentence
                k="console.sandbox.client.refund"
                values={{
                  amount: r.formatted,
                  status: t(`console.sandbox.client.refundStatus.${r.status}`, {
                    defaultValue: r.status,
                  }),
                }}
              />
            </span>
          ))}
        </Text>
      ) : null}
      <Group gap="xs" wrap="wrap">
        {partyButtons.map((b) => (
          <Button
            key={b.key}
            size="xs"
            color={b.color}
            variant="light"
            disabled={b.reason !== null}
            aria-describedby={b.reason !== null ? `sandbox-why-${b.key}` : undefined}
            onClick={() => open(b.dialog)}
          >
            {b.label}
          </Button>
        ))}
      </Group>
      {/* The API says why an action is off; the console only shows it. */}
      {partyButtons.some((b) => b.reason !== null) ? (
        <Stack gap={2} aria-label={t("console.sandbox.whyDisabled")}>
          {partyButtons.map((b) =>
            b.reason !== null ? (
              <Text
                key={b.key}
                size="xs"
                c="dimmed"
                id={`sandbox-why-${b.key}`}
                data-testid={`sandbox-why-${b.key}`}
              >
                <b>{t("console.sandbox.client.whyLabel", { action: b.label })}</b> {b.reason}
              </Text>
            ) : null,
          )}
        </Stack>
      ) : null}
      {simBookingUrl ? (
        <Stack gap={2}>
          <Text size="sm">
            {t("console.sandbox.client.asCalcom")}{" "}
            <Anchor
              href={simBookingUrl}
              target="_blank"
              rel="noopener"
              data-testid="sandbox-sim-booking-link"
            >
              {t("console.sandbox.client.simBookingPage")}
            </Anchor>
          </Text>
          <Text size="xs" c="dimmed">
            {t("console.sandbox.client.simBookingHint")}
          </Text>
        </Stack>
      ) : null}
      <PartyActionModal
        dialog={dialog}
        pending={cancel.isPending || noShow.isPending || dispute.isPending}
        error={cancel.error ?? noShow.error ?? dispute.error}
        onClose={() => setDialog(null)}
        onConfirm={(reason) => {
          if (dialog === "cancel") cancel.mutate({ consultationId, reason: reason || undefined });
          if (dialog === "no_show") noShow.mutate({ consultationId, reason: reason || undefined });
          if (dialog === "dispute") dispute.mutate({ consultationId, reason });
        }}
      />
    </Stack>
  );
}
