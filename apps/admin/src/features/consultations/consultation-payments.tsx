import { Anchor, Badge, Table, Text } from "@mantine/core";
import { Nothing, Section } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";

/** The checkout sessions, with the charges the consultation didn't accept marked. */
export function Payments({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const t = useT();
  const unapplied = new Set(detail.unappliedCharges.map((c) => c.paymentId));
  return (
    <Section title="Payments">
      {detail.payments.length === 0 ? (
        <Nothing>No checkout session yet.</Nothing>
      ) : (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing={4} fz="sm" aria-label="Payment sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="end">Amount</Table.Th>
                <Table.Th ta="end">Processing fee</Table.Th>
                <Table.Th>Session / charge</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Paid</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.payments.map((p) => (
                <Table.Tr key={p.id} data-payment-status={p.status}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(p.createdAt, locale)}
                  </Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={p.status === "paid" ? "teal" : p.status === "open" ? "blue" : "gray"}
                    >
                      {p.status}
                    </Badge>
                    {unapplied.has(p.id) ? (
                      <Badge
                        variant="light"
                        color="red"
                        ms={4}
                        title={t("console.unappliedCharge.badgeTitle")}
                      >
                        {t("console.unappliedCharge.badge")}
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td ta="end">{formatMoney(p.amount, p.currency, locale)}</Table.Td>
                  <Table.Td ta="end">{formatMoney(p.processingFee, p.currency, locale)}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                      {p.url && p.status === "open" ? (
                        <Anchor href={p.url} target="_blank" rel="noopener noreferrer" size="xs">
                          {p.providerSessionId ?? "checkout"}
                        </Anchor>
                      ) : (
                        (p.providerSessionId ?? "—")
                      )}
                    </Text>
                    {p.chargeId ? (
                      <Text size="xs" ff="monospace" c="dimmed">
                        {p.chargeId}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(p.expiresAt, locale)}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(p.paidAt, locale)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}

/** The refund rows and where each stands at the provider. */
export function Refunds({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  return (
    <Section title="Refunds">
      {detail.refunds.length === 0 ? (
        <Nothing>No refunds.</Nothing>
      ) : (
        <Table.ScrollContainer minWidth={800}>
          <Table verticalSpacing={4} fz="sm" aria-label="Refund rows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Requested</Table.Th>
                <Table.Th ta="end">Amount</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Reason</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Provider refund</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.refunds.map((r) => (
                <Table.Tr key={r.id} data-refund-status={r.status}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(r.createdAt, locale)}
                  </Table.Td>
                  <Table.Td ta="end">{formatMoney(r.amount, r.currency, locale)}</Table.Td>
                  <Table.Td>
                    <Badge
                      variant="light"
                      color={
                        r.status === "succeeded" ? "teal" : r.status === "failed" ? "red" : "yellow"
                      }
                    >
                      {r.status}
                    </Badge>
                    {r.failureMessage ? (
                      <Text size="xs" c="red">
                        {r.failureMessage}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td maw={320}>
                    <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                      {r.reason}
                    </Text>
                  </Table.Td>
                  <Table.Td>{r.requestedBy ?? "system"}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {r.providerRefundId ?? "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Section>
  );
}
