import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  Stack,
  Table,
  Text,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { formatDateTime, formatMoney } from "../../lib/format";
import { notifyError, notifySuccess } from "../../lib/notify";
import { PAYOUT_BATCH_KIND_LABELS } from "../../lib/payouts";
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
  const locale = useLocale();
  const columns = showAdvisor ? 8 : 7;
  return (
    <Table.ScrollContainer minWidth={900}>
      <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            {showAdvisor ? <Table.Th>Advisor</Table.Th> : null}
            <Table.Th>Kind</Table.Th>
            <Table.Th>Scheduled for</Table.Th>
            <Table.Th ta="end">Total</Table.Th>
            <Table.Th ta="end">Sent</Table.Th>
            <Table.Th>Items</Table.Th>
            <Table.Th>Settled</Table.Th>
            <Table.Th>
              <VisuallyHidden>Open</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {batches.map((batch) => (
            <Table.Tr key={batch.id} data-batch-id={batch.id}>
              {showAdvisor ? (
                <Table.Td>
                  <Anchor component={Link} to={advisorPayoutsPath(batch.advisorId)} size="sm">
                    {batch.advisorName}
                  </Anchor>
                </Table.Td>
              ) : null}
              <Table.Td>{PAYOUT_BATCH_KIND_LABELS[batch.kind]}</Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {formatDateTime(batch.scheduledFor, locale)}
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                {formatMoney(batch.totalAmount, batch.currency, locale)}
                {batch.nettedAmount > 0 ? (
                  <Text size="xs" c="dimmed">
                    {formatMoney(batch.grossAmount, batch.currency, locale)} −{" "}
                    {formatMoney(batch.nettedAmount, batch.currency, locale)} netted
                  </Text>
                ) : null}
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                {formatMoney(batch.sentAmount, batch.currency, locale)}
              </Table.Td>
              <Table.Td>
                <ItemCounts counts={batch.itemsByStatus} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {batch.settledAt ? (
                  formatDateTime(batch.settledAt, locale)
                ) : (
                  <Text size="sm" c="dimmed">
                    Not yet
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/payouts/batches/${batch.id}`}
                  size="sm"
                  aria-label={`Open the batch of ${formatDateTime(batch.scheduledFor, locale)} for ${batch.advisorName}`}
                >
                  Open
                </Anchor>
              </Table.Td>
            </Table.Tr>
          ))}
          {batches.length === 0 ? <EmptyRow colSpan={columns}>No payout batches.</EmptyRow> : null}
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
  empty = "No payout items.",
}: {
  items: readonly ItemRow[];
  label: string;
  busy?: boolean;
  empty?: string;
}) {
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
        notifySuccess("The item goes out again shortly.");
      },
      onError: (error) => notifyError(error, "Couldn't retry the item"),
    }),
  );
  const cancel = useMutation(
    trpc.payoutAdmin.cancelItem.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        setCancelling(null);
        notifySuccess("Item cancelled: its share is payable again.");
      },
    }),
  );
  const showAdvisor = items.some((i) => i.advisorName !== undefined);
  const columns = showAdvisor ? 8 : 7;

  return (
    <>
      <Table.ScrollContainer minWidth={1000}>
        <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
          <Table.Thead>
            <Table.Tr>
              {showAdvisor ? <Table.Th>Advisor</Table.Th> : null}
              <Table.Th>Consultation</Table.Th>
              <Table.Th ta="end">Amount</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Last error / transfer</Table.Th>
              <Table.Th ta="end">Attempts</Table.Th>
              <Table.Th>Next attempt / sent</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
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
                  {formatMoney(item.amount, item.currency, locale)}
                  {item.nettedAmount > 0 ? (
                    <Text size="xs" c="dimmed">
                      {formatMoney(item.nettedAmount, item.currency, locale)} netted
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <PayoutItemStatusBadge status={item.status} />
                </Table.Td>
                <Table.Td maw={360}>
                  {item.lastErrorCode || item.lastError ? (
                    <Stack gap={2}>
                      {item.lastErrorCode ? <Code fz="xs">{item.lastErrorCode}</Code> : null}
                      {item.lastError ? (
                        <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                          {item.lastError}
                        </Text>
                      ) : null}
                    </Stack>
                  ) : item.providerTransferId ? (
                    <Code fz="xs">{item.providerTransferId}</Code>
                  ) : (
                    <Text size="sm" c="dimmed">
                      —
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="end">{item.attempts}</Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  {item.status === "sent"
                    ? formatDateTime(item.sentAt, locale)
                    : formatDateTime(item.nextAttemptAt, locale)}
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
            {items.length === 0 ? <EmptyRow colSpan={columns}>{empty}</EmptyRow> : null}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>

      <ConfirmModal
        opened={retrying !== null}
        title="Retry the payout item"
        confirmLabel="Retry"
        pending={retry.isPending}
        onConfirm={() => {
          if (retrying) retry.mutate({ itemId: retrying.id });
        }}
        onClose={() => setRetrying(null)}
      >
        <Text size="sm">
          {retrying ? formatMoney(retrying.amount, retrying.currency, locale) : null} is asked of
          Stripe again with the same idempotency key, so it can&apos;t be paid twice.
        </Text>
      </ConfirmModal>

      <ReasonModal
        opened={cancelling !== null}
        title="Cancel the payout item"
        label="Reason"
        description="Kept in the audit trail."
        confirmLabel="Cancel item"
        color="red"
        maxLength={CANCEL_REASON_MAX}
        pending={cancel.isPending}
        onConfirm={(reason) => {
          if (cancelling) cancel.mutate({ itemId: cancelling.id, reason });
        }}
        onClose={() => setCancelling(null)}
      >
        <Text size="sm">
          {cancelling ? formatMoney(cancelling.amount, cancelling.currency, locale) : null} goes
          back to the advisor&apos;s payable; the next run pays it again unless payouts are held.
        </Text>
        {cancel.isError ? (
          <Alert color="red" title="Couldn't cancel">
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
  // The API says what may be done with the item; the console doesn't re-derive it.
  const retryable = item.actions.retry;
  const cancellable = item.actions.cancel;
  const unknown = item.lastErrorCode === OUTCOME_UNKNOWN && !cancellable && isOpen(item);
  if (!retryable && !cancellable && !unknown) return null;
  return (
    <Group gap={4} wrap="nowrap">
      {retryable ? (
        <Button size="compact-xs" variant="light" onClick={onRetry}>
          Retry
        </Button>
      ) : null}
      {cancellable ? (
        <Button size="compact-xs" variant="light" color="red" onClick={onCancel}>
          Cancel
        </Button>
      ) : null}
      {unknown ? (
        <Tooltip
          label="The transfer may exist at Stripe: only a retry with the same idempotency key can tell, so it can't be cancelled."
          multiline
          w={260}
        >
          <Text size="xs" c="dimmed">
            Outcome unknown
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
  const trpc = useTRPC();
  const locale = useLocale();
  const invalidate = useInvalidatePayouts();
  const retry = useMutation(
    trpc.payoutAdmin.retryReversal.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess("The reversal is tried again shortly.");
      },
      onError: (error) => notifyError(error, "Couldn't retry the reversal"),
    }),
  );
  const columns = showAdvisor ? 8 : 7;
  return (
    <Table.ScrollContainer minWidth={960}>
      <Table striped verticalSpacing="xs" aria-label={label} aria-busy={busy}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Created</Table.Th>
            {showAdvisor ? <Table.Th>Advisor</Table.Th> : null}
            <Table.Th>Consultation</Table.Th>
            <Table.Th ta="end">Amount</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Why / last error</Table.Th>
            <Table.Th ta="end">Attempts</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {reversals.map((r) => (
            <Table.Tr key={r.id} data-reversal-id={r.id} data-status={r.status}>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                {formatDateTime(r.createdAt, locale)}
              </Table.Td>
              {showAdvisor ? <AdvisorCell advisorId={r.advisorId} name={r.advisorName} /> : null}
              <ConsultationCell consultationId={r.consultationId} />
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                {formatMoney(r.amount, r.currency, locale)}
              </Table.Td>
              <Table.Td>
                <ReversalStatusBadge status={r.status} />
              </Table.Td>
              <Table.Td maw={360}>
                <Stack gap={2}>
                  <Text size="xs">{r.reason}</Text>
                  {r.lastErrorCode ? <Code fz="xs">{r.lastErrorCode}</Code> : null}
                  {r.lastError ? (
                    <Text size="xs" c="red" style={{ overflowWrap: "anywhere" }}>
                      {r.lastError}
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
              <Table.Td ta="end">{r.attempts}</Table.Td>
              <Table.Td>
                {r.status === "failed" ? (
                  <Button
                    size="compact-xs"
                    variant="light"
                    loading={retry.isPending && retry.variables.reversalId === r.id}
                    aria-label={`Retry the reversal of ${formatMoney(r.amount, r.currency, locale)}`}
                    onClick={() => retry.mutate({ reversalId: r.id })}
                  >
                    Retry
                  </Button>
                ) : null}
              </Table.Td>
            </Table.Tr>
          ))}
          {reversals.length === 0 ? (
            <EmptyRow colSpan={columns}>No transfer reversals.</EmptyRow>
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
        {name}
      </Anchor>
    </Table.Td>
  );
}

/** A table cell linking to the consultation, by the start of its id. */
function ConsultationCell({ consultationId }: { consultationId: string }) {
  return (
    <Table.Td>
      <Anchor component={Link} to={`/consultations/${consultationId}`} size="sm" ff="monospace">
        {consultationId.slice(0, 8)}
      </Anchor>
    </Table.Td>
  );
}
