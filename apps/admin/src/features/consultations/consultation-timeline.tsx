import { Badge, Code, Stack, Table, Text, Title } from "@mantine/core";
import { consultationStatusLabel } from "./consultation-status";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../lib/session";

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
  const locale = useLocale();
  return (
    <Stack gap="xs" component="section" aria-label="Timeline">
      <Title order={4}>Timeline</Title>
      {timeline.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing happened yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={compact ? 520 : 900}>
          <Table verticalSpacing={4} fz="sm" aria-label="Timeline events">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                {compact ? null : <Table.Th>By</Table.Th>}
                {compact ? null : <Table.Th>Source</Table.Th>}
                <Table.Th>Reason</Table.Th>
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
                    {formatDateTime(row.at, locale)}
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
                          {row.source}
                        </Text>
                      ) : null}
                      {row.applied ? null : (
                        <Badge color="red" variant="light" size="xs">
                          Refused
                        </Badge>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {row.applied
                      ? `${consultationStatusLabel(row.fromStatus)} → ${consultationStatusLabel(row.toStatus)}`
                      : `stayed ${consultationStatusLabel(row.fromStatus)}`}
                    {compact ? (
                      <Text size="xs" c="dimmed">
                        by {row.actor}
                      </Text>
                    ) : null}
                  </Table.Td>
                  {compact ? null : (
                    <Table.Td>
                      <Text size="sm">{row.actor}</Text>
                      {row.actorUserId ? (
                        <Text size="xs" c="dimmed">
                          {row.actorUserId}
                        </Text>
                      ) : null}
                    </Table.Td>
                  )}
                  {compact ? null : (
                    <Table.Td>
                      <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                        {row.source}
                      </Text>
                    </Table.Td>
                  )}
                  <Table.Td maw={360}>
                    <Text
                      size="sm"
                      c={row.applied ? undefined : "red"}
                      style={{ whiteSpace: "pre-wrap" }}
                    >
                      {row.reason ?? "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
