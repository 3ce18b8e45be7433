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
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { formatDateTime, formatMoney } from "../../lib/format";
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
        `${done}${result.refunded > 0 ? ` ${formatMoney(result.refunded, result.currency, locale)} goes back to the client.` : ""}`,
      );
    };
  const cancel = useMutation(
    api.consultations.cancel.mutationOptions({ onSuccess: onDone("Cancelled as the client.") }),
    sandboxQueryClient,
  );
  const noShow = useMutation(
    api.consultations.reportNoShow.mutationOptions({
      onSuccess: onDone("Reported the advisor absent."),
    }),
    sandboxQueryClient,
  );
  const dispute = useMutation(
    api.consultations.openDispute.mutationOptions({ onSuccess: onDone("Dispute opened.") }),
    sandboxQueryClient,
  );
  const open = (next: PartyDialog) => {
    cancel.reset();
    noShow.reset();
    dispute.reset();
    setDialog(next);
  };

  if (view.isPending) return <Loader size="sm" aria-label="Loading the client's view" />;
  if (view.isError) return <ErrorNote error={view.error} title="Couldn't load the consultation" />;
  const c: ClientConsultation = view.data;
  const partyButtons = [
    {
      key: "cancel",
      dialog: "cancel",
      label: "Cancel",
      color: "red",
      reason: c.actions.reasons.cancel,
    },
    {
      key: "no-show",
      dialog: "no_show",
      label: "Report advisor no-show",
      color: "orange",
      reason: c.actions.reasons.reportNoShow,
    },
    {
      key: "dispute",
      dialog: "dispute",
      label: "Open dispute",
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
    apiOrigin && bookingUid ? `${apiOrigin}/sim/bookings/${encodeURIComponent(bookingUid)}` : null;

  return (
    <Stack gap="sm" aria-label="Client's view" data-testid="sandbox-client-view">
      <Group gap="xs">
        <Text size="sm">Status as the client sees it:</Text>
        <ConsultationStatusBadge status={c.status} testId="sandbox-client-status" />
      </Group>
      <Text size="sm">
        {c.advisor.displayName} · {formatDateTime(c.startsAt, locale)} · {c.durationMinutes} min ·{" "}
        {c.quote.price.formatted} · refundable {c.refundable.formatted}
      </Text>
      {c.checkoutUrl ? (
        <Alert color="blue" title="Waiting for payment">
          <Anchor
            href={c.checkoutUrl}
            target="_blank"
            rel="noopener"
            data-testid="sandbox-checkout-link"
          >
            Pay on the simulated checkout
          </Anchor>
          {c.paymentExpiresAt ? (
            <Text size="xs" c="dimmed">
              Due by {formatDateTime(c.paymentExpiresAt, locale)}
            </Text>
          ) : null}
        </Alert>
      ) : null}
      {c.refunds.length > 0 ? (
        <Text size="sm" data-testid="sandbox-client-refunds">
          Refunds: {c.refunds.map((r) => `${r.formatted} (${r.status})`).join(", ")}
        </Text>
      ) : null}
      <Group gap="xs">
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
                <b>{b.label}:</b> {b.reason}
              </Text>
            ) : null,
          )}
        </Stack>
      ) : null}
      {simBookingUrl ? (
        <Stack gap={2}>
          <Text size="sm">
            As Cal.com would:{" "}
            <Anchor
              href={simBookingUrl}
              target="_blank"
              rel="noopener"
              data-testid="sandbox-sim-booking-link"
            >
              the simulated booking page
            </Anchor>
          </Text>
          <Text size="xs" c="dimmed">
            End the meeting, mark the client absent (host no-show), reschedule, request a reschedule
            or cancel as the attendee there; the webhooks come back here.
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
