import { Alert, Anchor, Button, Code, Group, Stack, Table, Text, Tooltip } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { Data, DateTime, Money, Num } from "../../components/formatted";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifyError, notifySuccess } from "../../lib/notify";
import { KEYBOARD_SCROLL } from "../../lib/payouts";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { EmptyRow } from "../../components/list-states";
import { ItemCounts, PayoutItemStatusBadge, ReversalStatusBadge } from "./payout-status";
import { ConfirmModal, ReasonModal } from "../../components/reason-modal";

export type BatchRow = RouterOutputs["payoutAdmin"]["listBatches"]["items"][number];
/** An item from any admin view; lists across advisors also carry the advisor's name. */
export type ItemRow = RouterOutputs["payoutAdmin"]["getBatch"]["items"][number] & {
  advisorName?: string;
};
export type ReversalRow = RouterOutputs["payoutAdmin"]["listReversals"]["items"][number];

/** The error code the API stores when a transfer may have reached Stripe unseen. */
const OUTCOME_UNKNOWN = "outcome_unknown";
/** The API's longest cancellation reason. */
const CANCEL_REASON_MAX = 500;

export function advisorPayoutsPath(advisorId: string): string {
  return `/payouts/advisors/${encodeURIComponent(advisorId)}`;
}

/** Not yet settled either way: sent and cancelled items are final. */
function isOpen(item: ItemRow): boolean {
  return item.status !== "sent" && item.status !== "cancelled";
}

/** Refetches every payout view and the consultations whose status a payout moves. */
function useInvalidatePayouts(): () => Promise<void> {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return () => invalidate(trpc.payoutAdmin.pathKey(), trpc.consultations.pathKey());
}

/** Payout batches: advisor, kind, when, amounts, items by status, settled. */
export function BatchesTable({
  batches,
  showAdvisor = true,
  busy,
  label,
}: {
  batches: readonly BatchRow[];
  showAdvisor?: boolean;
  busy?: boolean;
  label: string;
}) {
  const t = useT();
  const locale = useLocale();
  const columns = showAdvisor ? 8 : 7;
  return (
    <Table.ScrollContainer minWidth={900} scrollAreaProps={KEYBOARD_SCROLL}>
      <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            {showAdvisor ? <Table.Th>{t("console.payouts.columns.advisor")}</Table.Th> : null}
            <Table.Th>{t("console.payouts.columns.kind")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.scheduledFor")}</Table.Th>
            <Table.Th ta="end">{t("console.payouts.columns.total")}</Table.Th>
            <Table.Th ta="end">{t("console.payouts.columns.sent")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.items")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.settled")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.actions")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {batches.map((batch) => (
            <Table.Tr key={batch.id} data-batch-id={batch.id}>
              {showAdvisor ? (
                <Table.Td>
                  <Anchor component={Link} to={advisorPayoutsPath(batch.advisorId)} size="sm">
                    <Data>{batch.advisorName}</Data>
                  </Anchor>
                </Table.Td>
              ) : null}
              <Table.Td>{t(`console.payouts.kind.${batch.kind}`)}</Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <DateTime value={batch.scheduledFor} />
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                <Money amount={batch.totalAmount} currency={batch.currency} />
                {batch.nettedAmount > 0 ? (
                  <Text size="xs" c="dimmed">
                    {t("console.payouts.grossLessNetted", {
                      gross: formatMoney(batch.grossAmount, batch.currency, locale),
                      netted: formatMoney(batch.nettedAmount, batch.currency, locale),
                    })}
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                <Money amount={batch.sentAmount} currency={batch.currency} />
              </Table.Td>
              <Table.Td>
                <ItemCounts counts={batch.itemsByStatus} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {batch.settledAt ? (
                  <DateTime value={batch.settledAt} />
                ) : (
                  <Text size="sm" c="dimmed">
                    {t("console.payouts.notYet")}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/payouts/batches/${batch.id}`}
                  size="sm"
                  aria-label={t("console.payouts.openBatch", {
                    date: formatDateTime(batch.scheduledFor, locale),
                    name: batch.advisorName,
                  })}
                >
                  {t("console.payouts.open")}
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
          {batches.length === 0 ? (
            <EmptyRow colSpan={columns}>{t("console.payouts.noBatches")}</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/**
 * Payout items with the provider's last error and, for failed or unsent ones, **Retry**
 * (a failed item, same idempotency key) and **Cancel** (a reason is required).
 */
export function PayoutItemsTable({
  items,
  label,
  busy,
  empty,
}: {
  items: readonly ItemRow[];
  label: string;
  busy?: boolean;
  empty?: string;
}) {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const invalidate = useInvalidatePayouts();
  const [cancelling, setCancelling] = useState<ItemRow | null>(null);
  const [retrying, setRetrying] = useState<ItemRow | null>(null);
  const retry = useMutation(
    trpc.payoutAdmin.retryItem.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setRetrying(null);
        notifySuccess(t("console.payouts.itemRetried"));
      },
      onError: (error) => notifyError(error, t("console.payouts.itemRetryFailed")),
    }),
  );
  const cancel = useMutation(
    trpc.payoutAdmin.cancelItem.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setCancelling(null);
        notifySuccess(t("console.payouts.itemCancelled"));
      },
    }),
  );
  const showAdvisor = items.some((i) => i.advisorName !== undefined);
  const columns = showAdvisor ? 8 : 7;

  return (
    <>
      <Table.ScrollContainer minWidth={1000} scrollAreaProps={KEYBOARD_SCROLL}>
        <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
          <Table.Thead>
            <Table.Tr>
              {showAdvisor ? <Table.Th>{t("console.payouts.columns.advisor")}</Table.Th> : null}
              <Table.Th>{t("console.payouts.columns.consultation")}</Table.Th>
              <Table.Th ta="end">{t("console.payouts.columns.amount")}</Table.Th>
              <Table.Th>{t("console.payouts.columns.status")}</Table.Th>
              <Table.Th>{t("console.payouts.columns.lastErrorTransfer")}</Table.Th>
              <Table.Th ta="end">{t("console.payouts.columns.attempts")}</Table.Th>
              <Table.Th>{t("console.payouts.columns.nextAttemptSent")}</Table.Th>
              <Table.Th>{t("console.payouts.columns.actions")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id} data-item-id={item.id} data-status={item.status}>
                {showAdvisor ? (
                  <AdvisorCell advisorId={item.advisorId} name={item.advisorName} />
                ) : null}
                <ConsultationCell consultationId={item.consultationId} />
                <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                  <Money amount={item.amount} currency={item.currency} />
                  {item.nettedAmount > 0 ? (
                    <Text size="xs" c="dimmed">
                      {t("console.payouts.netted", {
                        amount: formatMoney(item.nettedAmount, item.currency, locale),
                      })}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <PayoutItemStatusBadge status={item.status} />
                </Table.Td>
                <Table.Td maw={360}>
                  {item.lastErrorCode || item.lastError ? (
                    <Stack gap={2}>
                      {item.lastErrorCode ? (
                        <Code fz="xs" style={{ overflowWrap: "anywhere" }}>
                          {item.lastErrorCode}
                        </Code>
                      ) : null}
                      {item.lastError ? (
                        <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                          <Data>{item.lastError}</Data>
                        </Text>
                      ) : null}
                    </Stack>
                  ) : item.providerTransferId ? (
                    <Code fz="xs" style={{ overflowWrap: "anywhere" }}>
                      {item.providerTransferId}
                    </Code>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="end">
                  <Num value={item.attempts} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <DateTime value={item.status === "sent" ? item.sentAt : item.nextAttemptAt} />
                </Table.Td>
                <Table.Td>
                  <ItemActions
                    item={item}
                    onRetry={() => setRetrying(item)}
                    onCancel={() => {
                      cancel.reset();
                      setCancelling(item);
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
            {items.length === 0 ? (
              <EmptyRow colSpan={columns}>{empty ?? t("console.payouts.noItems")}</EmptyRow>
            ) : null}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <ConfirmModal
        opened={retrying !== null}
        title={t("console.payouts.retryItem.title")}
        confirmLabel={t("console.payouts.retry")}
        pending={retry.isPending}
        onConfirm={() => {
          if (retrying) retry.mutate({ itemId: retrying.id });
        }}
        onClose={() => setRetrying(null)}
      >
        <Text size="sm">
          {t("console.payouts.retryItem.body", {
            amount: retrying ? formatMoney(retrying.amount, retrying.currency, locale) : "",
          })}
        </Text>
      </ConfirmModal>

      <ReasonModal
        opened={cancelling !== null}
        title={t("console.payouts.cancelItem.title")}
        label={t("console.payouts.reason")}
        description={t("console.payouts.cancelItem.description")}
        confirmLabel={t("console.payouts.cancelItem.confirm")}
        color="red"
        maxLength={CANCEL_REASON_MAX}
        pending={cancel.isPending}
        onConfirm={(reason) => {
          if (cancelling) cancel.mutate({ itemId: cancelling.id, reason });
        }}
        onClose={() => setCancelling(null)}
      >
        <Text size="sm">
          {t("console.payouts.cancelItem.body", {
            amount: cancelling ? formatMoney(cancelling.amount, cancelling.currency, locale) : "",
          })}
        </Text>
        {cancel.isError ? (
          <Alert color="red" title={t("console.payouts.cancelItem.failed")}>
            {describeError(cancel.error).message}
          </Alert>
        ) : null}
      </ReasonModal>
    </>
  );
}

function ItemActions({
  item,
  onRetry,
  onCancel,
}: {
  item: ItemRow;
  onRetry: () => void;
  onCancel: () => void;
}) {
  const t = useT();
  // The API says what may be done with the item; the console doesn't re-derive it.
  const retryable = item.actions.retry;
  const cancellable = item.actions.cancel;
  const unknown = item.lastErrorCode === OUTCOME_UNKNOWN && !cancellable && isOpen(item);
  if (!retryable && !cancellable && !unknown) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {retryable ? (
        <Button size="compact-xs" variant="default" onClick={onRetry}>
          {t("console.payouts.retry")}
        </Button>
      ) : null}
      {cancellable ? (
        <Button size="compact-xs" variant="default" c="red" onClick={onCancel}>
          {t("console.payouts.cancel")}
        </Button>
      ) : null}
      {unknown ? (
        <Tooltip label={t("console.payouts.outcomeUnknownHint")} multiline w={260}>
          <Text size="xs" c="dimmed" tabIndex={0}>
            {t("console.payouts.outcomeUnknown")}
          </Text>
        </Tooltip>
      ) : null}
    </Group>
  );
}

/** Transfer reversals: amount, status, error; a failed one has **Retry**. */
export function ReversalsTable({
  reversals,
  label,
  busy,
  showAdvisor = true,
}: {
  reversals: readonly ReversalRow[];
  label: string;
  busy?: boolean;
  showAdvisor?: boolean;
}) {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const invalidate = useInvalidatePayouts();
  const retry = useMutation(
    trpc.payoutAdmin.retryReversal.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(t("console.payouts.reversalRetried"));
      },
      onError: (error) => notifyError(error, t("console.payouts.reversalRetryFailed")),
    }),
  );
  const columns = showAdvisor ? 8 : 7;
  return (
    <Table.ScrollContainer minWidth={960} scrollAreaProps={KEYBOARD_SCROLL}>
      <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("console.payouts.columns.created")}</Table.Th>
            {showAdvisor ? <Table.Th>{t("console.payouts.columns.advisor")}</Table.Th> : null}
            <Table.Th>{t("console.payouts.columns.consultation")}</Table.Th>
            <Table.Th ta="end">{t("console.payouts.columns.amount")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.status")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.whyLastError")}</Table.Th>
            <Table.Th ta="end">{t("console.payouts.columns.attempts")}</Table.Th>
            <Table.Th>{t("console.payouts.columns.actions")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {reversals.map((r) => (
            <Table.Tr key={r.id} data-reversal-id={r.id} data-status={r.status}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <DateTime value={r.createdAt} />
              </Table.Td>
              {showAdvisor ? <AdvisorCell advisorId={r.advisorId} name={r.advisorName} /> : null}
              <ConsultationCell consultationId={r.consultationId} />
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                <Money amount={r.amount} currency={r.currency} />
              </Table.Td>
              <Table.Td>
                <ReversalStatusBadge status={r.status} />
              </Table.Td>
              <Table.Td maw={360}>
                <Stack gap={2}>
                  <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                    <Data>{r.reason}</Data>
                  </Text>
                  {r.lastErrorCode ? (
                    <Code fz="xs" style={{ overflowWrap: "anywhere" }}>
                      {r.lastErrorCode}
                    </Code>
                  ) : null}
                  {r.lastError ? (
                    <Text size="xs" c="red" style={{ overflowWrap: "anywhere" }}>
                      <Data>{r.lastError}</Data>
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
              <Table.Td ta="end">
                <Num value={r.attempts} />
              </Table.Td>
              <Table.Td>
                {r.status === "failed" ? (
                  <Button
                    size="compact-xs"
                    variant="default"
                    loading={retry.isPending && retry.variables.reversalId === r.id}
                    aria-label={t("console.payouts.retryReversal", {
                      amount: formatMoney(r.amount, r.currency, locale),
                    })}
                    onClick={() => retry.mutate({ reversalId: r.id })}
                  >
                    {t("console.payouts.retry")}
                  </Button>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
          {reversals.length === 0 ? (
            <EmptyRow colSpan={columns}>{t("console.payouts.noReversals")}</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A table cell linking to the advisor's payout page. */
function AdvisorCell({ advisorId, name }: { advisorId: string; name: string | undefined }) {
  return (
    <Table.Td>
      <Anchor component={Link} to={advisorPayoutsPath(advisorId)} size="sm">
        <Data>{name}</Data>
      </Anchor>
    </Table.Td>
  );
}

/** A table cell linking to the consultation, by the start of its id. */
function ConsultationCell({ consultationId }: { consultationId: string }) {
  return (
    <Table.Td>
      <Anchor component={Link} to={`/consultations/${consultationId}`} size="sm" ff="monospace">
        <Data>{consultationId.slice(0, 8)}</Data>
      </Anchor>
    </Table.Td>
  );
}
