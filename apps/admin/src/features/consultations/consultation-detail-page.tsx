import {
  Alert,
  Anchor,
  Badge,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { AuditTrail } from "../../components/audit-trail";
import { ConsultationActions } from "./consultation-actions";
import { ConsultationStatusBadge } from "./consultation-status-badge";
import { ConsultationTimeline } from "./consultation-timeline";
import { LedgerEntries } from "../ledger/ledger-entries";
import { providerLabel, WebhookStatusBadge } from "../webhooks/webhook-status";
import { consultationStatusLabel } from "./consultation-status";
import { formatDateTime, formatMoney, fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { DetailStates } from "../../components/list-states";

type Detail = RouterOutputs["consultations"]["getForAdmin"];

/** How often the page refreshes: webhooks and timers change a consultation behind our back. */
const REFRESH_MS = 10_000;

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant in a given IANA zone, e.g. "Nov 1, 2026, 10:00 AM"; "—" when absent. */
export function formatInZone(
  value: string | null | undefined,
  locale: ConsoleLocale,
  timeZone: string,
): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone,
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** An instant in the admin's zone, with UTC (and optionally another zone) beneath. */
function Instant({
  value,
  locale,
  otherZone,
  testId,
}: {
  value: string | null;
  locale: ConsoleLocale;
  otherZone?: { label: string; zone: string };
  testId?: string;
}) {
  if (!value) return <Text size="sm">—</Text>;
  return (
    <Stack gap={0}>
      <Text size="sm" data-testid={testId}>
        {formatDateTime(value, locale)}{" "}
        <Text span size="xs" c="dimmed">
          ({BROWSER_ZONE})
        </Text>
      </Text>
      <Text size="xs" c="dimmed">
        {formatInZone(value, locale, "UTC")} UTC
      </Text>
      {otherZone && otherZone.zone !== BROWSER_ZONE ? (
        <Text size="xs" c="dimmed">
          {formatInZone(value, locale, otherZone.zone)} {otherZone.label} ({otherZone.zone})
        </Text>
      ) : null}
    </Stack>
  );
}

function PartiesCard({ detail }: { detail: Detail }) {
  const { client, advisor } = detail;
  return (
    <Card withBorder padding="md" component="section" aria-label="Parties">
      <Stack gap="sm">
        <Title order={4}>Parties</Title>
        <Field label="Client">
          <Text size="sm" fw={500} data-testid="client-name">
            {fullName(client)}
          </Text>
          <Text size="xs" c="dimmed">
            {client.email ?? "no email"} · {client.id}
          </Text>
          <Text size="xs" c="dimmed">
            {client.locale} · {client.timeZone}
          </Text>
          <Anchor
            component={Link}
            to={`/consultations?client=${encodeURIComponent(client.id)}`}
            size="xs"
          >
            Their other consultations
          </Anchor>
        </Field>
        <Field label="Advisor">
          <Text size="sm" fw={500} data-testid="advisor-name">
            {advisor.displayName}
          </Text>
          <Text size="xs" c="dimmed">
            {advisor.email ?? "no email"} · {advisor.id}
          </Text>
          <Anchor
            component={Link}
            to={`/consultations?advisor=${encodeURIComponent(advisor.id)}`}
            size="xs"
          >
            Their other consultations
          </Anchor>
        </Field>
        {detail.consultation.project ? (
          <Field label="Project">
            <Text size="sm">{detail.consultation.project}</Text>
          </Field>
        ) : null}
      </Stack>
    </Card>
  );
}

function TimesCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const c = detail.consultation;
  const clientZone = { label: "client", zone: detail.client.timeZone };
  return (
    <Card withBorder padding="md" component="section" aria-label="Times">
      <Stack gap="sm">
        <Title order={4}>Times</Title>
        <Field label={`Starts · ${c.durationMinutes} min`}>
          <Instant value={c.startsAt} locale={locale} otherZone={clientZone} testId="starts-at" />
        </Field>
        <Field label="Ends">
          <Instant value={c.endsAt} locale={locale} otherZone={clientZone} />
        </Field>
        {c.status === "awaiting_payment" ? (
          <Field label="Payment due by">
            <Instant value={c.paymentExpiresAt} locale={locale} />
          </Field>
        ) : null}
        {c.completedAt ? (
          <Field label="Completed">
            <Instant value={c.completedAt} locale={locale} />
          </Field>
        ) : null}
        <Field label={`Hold window · ${c.holdWindowHours} h after the end`}>
          {c.holdEndsAt ? (
            <Instant value={c.holdEndsAt} locale={locale} />
          ) : (
            <Text size="sm" c="dimmed">
              Opens when the meeting is completed.
            </Text>
          )}
        </Field>
      </Stack>
    </Card>
  );
}

function MoneyCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const c = detail.consultation;
  const money = (minor: number) => formatMoney(minor, c.currency, locale);
  return (
    <Card withBorder padding="md" component="section" aria-label="Money">
      <Stack gap="sm">
        <Title order={4}>Money</Title>
        <Table verticalSpacing={2} fz="sm" aria-label="Quote split">
          <Table.Thead>
            <Table.Tr>
              <Table.Th />
              <Table.Th ta="end">Quote</Table.Th>
              <Table.Th ta="end">Refundable</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Price paid by the client</Table.Td>
              <Table.Td ta="end" data-testid="quote-price">
                {money(c.price)}
              </Table.Td>
              <Table.Td ta="end" data-testid="refundable-price">
                {money(c.refundablePrice)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Platform fee</Table.Td>
              <Table.Td ta="end">{money(c.platformFee)}</Table.Td>
              <Table.Td ta="end">{money(c.refundableFee)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Advisor&apos;s share</Table.Td>
              <Table.Td ta="end">{money(c.advisorShare)}</Table.Td>
              <Table.Td ta="end">{money(c.refundableShare)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          {money(c.hourlyRate)} an hour
          {c.quoteRules
            ? ` · pricing ${c.quoteRules.pricing} · commission ${c.quoteRules.commission}`
            : ""}
          {" · "}
          {detail.refundable ? "refundable in this status" : "not refundable in this status"}
        </Text>
        <Field label={`Refund policy ${c.refundPolicy.version}`}>
          <Stack gap={0}>
            {c.refundPolicy.tiers.map((tier) => (
              <Text key={tier.minHoursBefore} size="xs">
                Cancelled ≥ {tier.minHoursBefore} h before: {tier.refundBps / 100} % back
              </Text>
            ))}
          </Stack>
        </Field>
        {c.dispute ? (
          <Alert
            color="red"
            title={c.dispute.kind === "chargeback" ? "Chargeback" : "Client dispute"}
          >
            {money(c.dispute.amount)} in dispute; resumes as{" "}
            {consultationStatusLabel(c.dispute.resumeStatus)} if the platform wins.
          </Alert>
        ) : null}
        <Text size="xs" c="dimmed">
          Booking uid <Code fz="xs">{c.bookingUid ?? "—"}</Code>
          {c.transferId ? (
            <>
              {" · "}transfer <Code fz="xs">{c.transferId}</Code>
            </>
          ) : null}
        </Text>
      </Stack>
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={4}>{title}</Title>
      {children}
    </Stack>
  );
}

function Nothing({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}

function Payments({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
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

function Refunds({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
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

function Incidents({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const id = detail.consultation.id;
  return (
    <Section title="Security incidents">
      {detail.incidents.length === 0 ? (
        <Nothing>None.</Nothing>
      ) : (
        <Stack gap={4}>
          {detail.incidents.map((incident) => (
            <Group key={incident.id} gap="xs" wrap="nowrap" align="flex-start">
              <Badge color={incident.resolvedAt ? "gray" : "red"} variant="light">
                {incident.resolvedAt ? "resolved" : "open"}
              </Badge>
              <Code fz="xs">{incident.kind}</Code>
              <Text size="sm">
                {incident.message}{" "}
                <Text span size="xs" c="dimmed">
                  {formatDateTime(incident.createdAt, locale)}
                </Text>
              </Text>
            </Group>
          ))}
          <Anchor component={Link} to={`/incidents?consultation=${id}`} size="sm">
            Review on the incidents page
          </Anchor>
        </Stack>
      )}
    </Section>
  );
}

function WebhookDeliveries({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const id = detail.consultation.id;
  return (
    <Section title="Webhook deliveries">
      {detail.webhookEvents.length === 0 ? (
        <Nothing>None about this consultation.</Nothing>
      ) : (
        <>
          <Table.ScrollContainer minWidth={800}>
            <Table verticalSpacing={4} fz="sm" aria-label="Webhook deliveries">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Received</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Outcome</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.webhookEvents.map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <Anchor component={Link} to={`/webhook-events?event=${event.id}`} size="sm">
                        {formatDateTime(event.receivedAt, locale)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{providerLabel(event.provider)}</Table.Td>
                    <Table.Td>
                      <Code>{event.eventType}</Code>
                    </Table.Td>
                    <Table.Td>
                      <WebhookStatusBadge status={event.status} />
                    </Table.Td>
                    <Table.Td maw={360}>
                      <Text size="xs" lineClamp={2}>
                        {event.outcome ?? "—"}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Anchor component={Link} to={`/webhook-events?consultation=${id}`} size="sm">
            All deliveries about this consultation
          </Anchor>
        </>
      )}
    </Section>
  );
}

/** One consultation with everything an admin needs to understand and decide on it. */
export function ConsultationDetailPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const detail = useQuery(
    trpc.consultations.getForAdmin.queryOptions(
      { consultationId: id },
      { refetchInterval: REFRESH_MS },
    ),
  );

  if (detail.isPending || detail.isError) {
    return (
      <DetailStates
        query={detail}
        noun="consultation"
        back={{ to: "/consultations", label: "Consultations" }}
      />
    );
  }

  const d = detail.data;
  const c = d.consultation;
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to="/consultations" size="sm">
        ← Consultations
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>Consultation</Title>
            <ConsultationStatusBadge status={c.status} size="lg" testId="consultation-status" />
            {d.needsAttention ? (
              <Badge color="red" variant="filled">
                Needs attention
              </Badge>
            ) : null}
          </Group>
          <Text size="sm" c="dimmed">
            {fullName(d.client)} with {d.advisor.displayName} ·{" "}
            {formatMoney(c.price, c.currency, locale)} · <Code fz="xs">{c.id}</Code>
          </Text>
        </Stack>
        <ConsultationActions detail={d} />
      </Group>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <PartiesCard detail={d} />
        <TimesCard detail={d} locale={locale} />
        <MoneyCard detail={d} locale={locale} />
      </SimpleGrid>
      <ConsultationTimeline timeline={d.timeline} />
      <LedgerEntries entries={d.ledger} />
      <Payments detail={d} locale={locale} />
      <Refunds detail={d} locale={locale} />
      <Incidents detail={d} locale={locale} />
      <WebhookDeliveries detail={d} locale={locale} />
      <AuditTrail audit={d.audit} />
    </Stack>
  );
}
