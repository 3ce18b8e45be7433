import { Code, Stack, Table, Text, Title } from "@mantine/core";
import { formatDateTime } from "../lib/format";
import { useLocale } from "../lib/session";
import type { RouterOutputs } from "../lib/trpc";

export type AuditEntry = RouterOutputs["users"]["get"]["audit"][number];

/** An audit before/after value as `key: value, …` (JSON for anything that isn't an object). */
function brief(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object" || Array.isArray(value)) return JSON.stringify(value);
  return Object.entries(value)
    .map(([key, v]) => `${key}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(", ");
}

function Change({ before, after }: { before: unknown; after: unknown }) {
  const lines = [
    { sign: "−", text: brief(before), color: "red" },
    { sign: "+", text: brief(after), color: "teal" },
  ].filter((line) => line.text !== null);
  if (lines.length === 0) return <Text size="xs">—</Text>;
  return (
    <Stack gap={2}>
      {lines.map((line) => (
        <Text
          key={line.sign}
          size="xs"
          ff="monospace"
          c={line.color}
          style={{ overflowWrap: "anywhere" }}
        >
          {line.sign} {line.text}
        </Text>
      ))}
    </Stack>
  );
}

/** The audit records about one subject (a user, an application), newest first. */
export function AuditTrail({ audit }: { audit: readonly AuditEntry[] }) {
  const locale = useLocale();
  return (
    <Stack gap="xs">
      <Title order={4}>Audit trail</Title>
      {audit.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing recorded yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing={4} fz="sm" aria-label="Audit trail">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Actor</Table.Th>
                <Table.Th>Action</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Request</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {audit.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(entry.at, locale)}
                  </Table.Td>
                  <Table.Td>{entry.actorId ?? entry.actorLabel ?? "—"}</Table.Td>
                  <Table.Td>
                    <Code>{entry.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Change before={entry.before} after={entry.after} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {entry.requestId ?? "—"}
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
