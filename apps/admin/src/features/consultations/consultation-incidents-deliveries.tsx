import { Anchor, Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { Nothing, Section } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { providerLabel, WebhookStatusBadge } from "../webhooks/webhook-status";
import { formatDateTime } from "../../lib/format";
import type { ConsoleLocale } from "../../lib/session";

/** The security incidents raised about this consultation. */
export function Incidents({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
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

/** The provider deliveries about this consultation, each linked to its webhook event. */
export function WebhookDeliveries({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
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
