import {
  Alert,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { consultationStatusLabel } from "./consultation-status";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { createQuietQueryClient } from "../../lib/query-client";
import { AccountName } from "../ledger/ledger-entries";
import { MoneyInput } from "../../components/money-input";
import { MIN_REASON_LENGTH, ReasonModal } from "../../components/reason-modal";

type Detail = RouterOutputs["consultations"]["adminGet"];
type Settled = RouterOutputs["consultations"]["refund"];
type UnappliedCharge = Detail["unappliedCharges"][number];

/** The API's longest decision reason. */
const REASON_MAX = 2000;
const PREVIEW_DEBOUNCE_MS = 250;

/**
 * Previews live in their own cache: a refused amount is an answer shown beside the field,
 * not a failure for the console's global error notifications.
 */
const previewQueryClient = createQuietQueryClient({ gcTime: 60_000 });

/** Refetches everything an admin decision can change. */
function useAfterDecision() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return () =>
    invalidate(
      trpc.consultations.pathKey(),
      trpc.ledger.pathKey(),
      trpc.incidents.pathKey(),
      trpc.notifications.pathKey(),
    );
}

function settledMessage(done: string, result: Settled, locale: ReturnType<typeof useLocale>) {
  if (!result.applied) return "Nothing changed: this was already done.";
  const refunded =
    result.refunded > 0
      ? ` ${formatMoney(result.refunded, result.currency, locale)} goes back to the client.`
      : "";
  return `${done} Now ${consultationStatusLabel(result.status)}.${refunded}`;
}

/** The API's error for a failed decision, in the operator's language. */
function Failure({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const failure = describeError(error);
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{failure.message}</Text>
      {failure.requestId ? (
        <Text size="xs" c="dimmed">
          Request id: {failure.requestId}
        </Text>
      ) : null}
    </Alert>
  );
}

/** A required reason field (trimmed length checked like `ReasonModal`'s). */
function ReasonField({
  value,
  onChange,
  touched,
  description,
}: {
  value: string;
  onChange: (value: string) => void;
  touched: boolean;
  description: string;
}) {
  return (
    <Textarea
      label="Reason"
      description={description}
      required
      autosize
      minRows={3}
      maxLength={REASON_MAX}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={
        touched && value.trim().length < MIN_REASON_LENGTH
          ? `Write at least ${MIN_REASON_LENGTH} characters.`
          : undefined
      }
    />
  );
}

/** What a refund of `amount` would do, from `consultations.refundPreview` (nothing written). */
function RefundPreview({
  consultationId,
  amount,
  currency,
}: {
  consultationId: string;
  amount: number | null;
  currency: string;
}) {
  const trpc = useTRPC();
  const locale = useLocale();
  const preview = useQuery(
    trpc.consultations.refundPreview.queryOptions(
      amount !== null && amount > 0 ? { consultationId, amount } : skipToken,
    ),
    previewQueryClient,
  );
  if (amount === null || amount <= 0) {
    return (
      <Text size="sm" c="dimmed">
        Enter an amount to see what it does.
      </Text>
    );
  }
  if (preview.isPending) return <Loader size="sm" aria-label="Loading the refund preview" />;
  if (preview.isError) return <Failure error={preview.error} title="This refund isn't possible" />;
  const p = preview.data;
  const money = (minor: number) => formatMoney(minor, currency, locale);
  return (
    <Stack gap="xs" aria-label="Refund preview" data-testid="refund-preview">
      <SimpleGrid cols={2} spacing={4}>
        <Text size="sm">Back to the client</Text>
        <Text size="sm" fw={600} data-testid="preview-refund">
          {p.formatted}
        </Text>
        <Text size="sm">From the platform fee</Text>
        <Text size="sm">{money(p.fromPlatformFee)}</Text>
        <Text size="sm">From the advisor&apos;s share</Text>
        <Text size="sm">{money(p.fromAdvisorShare)}</Text>
        <Text size="sm">Status afterwards</Text>
        <Text size="sm" data-testid="preview-status">
          {consultationStatusLabel(p.resultingStatus)}
        </Text>
        <Text size="sm">Still refundable afterwards</Text>
        <Text size="sm">{money(p.refundableAfter.price)}</Text>
      </SimpleGrid>
      {p.reverseTransfer > 0 ? (
        <Alert color="orange" title="The advisor was already paid">
          {money(p.reverseTransfer)} has to be recovered from the advisor.
        </Alert>
      ) : null}
      {p.ledger.map((entry, index) => (
        <Stack key={`${entry.kind}:${index}`} gap={2}>
          <Text size="xs" c="dimmed">
            Posts <Code>{entry.kind}</Code>
          </Text>
          <Table verticalSpacing={1} fz="xs" aria-label={`Preview of ${entry.kind}`}>
            <Table.Tbody>
              {entry.lines.map((line, i) => (
                <Table.Tr key={`${line.account}:${i}`}>
                  <Table.Td>
                    <AccountName account={line.account} />
                  </Table.Td>
                  <Table.Td ta="end">{line.amount > 0 ? `Dr ${money(line.amount)}` : ""}</Table.Td>
                  <Table.Td ta="end">{line.amount < 0 ? `Cr ${money(-line.amount)}` : ""}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      ))}
    </Stack>
  );
}

/**
 * An amount and a required reason, for refunds and dispute decisions. `preview` shows what
 * the amount would do before anything is confirmed.
 */
function AmountReasonForm({
  currency,
  initialMinor,
  maxMinor,
  amountLabel,
  amountDescription,
  allowZero,
  reasonDescription,
  confirmLabel,
  color,
  pending,
  error,
  errorTitle,
  preview,
  onConfirm,
  onClose,
}: {
  currency: string;
  initialMinor: number;
  maxMinor: number;
  amountLabel: string;
  amountDescription?: string;
  allowZero: boolean;
  reasonDescription: string;
  confirmLabel: string;
  color: string;
  pending: boolean;
  error: unknown;
  errorTitle: string;
  preview?: (amount: number | null) => ReactNode;
  onConfirm: (amount: number, reason: string) => void;
  onClose: () => void;
}) {
  const locale = useLocale();
  const t = useT();
  const [amount, setAmount] = useState<number | null>(initialMinor);
  const [debouncedAmount] = useDebouncedValue(amount, PREVIEW_DEBOUNCE_MS);
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const amountError =
    amount === null
      ? undefined
      : amount > maxMinor
        ? t("console.money.atMost", {
            max: formatMoney(maxMinor, currency, locale),
            amount: formatMoney(amount, currency, locale),
          })
        : !allowZero && amount === 0
          ? "Enter more than zero."
          : undefined;
  const valid =
    amount !== null && amountError === undefined && reason.trim().length >= MIN_REASON_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (valid) onConfirm(amount, reason.trim());
  };
  return (
    <form onSubmit={submit}>
      <Stack>
        <MoneyInput
          label={amountLabel}
          description={amountDescription}
          currency={currency}
          initialMinor={initialMinor}
          maxMinor={maxMinor}
          error={amountError}
          onChange={setAmount}
        />
        {preview ? preview(debouncedAmount) : null}
        <ReasonField
          value={reason}
          onChange={setReason}
          touched={touched}
          description={reasonDescription}
        />
        <Failure error={error} title={errorTitle} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={pending}>
            Cancel
          </Button>
          <Button type="submit" color={color} loading={pending} disabled={!valid}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/**
 * Refunding a charge the consultation never accepted (not the quote's amount or currency):
 * always the whole charge, in the currency charged, previewed by the API before it is
 * confirmed. The consultation's own status and money are untouched.
 */
function UnappliedChargeRefund({
  detail,
  charge,
  onClose,
}: {
  detail: Detail;
  charge: UnappliedCharge;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const locale = useLocale();
  const t = useT();
  const afterDecision = useAfterDecision();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const c = detail.consultation;
  const input = { consultationId: c.id, paymentId: charge.paymentId, amount: charge.outstanding };
  const amount = formatMoney(charge.outstanding, charge.currency, locale);
  const preview = useQuery(
    trpc.consultations.refundPreview.queryOptions(input),
    previewQueryClient,
  );
  const refund = useMutation(
    trpc.consultations.refund.mutationOptions({
      onSuccess: async (result) => {
        await afterDecision();
        onClose();
        notifySuccess(
          t("console.unappliedCharge.done", {
            amount: formatMoney(result.refunded, result.currency, locale),
          }),
        );
      },
    }),
  );
  const reasonError =
    touched && reason.trim().length < MIN_REASON_LENGTH
      ? t("console.unappliedCharge.reasonTooShort", { min: MIN_REASON_LENGTH })
      : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (reason.trim().length >= MIN_REASON_LENGTH && preview.isSuccess) {
      refund.mutate({ ...input, reason: reason.trim() });
    }
  };
  const money = (minor: number, currency: string) => formatMoney(minor, currency, locale);
  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">
          {t("console.unappliedCharge.explanation", {
            amount,
            quote: money(c.price, c.currency),
            status: consultationStatusLabel(c.status),
          })}
        </Text>
        {preview.isPending ? (
          <Loader size="sm" aria-label={t("console.unappliedCharge.previewLoading")} />
        ) : preview.isError ? (
          <Failure error={preview.error} title={t("console.unappliedCharge.previewRefused")} />
        ) : (
          <Stack gap="xs" aria-label={t("console.unappliedCharge.previewLabel")}>
            <SimpleGrid cols={2} spacing={4}>
              <Text size="sm">{t("console.unappliedCharge.charged")}</Text>
              <Text size="sm">{money(charge.amount, charge.currency)}</Text>
              <Text size="sm">{t("console.unappliedCharge.backToClient")}</Text>
              <Text size="sm" fw={600} data-testid="charge-refund-amount">
                {preview.data.formatted}
              </Text>
            </SimpleGrid>
            {preview.data.ledger.map((entry, index) => (
              <Stack key={`${entry.kind}:${index}`} gap={2}>
                <Text size="xs" c="dimmed">
                  {t("console.unappliedCharge.posts")} <Code>{entry.kind}</Code>
                </Text>
                <Table verticalSpacing={1} fz="xs">
                  <Table.Tbody>
                    {entry.lines.map((line, i) => (
                      <Table.Tr key={`${line.account}:${i}`}>
                        <Table.Td>
                          <AccountName account={line.account} />
                        </Table.Td>
                        <Table.Td ta="end">
                          {line.amount > 0 ? `Dr ${money(line.amount, line.currency)}` : ""}
                        </Table.Td>
                        <Table.Td ta="end">
                          {line.amount < 0 ? `Cr ${money(-line.amount, line.currency)}` : ""}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Stack>
            ))}
          </Stack>
        )}
        <Textarea
          label={t("console.unappliedCharge.reason")}
          description={t("console.unappliedCharge.reasonDescription")}
          required
          autosize
          minRows={3}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={reasonError}
        />
        <Failure error={refund.error} title={t("console.unappliedCharge.refused")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={refund.isPending}>
            {t("console.unappliedCharge.cancel")}
          </Button>
          <Button
            type="submit"
            color="grape"
            loading={refund.isPending}
            disabled={!preview.isSuccess || reason.trim().length < MIN_REASON_LENGTH}
          >
            {t("console.unappliedCharge.confirm", { amount })}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Dialog = "refund" | "dispute" | "no_show_upheld" | "no_show_rejected" | "mark_no_show" | null;

/**
 * The admin's decisions on one consultation, each behind a dialog that asks for a reason
 * (kept on the timeline and in the audit log). Only decisions the status allows are
 * offered; the API still has the last word and its refusal is shown in the dialog.
 */
export function ConsultationActions({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const locale = useLocale();
  const afterDecision = useAfterDecision();
  const t = useT();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [chargeToRefund, setChargeToRefund] = useState<UnappliedCharge | null>(null);
  const [absent, setAbsent] = useState<"client" | "advisor">("advisor");
  const c = detail.consultation;
  const consultationId = c.id;

  const onSettled = (done: string) => async (result: Settled) => {
    await afterDecision();
    setDialog(null);
    notifySuccess(settledMessage(done, result, locale));
  };
  const refund = useMutation(
    trpc.consultations.refund.mutationOptions({ onSuccess: onSettled("Refund recorded.") }),
  );
  const resolveDispute = useMutation(
    trpc.consultations.resolveDispute.mutationOptions({
      onSuccess: onSettled("Dispute resolved."),
    }),
  );
  const resolveNoShow = useMutation(
    trpc.consultations.resolveNoShow.mutationOptions({
      onSuccess: onSettled("No-show report decided."),
    }),
  );
  const markNoShow = useMutation(
    trpc.consultations.markNoShow.mutationOptions({ onSuccess: onSettled("No-show recorded.") }),
  );
  const open = (next: Dialog) => {
    for (const m of [refund, resolveDispute, resolveNoShow, markNoShow]) m.reset();
    setDialog(next);
  };
  const close = () => setDialog(null);

  const noShowReported = c.status === "no_show_client" || c.status === "no_show_advisor";
  const reportedSide = c.status === "no_show_client" ? "client" : "advisor";
  const clientDispute = c.status === "disputed" && c.dispute?.kind === "client";
  const actions: ReactNode[] = [];
  if (detail.refundable && c.refundablePrice > 0) {
    actions.push(
      <Button key="refund" color="grape" onClick={() => open("refund")}>
        Refund
      </Button>,
    );
  }
  for (const charge of detail.unappliedCharges) {
    if (charge.outstanding <= 0) continue;
    actions.push(
      <Button
        key={`charge:${charge.paymentId}`}
        color="grape"
        variant="outline"
        onClick={() => setChargeToRefund(charge)}
      >
        {t("console.unappliedCharge.refundButton", {
          amount: formatMoney(charge.outstanding, charge.currency, locale),
        })}
      </Button>,
    );
  }
  if (clientDispute) {
    actions.push(
      <Button key="dispute" color="red" onClick={() => open("dispute")}>
        Resolve dispute
      </Button>,
    );
  }
  if (noShowReported) {
    actions.push(
      <Button key="upheld" color="orange" onClick={() => open("no_show_upheld")}>
        Uphold no-show
      </Button>,
      <Button key="rejected" variant="default" onClick={() => open("no_show_rejected")}>
        Reject no-show
      </Button>,
    );
  }
  if (c.status === "completed") {
    actions.push(
      <Button key="mark" variant="default" onClick={() => open("mark_no_show")}>
        Mark no-show
      </Button>,
    );
  }

  return (
    <>
      <Group gap="xs" aria-label="Decisions">
        {actions.length > 0 ? (
          actions
        ) : (
          <Text size="sm" c="dimmed">
            No decision to make in this status.
          </Text>
        )}
      </Group>

      <Modal opened={dialog === "refund"} onClose={close} title="Refund" centered size="lg">
        {dialog === "refund" ? (
          <AmountReasonForm
            currency={c.currency}
            initialMinor={c.refundablePrice}
            maxMinor={c.refundablePrice}
            amountLabel="Amount to refund"
            amountDescription={`Up to ${formatMoney(c.refundablePrice, c.currency, locale)} is still refundable. Taken from the fee and the advisor's share in proportion.`}
            allowZero={false}
            reasonDescription="Kept on the timeline and in the audit log."
            confirmLabel="Refund"
            color="grape"
            pending={refund.isPending}
            error={refund.error}
            errorTitle="Refund refused"
            preview={(amount) => (
              <RefundPreview
                consultationId={consultationId}
                amount={amount}
                currency={c.currency}
              />
            )}
            onConfirm={(amount, reason) => refund.mutate({ consultationId, amount, reason })}
            onClose={close}
          />
        ) : null}
      </Modal>

      <Modal
        opened={chargeToRefund !== null}
        onClose={() => setChargeToRefund(null)}
        title={t("console.unappliedCharge.dialogTitle")}
        centered
        size="lg"
      >
        {chargeToRefund ? (
          <UnappliedChargeRefund
            detail={detail}
            charge={chargeToRefund}
            onClose={() => setChargeToRefund(null)}
          />
        ) : null}
      </Modal>

      <Modal
        opened={dialog === "dispute"}
        onClose={close}
        title="Resolve dispute"
        centered
        size="lg"
      >
        {dialog === "dispute" ? (
          <AmountReasonForm
            currency={c.currency}
            initialMinor={0}
            maxMinor={c.refundablePrice}
            amountLabel="Refund to the client"
            amountDescription="Zero releases everything to the advisor; the rest of the money is released after the refund."
            allowZero
            reasonDescription="Sent on to both parties and kept in the audit log."
            confirmLabel="Resolve dispute"
            color="red"
            pending={resolveDispute.isPending}
            error={resolveDispute.error}
            errorTitle="Couldn't resolve the dispute"
            onConfirm={(refundAmount, reason) =>
              resolveDispute.mutate({ consultationId, refundAmount, reason })
            }
            onClose={close}
          />
        ) : null}
      </Modal>

      <ReasonModal
        opened={dialog === "no_show_upheld" || dialog === "no_show_rejected"}
        title={
          dialog === "no_show_upheld" ? "Uphold the no-show report" : "Reject the no-show report"
        }
        label="Reason"
        description="Kept on the timeline and in the audit log."
        confirmLabel={dialog === "no_show_upheld" ? "Uphold" : "Reject"}
        color={dialog === "no_show_upheld" ? "orange" : undefined}
        maxLength={REASON_MAX}
        pending={resolveNoShow.isPending}
        onConfirm={(reason) =>
          resolveNoShow.mutate({ consultationId, upheld: dialog === "no_show_upheld", reason })
        }
        onClose={close}
      >
        <Text size="sm">
          {dialog === "no_show_upheld"
            ? reportedSide === "advisor"
              ? "The advisor was absent: the client gets a full refund."
              : "The client was absent: the money is released to the advisor."
            : "The report is wrong: the consultation returns to completed."}
        </Text>
        <Failure error={resolveNoShow.error} title="Decision refused" />
      </ReasonModal>

      <ReasonModal
        opened={dialog === "mark_no_show"}
        title="Mark no-show"
        label="Reason"
        description="e.g. from Cal.com's attendance or a support ticket. Kept in the audit log."
        confirmLabel="Mark no-show"
        maxLength={REASON_MAX}
        pending={markNoShow.isPending}
        onConfirm={(reason) => markNoShow.mutate({ consultationId, absent, reason })}
        onClose={close}
      >
        <Stack gap="xs">
          <Text size="sm">Who was absent? The report then waits for a decision.</Text>
          <SegmentedControl
            aria-label="Absent party"
            value={absent}
            onChange={(value) => setAbsent(value === "client" ? "client" : "advisor")}
            data={[
              { value: "advisor", label: "The advisor" },
              { value: "client", label: "The client" },
            ]}
          />
        </Stack>
        <Failure error={markNoShow.error} title="Couldn't mark the no-show" />
      </ReasonModal>
    </>
  );
}
