import { ACTORS, type Actor } from "@an/domain";
import { Badge, Code, Stack, Table, Text, Title } from "@mantine/core";
import { consultationStatusLabel } from "./consultation-status";
import { ScrollTable } from "../../components/scroll-table";
import { Data, DateTime } from "../../components/formatted";
import { useT } from "../../lib/i18n";

/**
 * One timeline line as the API sends it. Refused events (`applied: false`) are kept too:
 * their `reason` is the machine's explanation.
 */
export type TimelineRow = {
  id: number | string;
  eventId: string;
  type: string;
  actor: string;
  actorUserId: string | null;
  source: string;
  fromStatus: string | null;
  toStatus: string | null;
  applied: boolean;
  reason: string | null;
  at: string;
};

function isActor(value: string): value is Actor {
  return (ACTORS as readonly string[]).includes(value);
}

/**
 * The consultation's event log, oldest first: applied and refused events, who, from where,
 * why. `compact` folds who and where under the event, for half-width panels.
 */
export function ConsultationTimeline({
  timeline,
  compact = false,
}: {
  timeline: readonly TimelineRow[];
  compact?: boolean;
}) {
  const t = useT();
  const actorLabel = (actor: string) =>
    isActor(actor) ? t(`console.consultations.actor.${actor}`) : actor;
  return (
    <Stack gap="xs" component="section" aria-label={t("console.consultations.timeline.title")}>
      <Title order={4}>{t("console.consultations.timeline.title")}</Title>
      {timeline.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.consultations.timeline.empty")}
        </Text>
      ) : (
        <ScrollTable
          minWidth={compact ? 520 : 900}
          label={t("console.consultations.timeline.events")}
        >
          <Table
            verticalSpacing={4}
            fz="sm"
            aria-label={t("console.consultations.timeline.events")}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.consultations.timeline.when")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.event")}</Table.Th>
                <Table.Th>{t("console.consultations.timeline.status")}</Table.Th>
                {compact ? null : <Table.Th>{t("console.consultations.timeline.by")}</Table.Th>}
                {compact ? null : <Table.Th>{t("console.consultations.timeline.source")}</Table.Th>}
                <Table.Th>{t("console.consultations.timeline.reason")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {timeline.map((row) => (
                <Table.Tr
                  key={row.id}
                  data-event-type={row.type}
                  data-applied={row.applied}
                  style={row.applied ? undefined : { opacity: 0.8 }}
                >
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={row.at} />
                  </Table.Td>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <Code>{row.type}</Code>
                      {compact ? (
                        <Text
                          size="xs"
                          c="dimmed"
                          ff="monospace"
                          style={{ overflowWrap: "anywhere" }}
                        >
                          <Data>{row.source}</Data>
                        </Text>
                      ) : null}
                      {row.applied ? null : (
                        <Badge color="red" variant="light" size="xs">
                          {t("console.consultations.timeline.refused")}
                        </Badge>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {row.applied
                      ? t("console.consultations.timeline.transition", {
                          from: consultationStatusLabel(row.fromStatus, t),
                          to: consultationStatusLabel(row.toStatus, t),
                        })
                      : t("console.consultations.timeline.stayed", {
                          status: consultationStatusLabel(row.fromStatus, t),
                        })}
                    {compact ? (
                      <Text size="xs" c="dimmed">
                        {t("console.consultations.timeline.byActor", {
                          actor: actorLabel(row.actor),
                        })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  {compact ? null : (
                    <Table.Td>
                      <Text size="sm">{actorLabel(row.actor)}</Text>
                      {row.actorUserId ? (
                        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                          <Data>{row.actorUserId}</Data>
                        </Text>
                      ) : null}
                    </Table.Td>
                  )}
                  {compact ? null : (
                    <Table.Td>
                      <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                        <Data>{row.source}</Data>
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td maw={360}>
                    <Text
                      size="sm"
                      c={row.applied ? undefined : "red.9"}
                      style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
                    >
                      {row.reason ? <Data>{row.reason}</Data> : "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
