import { Anchor, Badge, Code, Group, Stack, Table, Text } from "@mantine/core";
import { Link } from "react-router";
import { ScrollTable } from "../../components/scroll-table";
import { Nothing, Section } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { INCIDENT_KIND_KEYS } from "../incidents/incidents-page";
import { providerLabel, WebhookStatusBadge } from "../webhooks/webhook-status";
import { Data, DateTime } from "../../components/formatted";
import { useT } from "../../lib/i18n";

/** The security incidents raised about this consultation. */
export function Incidents({ detail }: { detail: Detail }) {
  const t = useT();
  const id = detail.consultation.id;
  return (
    <Section title={t("console.nav.incidents")}>
      {detail.incidents.length === 0 ? (
        <Nothing>{t("console.consultations.incidents.none")}</Nothing>
      ) : (
        <Stack gap={4}>
          {detail.incidents.map((incident) => (
            <Group key={incident.id} gap="xs" wrap="wrap" align="flex-start">
              <Badge
                color={incident.resolvedAt ? "gray" : "red"}
                variant="light"
                data-status={incident.resolvedAt ? "resolved" : "open"}
              >
                {incident.resolvedAt
                  ? t("console.incidents.resolvedBadge")
                  : t("console.incidents.openBadge")}
              </Badge>
              <Text size="sm" fw={500}>
                {t(INCIDENT_KIND_KEYS[incident.kind])}
              </Text>
              <Code fz="xs">{incident.kind}</Code>
              <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                <Data>{incident.message}</Data>{" "}
                <Text span size="xs" c="dimmed">
                  <DateTime value={incident.createdAt} />
                </Text>
              </Text>
            </Group>
          ))}
          <Anchor component={Link} to={`/incidents?consultation=${id}`} size="sm">
            {t("console.consultations.incidents.review")}
          </Anchor>
        </Stack>
      )}
    </Section>
  );
}

/** The provider deliveries about this consultation, each linked to its webhook event. */
export function WebhookDeliveries({ detail }: { detail: Detail }) {
  const t = useT();
  const id = detail.consultation.id;
  return (
    <Section title={t("console.consultations.deliveries.title")}>
      {detail.webhookEvents.length === 0 ? (
        <Nothing>{t("console.consultations.deliveries.none")}</Nothing>
      ) : (
        <>
          <ScrollTable minWidth={800} label={t("console.consultations.deliveries.title")}>
            <Table
              verticalSpacing={4}
              fz="sm"
              aria-label={t("console.consultations.deliveries.title")}
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("console.consultations.deliveries.received")}</Table.Th>
                  <Table.Th>{t("console.consultations.deliveries.provider")}</Table.Th>
                  <Table.Th>{t("console.consultations.deliveries.type")}</Table.Th>
                  <Table.Th>{t("console.consultations.timeline.status")}</Table.Th>
                  <Table.Th>{t("console.consultations.deliveries.outcome")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {detail.webhookEvents.map((event) => (
                  <Table.Tr key={event.id}>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <Anchor component={Link} to={`/webhook-events?event=${event.id}`} size="sm">
                        <DateTime value={event.receivedAt} />
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Data>{providerLabel(event.provider)}</Data>
                    </Table.Td>
                    <Table.Td>
                      <Code>{event.eventType}</Code>
                    </Table.Td>
                    <Table.Td>
                      <WebhookStatusBadge status={event.status} />
                    </Table.Td>
                    <Table.Td maw={360}>
                      <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                        <Data>{event.outcome ?? "—"}</Data>
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <Anchor component={Link} to={`/webhook-events?consultation=${id}`} size="sm">
            {t("console.consultations.deliveries.all")}
          </Anchor>
        </>
      )}
    </Section>
  );
}
