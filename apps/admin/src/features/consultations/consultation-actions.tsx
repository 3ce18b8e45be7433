import { Button, Group, Modal, SegmentedControl, Stack, Text } from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import type { PartyRole } from "@an/domain";
import { type ReactNode, useState } from "react";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { ReasonModal } from "../../components/reason-modal";
import {
  type Detail,
  Failure,
  REASON_MAX,
  type Settled,
  settledMessage,
  type UnappliedCharge,
  useAfterDecision,
} from "./decision-parts";
import { AmountReasonForm, RefundPreview } from "./refund-preview";
import { UnappliedChargeRefund } from "./unapplied-charge-refund";

type Dialog = "refund" | "dispute" | "no_show_upheld" | "no_show_rejected" | "mark_no_show" | null;

/**
 * The admin's decisions on one consultation, each behind a dialog that asks for a reason
 * (kept on the timeline and in the audit log). Only the decisions the API's `actions` says
 * the machine accepts now are offered; the API still has the last word when one is sent,
 * and its refusal is shown in the dialog.
 */
export function ConsultationActions({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const locale = useLocale();
  const afterDecision = useAfterDecision();
  const t = useT();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [chargeToRefund, setChargeToRefund] = useState<UnappliedCharge | null>(null);
  const [absent, setAbsent] = useState<PartyRole>("advisor");
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

  const allowed = detail.actions;
  const reportedSide = c.status === "no_show_client" ? "client" : "advisor";
  const actions: ReactNode[] = [];
  if (allowed.refund) {
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
  if (allowed.resolveDispute) {
    actions.push(
      <Button key="dispute" color="red" onClick={() => open("dispute")}>
        Resolve dispute
      </Button>,
    );
  }
  if (allowed.resolveNoShow) {
    actions.push(
      <Button key="upheld" color="orange" onClick={() => open("no_show_upheld")}>
        Uphold no-show
      </Button>,
      <Button key="rejected" variant="default" onClick={() => open("no_show_rejected")}>
        Reject no-show
      </Button>,
    );
  }
  if (allowed.markNoShow) {
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
