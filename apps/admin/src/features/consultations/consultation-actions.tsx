import { Button, Group, Modal, SegmentedControl, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
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
import { useIsolate } from "./consultation-detail-parts";
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
  const isolate = useIsolate();
  const isPhone = useMediaQuery("(max-width: 36em)") ?? false;
  const [dialog, setDialog] = useState<Dialog>(null);
  const [chargeToRefund, setChargeToRefund] = useState<UnappliedCharge | null>(null);
  const [absent, setAbsent] = useState<PartyRole>("advisor");
  const c = detail.consultation;
  const consultationId = c.id;

  const onSettled = (done: string) => async (result: Settled) => {
    await afterDecision();
    setDialog(null);
    notifySuccess(settledMessage(done, result, { t, locale, isolate }));
  };
  const refund = useMutation(
    trpc.consultations.refund.mutationOptions({
      onSuccess: onSettled(t("console.consultations.decisions.refundDone")),
    }),
  );
  const resolveDispute = useMutation(
    trpc.consultations.resolveDispute.mutationOptions({
      onSuccess: onSettled(t("console.consultations.decisions.disputeDone")),
    }),
  );
  const resolveNoShow = useMutation(
    trpc.consultations.resolveNoShow.mutationOptions({
      onSuccess: onSettled(t("console.consultations.decisions.noShowDecided")),
    }),
  );
  const markNoShow = useMutation(
    trpc.consultations.markNoShow.mutationOptions({
      onSuccess: onSettled(t("console.consultations.decisions.noShowMarked")),
    }),
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
        {t("console.consultations.decisions.refund")}
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
          amount: isolate(formatMoney(charge.outstanding, charge.currency, locale)),
        })}
      </Button>,
    );
  }
  if (allowed.resolveDispute) {
    actions.push(
      <Button key="dispute" color="red" onClick={() => open("dispute")}>
        {t("console.consultations.decisions.resolveDispute")}
      </Button>,
    );
  }
  if (allowed.resolveNoShow) {
    actions.push(
      <Button key="upheld" color="orange" onClick={() => open("no_show_upheld")}>
        {t("console.consultations.decisions.upholdNoShow")}
      </Button>,
      <Button key="rejected" variant="default" onClick={() => open("no_show_rejected")}>
        {t("console.consultations.decisions.rejectNoShow")}
      </Button>,
    );
  }
  if (allowed.markNoShow) {
    actions.push(
      <Button key="mark" variant="default" onClick={() => open("mark_no_show")}>
        {t("console.consultations.decisions.markNoShow")}
      </Button>,
    );
  }

  return (
    <>
      <Group
        gap="xs"
        wrap="wrap"
        role="group"
        aria-label={t("console.consultations.decisions.title")}
      >
        {actions.length > 0 ? (
          actions
        ) : (
          <Text size="sm" c="dimmed">
            {t("console.consultations.decisions.none")}
          </Text>
        )}
      </Group>

      <Modal
        opened={dialog === "refund"}
        onClose={close}
        title={t("console.consultations.decisions.refund")}
        centered
        size="lg"
        fullScreen={isPhone}
      >
        {dialog === "refund" ? (
          <AmountReasonForm
            currency={c.currency}
            initialMinor={c.refundablePrice}
            maxMinor={c.refundablePrice}
            amountLabel={t("console.consultations.decisions.amountToRefund")}
            amountDescription={t("console.consultations.decisions.refundUpTo", {
              amount: isolate(formatMoney(c.refundablePrice, c.currency, locale)),
            })}
            allowZero={false}
            reasonDescription={t("console.consultations.decisions.keptOnTimeline")}
            confirmLabel={t("console.consultations.decisions.refund")}
            color="grape"
            pending={refund.isPending}
            error={refund.error}
            errorTitle={t("console.unappliedCharge.refused")}
            preview={(amount) => <RefundPreview consultationId={consultationId} amount={amount} />}
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
        fullScreen={isPhone}
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
        title={t("console.consultations.decisions.resolveDispute")}
        centered
        size="lg"
        fullScreen={isPhone}
      >
        {dialog === "dispute" ? (
          <AmountReasonForm
            currency={c.currency}
            initialMinor={0}
            maxMinor={c.refundablePrice}
            amountLabel={t("console.consultations.decisions.refundToClient")}
            amountDescription={t("console.consultations.decisions.disputeHint")}
            allowZero
            reasonDescription={t("console.consultations.decisions.sentToParties")}
            confirmLabel={t("console.consultations.decisions.resolveDispute")}
            color="red"
            pending={resolveDispute.isPending}
            error={resolveDispute.error}
            errorTitle={t("console.consultations.decisions.disputeFailed")}
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
          dialog === "no_show_upheld"
            ? t("console.consultations.decisions.upholdTitle")
            : t("console.consultations.decisions.rejectTitle")
        }
        label={t("console.consultations.decisions.reason")}
        description={t("console.consultations.decisions.keptOnTimeline")}
        confirmLabel={
          dialog === "no_show_upheld"
            ? t("console.consultations.decisions.uphold")
            : t("console.consultations.decisions.reject")
        }
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
              ? t("console.consultations.decisions.advisorAbsent")
              : t("console.consultations.decisions.clientAbsent")
            : t("console.consultations.decisions.reportWrong")}
        </Text>
        <Failure
          error={resolveNoShow.error}
          title={t("console.consultations.decisions.decisionRefused")}
        />
      </ReasonModal>

      <ReasonModal
        opened={dialog === "mark_no_show"}
        title={t("console.consultations.decisions.markNoShow")}
        label={t("console.consultations.decisions.reason")}
        description={t("console.consultations.decisions.markHint")}
        confirmLabel={t("console.consultations.decisions.markNoShow")}
        maxLength={REASON_MAX}
        pending={markNoShow.isPending}
        onConfirm={(reason) => markNoShow.mutate({ consultationId, absent, reason })}
        onClose={close}
      >
        <Stack gap="xs">
          <Text size="sm">{t("console.consultations.decisions.whoAbsent")}</Text>
          <SegmentedControl
            aria-label={t("console.consultations.decisions.absentParty")}
            value={absent}
            onChange={(value) => setAbsent(value === "client" ? "client" : "advisor")}
            data={[
              { value: "advisor", label: t("console.consultations.decisions.theAdvisor") },
              { value: "client", label: t("console.consultations.decisions.theClient") },
            ]}
          />
        </Stack>
        <Failure error={markNoShow.error} title={t("console.consultations.decisions.markFailed")} />
      </ReasonModal>
    </>
  );
}
