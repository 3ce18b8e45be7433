import { Alert, Anchor, Card, Code, Stack, Table, Text, Title } from "@mantine/core";
import { Link } from "react-router";
import { consultationStatusLabel } from "./consultation-status";
import { Field, Instant } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { formatMoney, fullName } from "../../lib/format";
import type { ConsoleLocale } from "../../lib/session";

/** The client and the advisor, with links to their other consultations. */
export function PartiesCard({ detail }: { detail: Detail }) {
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

/** Start, end, payment deadline, completion and hold window, in the admin's zone and UTC. */
export function TimesCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const c = detail.consultation;
  // A client whose zone is still unknown gets no second clock rather than a guessed one.
  const clientZone = detail.client.timeZone
    ? { label: "client", zone: detail.client.timeZone }
    : undefined;
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

/** The quote split against what is still refundable, the refund policy and any dispute. */
export function MoneyCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
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
