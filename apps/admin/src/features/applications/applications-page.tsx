import {
  Button,
  Group,
  MultiSelect,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import {
  APPLICATION_STATUS_COLORS,
  APPLICATION_STATUSES,
  type ApplicationStatus,
  applicationStatusLabel,
  isApplicationStatus,
} from "./application-status";
import { Data, DateTime, Num } from "../../components/formatted";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";

type QueueItem = RouterOutputs["applications"]["listQueue"]["items"][number];

const ALL = "all";

function applicantLabel(item: QueueItem): string {
  return item.displayName ?? item.applicantEmail ?? item.userId;
}

/** Whole days between `since` and now. */
function daysSince(since: string): number {
  return Math.floor((Date.now() - new Date(since).getTime()) / 86_400_000);
}

/** The vetting queue: applications oldest first, filtered by status, skills and age. */
export function ApplicationsPage() {
  const t = useT();
  const trpc = useTRPC();
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
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.applications.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.applications.subtitle")}
          </Text>
        </Stack>
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t("console.applications.statusFilter")}
            value={status}
            data={[
              ...APPLICATION_STATUSES.map((s) => ({
                value: s,
                label: applicationStatusLabel(t, s),
              })),
              { value: ALL, label: t("console.applications.allStatuses") },
            ]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStatus(isApplicationStatus(value) ? value : ALL);
            }}
          />
          <MultiSelect
            label={t("console.applications.skills")}
            placeholder={skillIds.length === 0 ? t("console.applications.anySkill") : undefined}
            data={(skills.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
            value={skillIds}
            onChange={setSkillIds}
            searchable
            clearable
            w={{ base: "100%", xs: 280 }}
          />
          <NumberInput
            label={t("console.applications.minAge")}
            min={0}
            max={3650}
            allowDecimal={false}
            value={minAge}
            onChange={(value) => setMinAge(typeof value === "number" ? value : "")}
            w={{ base: "100%", xs: 180 }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={queue}
        label={t("console.applications.table")}
        noun={t("console.applications.noun")}
        singular={t("console.applications.singular")}
        plural={t("console.applications.plural")}
        minWidth={960}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.applications.applicant")}</Table.Th>
            <Table.Th>{t("console.applications.headline")}</Table.Th>
            <Table.Th>{t("console.applications.skills")}</Table.Th>
            <Table.Th>{t("console.applications.statusColumn")}</Table.Th>
            <Table.Th>{t("console.applications.round")}</Table.Th>
            <Table.Th>{t("console.applications.queuedSince")}</Table.Th>
            <Table.Th>{t("console.applications.actions")}</Table.Th>
          </>
        }
        columns={7}
        empty={t("console.applications.empty")}
        rowKey={(item) => item.id}
        row={(item) => {
          const days = daysSince(item.queuedAt);
          return (
            <Table.Tr key={item.id} data-application-id={item.id}>
              <Table.Td>
                <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
                  {item.displayName ? <Data>{item.displayName}</Data> : "—"}
                </Text>
                <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                  <Data>{item.applicantEmail ?? item.userId}</Data>
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.headline ? <Data>{item.headline}</Data> : "—"}</Text>
              </Table.Td>
              <Table.Td>
                <Group gap={4} wrap="wrap">
                  {item.skillIds.map((id) => {
                    const skill = skillNames.get(id);
                    return (
                      <StatusBadge
                        key={id}
                        variant="outline"
                        size="sm"
                        color="indigo"
                        label={
                          skill ? <Data>{skill}</Data> : t("console.applications.unknownSkill")
                        }
                      />
                    );
                  })}
                </Group>
              </Table.Td>
              <Table.Td>
                <StatusBadge
                  label={applicationStatusLabel(t, item.status)}
                  color={APPLICATION_STATUS_COLORS[item.status]}
                />
              </Table.Td>
              <Table.Td>
                <Num value={item.round} />
              </Table.Td>
              <Table.Td style={{ whiteSpace: "nowrap" }}>
                <Text size="sm">
                  <DateTime value={item.queuedAt} />
                </Text>
                <Text size="xs" c="dimmed">
                  {days < 1
                    ? t("console.applications.waitingToday")
                    : t("console.applications.waitingDays", { count: days })}
                </Text>
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  variant="light"
                  component={Link}
                  to={`/applications/${item.id}`}
                  aria-label={t("console.applications.reviewNamed", { name: applicantLabel(item) })}
                >
                  {t("console.applications.review")}
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        }}
      />
    </Stack>
  );
}
