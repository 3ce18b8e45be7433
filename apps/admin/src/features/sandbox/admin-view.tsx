import { Anchor, Group, Stack, Text } from "@mantine/core";
import { Link } from "react-router";
import type { AdminDetail } from "./sandbox-api";
import { ConsultationActions } from "../consultations/consultation-actions";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { ConsultationTimeline } from "../consultations/consultation-timeline";
import { Sentence } from "./sentence";
import { LedgerEntries } from "../ledger/ledger-entries";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";

/** The same consultation as the admin sees it: status, timeline, ledger, live. */
export function AdminView({ detail }: { detail: AdminDetail }) {
  const locale = useLocale();
  const t = useT();
  const c = detail.consultation;
  const held = detail.ledger
    .flatMap((e) => e.postings)
    .filter((p) => p.account === `client_funds_held:${c.id}`)
    .reduce((sum, p) => sum - p.amount, 0);
  // What the client actually paid, from the payment rows: the price is only what is due.
  const paid = detail.payments
    .filter((p) => p.status === "paid")
    .reduce((sum, p) => sum + p.amount, 0);
  return (
    <Stack gap="md" data-testid="sandbox-admin-view">
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs" wrap="wrap">
          <Text size="sm">{t("console.sandbox.admin.status")}</Text>
          <ConsultationStatusBadge status={c.status} testId="sandbox-admin-status" />
        </Group>
        <Anchor component={Link} to={`/consultations/${c.id}`} size="sm">
          {t("console.sandbox.admin.openInConsole")}
        </Anchor>
      </Group>
      <Text size="sm">
        <span data-testid="sandbox-paid" data-paid={paid}>
          {paid > 0 ? (
            <Sentence
              k="console.sandbox.paid"
              values={{ amount: formatMoney(paid, c.currency, locale) }}
            />
          ) : (
            <Sentence
              k="console.sandbox.notPaid"
              values={{ price: formatMoney(c.price, c.currency, locale) }}
            />
          )}
        </span>{" "}
        ·{" "}
        <Sentence
          k="console.sandbox.refundable"
          values={{ amount: formatMoney(c.refundablePrice, c.currency, locale) }}
        />{" "}
        · {t("console.sandbox.heldNow")}{" "}
        <bdi data-testid="sandbox-held">{formatMoney(held, c.currency, locale)}</bdi>
      </Text>
      <Stack gap={4} component="section" aria-label={t("console.sandbox.adminDecisions")}>
        <Text size="sm" fw={500}>
          {t("console.sandbox.adminDecisions")}
        </Text>
        <ConsultationActions detail={detail} />
        {detail.actions.refund ? (
          <Text size="xs" c="dimmed">
            {t("console.sandbox.refundHint")}
          </Text>
        ) : null}
      </Stack>
      <ConsultationTimeline timeline={detail.timeline} compact />
      <LedgerEntries entries={detail.ledger} />
    </Stack>
  );
}
