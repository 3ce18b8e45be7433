import type { NotificationStatus } from "@an/domain";
import {
  Badge,
  Button,
  Center,
  CloseButton,
  Group,
  Loader,
  type MantineColor,
  NativeSelect,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";

type Status = NotificationStatus;

const STATUS_COLORS: Record<Status, MantineColor> = {
  queued: "yellow",
  sent: "teal",
  failed: "red",
};

const LIMITS = ["50", "100", "200"] as const;

/** The notifications outbox: what was (or will be) sent to whom, newest first. */
export function NotificationsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const userId = searchParams.get("user") ?? undefined;
  const [limit, setLimit] = useState<(typeof LIMITS)[number]>("50");
  const outbox = useQuery(trpc.notifications.list.queryOptions({ userId, limit: Number(limit) }));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Notifications outbox</Title>
        <Group align="flex-end">
          {userId ? (
            <Badge
              size="lg"
              variant="light"
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label="Show every user's notifications"
                  onClick={() => setSearchParams({})}
                />
              }
            >
              User {userId}
            </Badge>
          ) : null}
          <NativeSelect
            label="Show"
            value={limit}
            data={LIMITS.map((l) => ({ value: l, label: `Latest ${l}` }))}
            onChange={(event) => {
              const value = LIMITS.find((l) => l === event.currentTarget.value);
              if (value) setLimit(value);
            }}
          />
          <Button
            variant="default"
            loading={outbox.isFetching}
            onClick={() => void outbox.refetch()}
          >
            Refresh
          </Button>
        </Group>
      </Group>

      {outbox.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading notifications" />
        </Center>
      ) : outbox.isError ? (
        <Text c="red" ta="center" p="xl">
          Couldn&apos;t load the outbox.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={1000}>
          <Table striped verticalSpacing="xs" fz="sm" aria-label="Notifications outbox">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Created</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>Template</Table.Th>
                <Table.Th>Locale</Table.Th>
                <Table.Th>Subject</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Sent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outbox.data.map((n) => (
                <Table.Tr key={n.id}>
                  <Table.Td>{formatDateTime(n.createdAt, locale)}</Table.Td>
                  <Table.Td>{n.toEmail ?? n.userId ?? "—"}</Table.Td>
                  <Table.Td>{n.template}</Table.Td>
                  <Table.Td>{n.locale}</Table.Td>
                  <Table.Td>{n.subject}</Table.Td>
                  <Table.Td>
                    <StatusBadge
                      label={n.status}
                      color={STATUS_COLORS[n.status]}
                      meaning={n.lastError}
                      data={{ "data-notification-status": n.status }}
                    />
                  </Table.Td>
                  <Table.Td>{n.attempts}</Table.Td>
                  <Table.Td>{formatDateTime(n.sentAt, locale)}</Table.Td>
                </Table.Tr>
              ))}
              {outbox.data.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={8}>
                    <Text size="sm" c="dimmed" ta="center" p="md">
                      The outbox is empty.
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
