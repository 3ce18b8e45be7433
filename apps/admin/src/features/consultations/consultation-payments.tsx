import type { PaymentStatus, RefundStatus } from "@an/domain";
import { Anchor, Group, type MantineColor, Table, Text } from "@mantine/core";
import { ScrollTable } from "../../components/scroll-table";
import { Nothing, Section } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { Data, DateTime, Money } from "../../components/formatted";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";

const PAYMENT_COLORS: Record<PaymentStatus, MantineColor> = {
  open: "blue",
  paid: "teal",
  failed: "gray",
  expired: "gray",
};

const REFUND_COLORS: Record<RefundStatus, MantineColor> = {
  pending: "yellow",
  succeeded: "teal",
  failed: "red",
};

/** The checkout sessions, with the charges the consultation didn't accept marked. */
export function Payments({ detail }: { detail: Detail }) {
  const t = useT();
  const unapplied = new Set(detail.unappliedCharges.map((c) => c.paymentId));
  return (
    <Section title={t("console.consultations.payments.title")}>
      {detail.payments.length === 0 ? (
        <Nothing>{t("console.consultations.payments.none")}</Nothing>
      ) : (
        <ScrollTable minWidth={900} label={t("console.consultations.payments.sessions")}>
          <Table
            verticalSpacing={4}
            fz="sm"
            aria-label={t("console.consultations.payments.sessions")}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.consultations.payments.created")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.status")}</Table.Th>
                <Table.Th ta="end">{t("console.consultations.payments.amount")}</Table.Th>
                <Table.Th ta="end">{t("console.consultations.payments.processingFee")}</Table.Th>
                <Table.Th>{t("console.consultations.payments.session")}</Table.Th>
                <Table.Th>{t("console.consultations.payments.expires")}</Table.Th>
                <Table.Th>{t("console.consultations.payments.paid")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.payments.map((p) => (
                <Table.Tr key={p.id} data-payment-status={p.status}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={p.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="wrap">
                      <StatusBadge
                        label={t(`console.consultations.paymentStatus.${p.status}`)}
                        color={PAYMENT_COLORS[p.status]}
                        data={{ "data-status": p.status }}
                      />
                      {unapplied.has(p.id) ? (
                        <StatusBadge
                          label={t("console.unappliedCharge.badge")}
                          color="red"
                          meaning={t("console.unappliedCharge.badgeTitle")}
                          data={{ "data-status": "unapplied" }}
                        />
                      ) : null}
                    </Group>
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={p.amount} currency={p.currency} />
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={p.processingFee} currency={p.currency} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                      {p.url && p.status === "open" ? (
                        <Anchor href={p.url} target="_blank" rel="noopener noreferrer" size="xs">
                          {p.providerSessionId ? (
                            <Data>{p.providerSessionId}</Data>
                          ) : (
                            t("console.consultations.payments.checkout")
                          )}
                        </Anchor>
                      ) : (
                        <Data>{p.providerSessionId ?? "—"}</Data>
                      )}
                    </Text>
                    {p.chargeId ? (
                      <Text
                        size="xs"
                        ff="monospace"
                        c="dimmed"
                        style={{ overflowWrap: "anywhere" }}
                      >
                        <Data>{p.chargeId}</Data>
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={p.expiresAt} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={p.paidAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Section>
  );
}

/** The refund rows and where each stands at the provider. */
export function Refunds({ detail }: { detail: Detail }) {
  const t = useT();
  return (
    <Section title={t("console.consultations.refunds.title")}>
      {detail.refunds.length === 0 ? (
        <Nothing>{t("console.consultations.refunds.none")}</Nothing>
      ) : (
        <ScrollTable minWidth={800} label={t("console.consultations.refunds.rows")}>
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.consultations.refunds.rows")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.consultations.refunds.requested")}</Table.Th>
                <Table.Th ta="end">{t("console.consultations.payments.amount")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.status")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.reason")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.by")}</Table.Th>
                <Table.Th>{t("console.consultations.refunds.providerRefund")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.refunds.map((r) => (
                <Table.Tr key={r.id} data-refund-status={r.status}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={r.createdAt} />
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={r.amount} currency={r.currency} />
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge
                      label={t(`console.consultations.refundStatus.${r.status}`)}
                      color={REFUND_COLORS[r.status]}
                      data={{ "data-status": r.status }}
                    />
                    {r.failureMessage ? (
                      <Text size="xs" c="red.9" style={{ overflowWrap: "anywhere" }}>
                        <Data>{r.failureMessage}</Data>
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td maw={320}>
                    <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                      <Data>{r.reason}</Data>
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    {r.requestedBy ? (
                      <Data>{r.requestedBy}</Data>
                    ) : (
                      t("console.consultations.actor.system")
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                      <Data>{r.providerRefundId ?? "—"}</Data>
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Section>
  );
}
