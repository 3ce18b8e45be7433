import { Alert, Button, Code, Group, Loader, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { skipToken, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { consultationStatusLabel } from "./consultation-status";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { AccountName } from "../ledger/ledger-entries";
import { MoneyInput } from "../../components/money-input";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";
import { Failure, PREVIEW_DEBOUNCE_MS, previewQueryClient, ReasonField } from "./decision-parts";

/** What a refund of `amount` would do, from `consultations.previewRefund` (nothing written). */
export function RefundPreview({
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
    trpc.consultations.previewRefund.queryOptions(
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
export function AmountReasonForm({
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
