import { Button, Group, Loader, SimpleGrid, Stack, Text, Textarea } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { consultationStatusLabel } from "./consultation-status";
import { useIsolate } from "./consultation-detail-parts";
import { LedgerPreview } from "./refund-preview";
import { Money } from "../../components/formatted";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";
import {
  type Detail,
  Failure,
  previewQueryClient,
  REASON_MAX,
  type UnappliedCharge,
  useAfterDecision,
} from "./decision-parts";

/**
 * Refunding a charge the consultation never accepted (not the quote's amount or currency):
 * always the whole charge, in the currency charged, previewed by the API before it is
 * confirmed. The consultation's own status and money are untouched.
 */
export function UnappliedChargeRefund({
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
  const isolate = useIsolate();
  const afterDecision = useAfterDecision();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const c = detail.consultation;
  const input = { consultationId: c.id, paymentId: charge.paymentId, amount: charge.outstanding };
  const amount = isolate(formatMoney(charge.outstanding, charge.currency, locale));
  const preview = useQuery(
    trpc.consultations.previewRefund.queryOptions(input),
    previewQueryClient,
  );
  const refund = useMutation(
    trpc.consultations.refund.mutationOptions({
      onSuccess: async (result) => {
        await afterDecision();
        onClose();
        notifySuccess(
          t("console.unappliedCharge.done", {
            amount: isolate(formatMoney(result.refunded, result.currency, locale)),
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
  return (
    <form onSubmit={submit}>
      <Stack>
        <Text size="sm">
          {t("console.unappliedCharge.explanation", {
            amount,
            quote: isolate(formatMoney(c.price, c.currency, locale)),
            status: consultationStatusLabel(c.status, t),
          })}
        </Text>
        {preview.isPending ? (
          <Loader size="sm" aria-label={t("console.unappliedCharge.previewLoading")} />
        ) : preview.isError ? (
          <Failure error={preview.error} title={t("console.unappliedCharge.previewRefused")} />
        ) : (
          <Stack gap="xs" role="group" aria-label={t("console.unappliedCharge.previewLabel")}>
            <SimpleGrid cols={2} spacing={4}>
              <Text size="sm">{t("console.unappliedCharge.charged")}</Text>
              <Text size="sm">
                <Money amount={charge.amount} currency={charge.currency} />
              </Text>
              <Text size="sm">{t("console.unappliedCharge.backToClient")}</Text>
              <Text size="sm" fw={600} data-testid="charge-refund-amount">
                <Money amount={preview.data.refund} currency={preview.data.currency} />
              </Text>
            </SimpleGrid>
            {preview.data.ledger.map((entry, index) => (
              <LedgerPreview key={`${entry.kind}:${index}`} entry={entry} />
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
        <Group justify="flex-end" wrap="wrap">
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
