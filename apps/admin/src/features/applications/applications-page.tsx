import {
  Badge,
  Button,
  Group,
  MultiSelect,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import {
  APPLICATION_STATUS_DISPLAY,
  APPLICATION_STATUSES,
  type ApplicationStatus,
  isApplicationStatus,
} from "./application-status";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime } from "../../lib/format";
import { useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";

type QueueItem = RouterOutputs["applications"]["listQueue"]["items"][number];

const ALL = "all";

function applicantLabel(item: QueueItem): string {
  return item.displayName ?? item.applicantEmail ?? item.userId;
}

/** Whole days between `since` and now, e.g. "12 days". */
function waiting(since: string): string {
  const days = Math.floor((Date.now() - new Date(since).getTime()) / 86_400_000);
  if (days < 1) return "today";
  return days === 1 ? "1 day" : `${days} days`;
}

/** The vetting queue: applications oldest first, filtered by status, skills and age. */
export function ApplicationsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const [status, setStatus] = useState<ApplicationStatus | typeof ALL>("submitted");
  const [skillIds, setSkillIds] = useState<string[]>([]);
  const [minAge, setMinAge] = useState<number | "">("");
  const [debouncedMinAge] = useDebouncedValue(minAge, 300);
  const skills = useQuery(trpc.skills.list.queryOptions({ limit: 500 }));
  const skillNames = new Map((skills.data ?? []).map((s) => [s.id, s.name]));

  const queue = useInfiniteList(
    trpc.applications.listQueue.infiniteQueryOptions(
      {
        statuses: status === ALL ? [...APPLICATION_STATUSES] : [status],
        skillIds: skillIds.length > 0 ? skillIds : undefined,
        minAgeDays: debouncedMinAge === "" ? undefined : debouncedMinAge,
        limit: PAGE_SIZE,
      },
      { ...PAGING },
    ),
  );

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Applications</Title>
          <Text size="sm" c="dimmed">
            Oldest first: whoever has waited longest is at the top.
          </Text>
        </Stack>
        <Group align="flex-end">
          <NativeSelect
            label="Status"
            value={status}
            data={[
              ...APPLICATION_STATUSES.map((s) => ({
                value: s,
                label: APPLICATION_STATUS_DISPLAY[s].label,
              })),
              { value: ALL, label: "All statuses" },
            ]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStatus(isApplicationStatus(value) ? value : ALL);
            }}
          />
          <MultiSelect
            label="Skills"
            placeholder={skillIds.length === 0 ? "Any skill" : undefined}
            data={(skills.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={skillIds}
            onChange={setSkillIds}
            searchable
            clearable
            w={280}
          />
          <NumberInput
            label="Waiting at least (days)"
            min={0}
            max={3650}
            allowDecimal={false}
            value={minAge}
            onChange={(value) => setMinAge(typeof value === "number" ? value : "")}
            w={180}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={queue}
        label="Applications"
        noun="applications"
        singular="application"
        plural="applications"
        minWidth={960}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>Applicant</Table.Th>
            <Table.Th>Headline</Table.Th>
            <Table.Th>Skills</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Round</Table.Th>
            <Table.Th>In queue since</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={7}
        empty="No applications match."
        rowKey={(item) => item.id}
        row={(item) => {
          const display = APPLICATION_STATUS_DISPLAY[item.status];
          return (
            <Table.Tr key={item.id} data-application-id={item.id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {item.displayName ?? "—"}
                </Text>
                <Text size="xs" c="dimmed">
                  {item.applicantEmail ?? item.userId}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm" lineClamp={2}>
                  {item.headline ?? "—"}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {item.skillIds.map((id) => (
                    <Badge key={id} variant="outline" size="sm">
                      {skillNames.get(id) ?? "Unknown skill"}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                <StatusBadge label={display.label} color={display.color} />
              </Table.Td>
              <Table.Td>{item.round}</Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <Text size="sm">{formatDateTime(item.queuedAt, locale)}</Text>
                <Text size="xs" c="dimmed">
                  {waiting(item.queuedAt)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  component={Link}
                  to={`/applications/${item.id}`}
                  aria-label={`Review the application of ${applicantLabel(item)}`}
                >
                  Review
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
