import type { Translator } from "@an/domain";
import { Alert, Text, Textarea } from "@mantine/core";
import { consultationStatusLabel } from "./consultation-status";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { createQuietQueryClient } from "../../lib/query-client";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";

export type Detail = RouterOutputs["consultations"]["getForAdmin"];
export type Settled = RouterOutputs["consultations"]["refund"];
export type UnappliedCharge = Detail["unappliedCharges"][number];

/** The API's longest decision reason. */
export const REASON_MAX = 2000;
export const PREVIEW_DEBOUNCE_MS = 250;

/**
 * Previews live in their own cache: a refused amount is an answer shown beside the field,
 * not a failure for the console's global error notifications.
 */
export const previewQueryClient = createQuietQueryClient({ gcTime: 60_000 });

/** Refetches everything an admin decision can change. */
export function useAfterDecision() {
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

/**
 * What a decision did, for its notification: `done` (already translated, e.g. "Refund
 * recorded."), the status it led to and what goes back to the client. `isolate` keeps the
 * amount in its own direction inside right-to-left text.
 */
export function settledMessage(
  done: string,
  result: Settled,
  { t, locale, isolate }: { t: Translator; locale: ConsoleLocale; isolate: (s: string) => string },
): string {
  if (!result.applied) return t("console.consultations.decisions.alreadyDone");
  const status = consultationStatusLabel(result.status, t);
  return result.refunded > 0
    ? t("console.consultations.decisions.settledRefund", {
        done,
        status,
        amount: isolate(formatMoney(result.refunded, result.currency, locale)),
      })
    : t("console.consultations.decisions.settled", { done, status });
}

/** The API's error for a failed decision, in the operator's language. */
export function Failure({ error, title }: { error: unknown; title: string }) {
  const t = useT();
  if (!error) return null;
  const failure = describeError(error);
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{failure.message}</Text>
      {failure.requestId ? (
        <Text size="xs" c="dimmed">
          {t("console.unappliedCharge.requestId", { id: failure.requestId })}
        </Text>
      ) : null}
    </Alert>
  );
}

/** A required reason field (trimmed length checked like `ReasonModal`'s). */
export function ReasonField({
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
  const t = useT();
  return (
    <Textarea
      label={t("console.consultations.decisions.reason")}
      description={description}
      required
      autosize
      minRows={3}
      maxLength={REASON_MAX}
      value={value}
      onChange={(event) => onChange(event.currentTarget.value)}
      error={
        touched && value.trim().length < MIN_REASON_LENGTH
          ? t("console.unappliedCharge.reasonTooShort", { min: MIN_REASON_LENGTH })
          : undefined
      }
    />
  );
}
