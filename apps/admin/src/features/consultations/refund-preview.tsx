import { Alert, Button, Code, Group, Loader, SimpleGrid, Stack, Table, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { skipToken, useQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { Trans } from "react-i18next";
import { consultationStatusLabel } from "./consultation-status";
import { ScrollTable } from "../../components/scroll-table";
import { useIsolate } from "./consultation-detail-parts";
import { Money } from "../../components/formatted";
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
}: {
  consultationId: string;
  amount: number | null;
}) {
  const trpc = useTRPC();
  const t = useT();
  const preview = useQuery(
    trpc.consultations.previewRefund.queryOptions(
      amount !== null && amount > 0 ? { consultationId, amount } : skipToken,
    ),
    previewQueryClient,
  );
  if (amount === null || amount <= 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("console.consultations.preview.enterAmount")}
      </Text>
    );
  }
  if (preview.isPending) {
    return <Loader size="sm" aria-label={t("console.unappliedCharge.previewLoading")} />;
  }
  if (preview.isError) {
    return <Failure error={preview.error} title={t("console.unappliedCharge.previewRefused")} />;
  }
  const p = preview.data;
  const money = (minor: number) => <Money amount={minor} currency={p.currency} />;
  return (
    <Stack
      gap="xs"
      role="group"
      aria-label={t("console.consultations.preview.label")}
      data-testid="refund-preview"
    >
      <SimpleGrid cols={2} spacing={4}>
        <Text size="sm">{t("console.unappliedCharge.backToClient")}</Text>
        <Text size="sm" fw={600} data-testid="preview-refund">
          {money(p.refund)}
        </Text>
        <Text size="sm">{t("console.consultations.preview.fromFee")}</Text>
        <Text size="sm">{money(p.fromPlatformFee)}</Text>
        <Text size="sm">{t("console.consultations.preview.fromShare")}</Text>
        <Text size="sm">{money(p.fromAdvisorShare)}</Text>
        <Text size="sm">{t("console.consultations.preview.statusAfter")}</Text>
        <Text size="sm" data-testid="preview-status">
          {consultationStatusLabel(p.resultingStatus, t)}
        </Text>
        <Text size="sm">{t("console.consultations.preview.refundableAfter")}</Text>
        <Text size="sm">{money(p.refundableAfter.price)}</Text>
      </SimpleGrid>
      {p.reverseTransfer > 0 ? (
        <Alert color="orange" title={t("console.consultations.preview.alreadyPaid")}>
          <Trans
            t={t}
            i18nKey="console.consultations.preview.recover"
            components={{ amount: money(p.reverseTransfer) }}
          />
        </Alert>
      ) : null}
      {p.ledger.map((entry, index) => (
        <LedgerPreview key={`${entry.kind}:${index}`} entry={entry} />
      ))}
    </Stack>
  );
}

/** One ledger entry a refund would post: its kind and its debit and credit lines. */
export function LedgerPreview({
  entry,
}: {
  entry: { kind: string; lines: readonly { account: string; amount: number; currency: string }[] };
}) {
  const t = useT();
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed">
        {t("console.unappliedCharge.posts")} <Code>{entry.kind}</Code>
      </Text>
      <ScrollTable
        minWidth={320}
        label={t("console.consultations.preview.entry", { kind: entry.kind })}
      >
        <Table
          verticalSpacing={1}
          fz="xs"
          aria-label={t("console.consultations.preview.entry", { kind: entry.kind })}
        >
          <Table.Tbody>
            {entry.lines.map((line, i) => (
              <Table.Tr key={`${line.account}:${i}`}>
                <Table.Td>
                  <AccountName account={line.account} />
                </Table.Td>
                <Table.Td ta="end">
                  {line.amount > 0 ? (
                    <Trans
                      t={t}
                      i18nKey="console.consultations.preview.debit"
                      components={{
                        amount: <Money amount={line.amount} currency={line.currency} />,
                      }}
                    />
                  ) : null}
                </Table.Td>
                <Table.Td ta="end">
                  {line.amount < 0 ? (
                    <Trans
                      t={t}
                      i18nKey="console.consultations.preview.credit"
                      components={{
                        amount: <Money amount={-line.amount} currency={line.currency} />,
                      }}
                    />
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
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
  const isolate = useIsolate();
  const [amount, setAmount] = useState<number | null>(initialMinor);
  const [debouncedAmount] = useDebouncedValue(amount, PREVIEW_DEBOUNCE_MS);
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const amountError =
    amount === null
      ? undefined
      : amount > maxMinor
        ? t("console.money.atMost", {
            max: isolate(formatMoney(maxMinor, currency, locale)),
            amount: isolate(formatMoney(amount, currency, locale)),
          })
        : !allowZero && amount === 0
          ? t("console.consultations.preview.moreThanZero")
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
        <Group justify="flex-end" wrap="wrap">
          <Button variant="default" onClick={onClose} disabled={pending}>
            {t("console.unappliedCharge.cancel")}
          </Button>
          <Button type="submit" color={color} loading={pending} disabled={!valid}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
