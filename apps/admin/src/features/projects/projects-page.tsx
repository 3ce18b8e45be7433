import {
  Button,
  Group,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";
import { InfiniteTable } from "../../components/infinite-table";
import { Data, DateTime } from "../../components/formatted";
import { userLabel } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { ProjectStatusBadge } from "./project-status-badge";

type Row = RouterOutputs["projects"]["listForAdmin"]["items"][number];

const SEARCH_DEBOUNCE_MS = 400;

function ProjectRow({ row }: { row: Row }) {
  const t = useT();
  return (
    <Table.Tr data-project-id={row.id}>
      <Table.Td>
        <Text size="sm" fw={500}>
          <Data>{row.name}</Data>
        </Text>
        {row.externalRef ? (
          <Text size="xs" c="dimmed">
            {t("console.projects.externalRefShort", { ref: row.externalRef })}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <Data>{userLabel(row.owner)}</Data>
        </Text>
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          <Data>{row.owner.email ?? row.owner.id}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <Data>{row.skills.map((s) => s.name).join(", ") || "—"}</Data>
        </Text>
        <Text size="xs" c="dimmed">
          <Data>{row.languages.join(", ") || "—"}</Data>
        </Text>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <DateTime value={row.createdAt} />
      </Table.Td>
      <Table.Td>
        <ProjectStatusBadge archivedAt={row.archivedAt} />
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/projects/${row.id}`}
          aria-label={t("console.projects.openLabel", { name: row.name })}
        >
          {t("console.projects.open")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every client's projects, newest first: search by name, external reference or owner. */
export function ProjectsPage() {
  const trpc = useTRPC();
  const t = useT();
  const [search, setSearch] = useState("");
  const [includeArchived, setIncludeArchived] = useState(true);
  const [query] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const input: RouterInputs["projects"]["listForAdmin"] = {
    search: query || undefined,
    includeArchived,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList(
    trpc.projects.listForAdmin.infiniteQueryOptions(input, { ...PAGING }),
  );

  return (
    <Stack>
      <Stack gap={0}>
        <Title order={2}>{t("console.projects.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.projects.intro")}
        </Text>
      </Stack>
      <Group align="flex-end">
        <TextInput
          label={t("console.projects.search")}
          placeholder={t("console.projects.searchPlaceholder")}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
          maw="100%"
        />
        <Switch
          label={t("console.projects.includeArchived")}
          checked={includeArchived}
          onChange={(event) => setIncludeArchived(event.currentTarget.checked)}
          mb={8}
        />
      </Group>
      <InfiniteTable
        list={list}
        label={t("console.projects.title")}
        noun={t("console.projects.noun")}
        singular={t("console.projects.singular")}
        plural={t("console.projects.plural")}
        minWidth={900}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.projects.name")}</Table.Th>
            <Table.Th>{t("console.projects.owner")}</Table.Th>
            <Table.Th>{t("console.projects.needs")}</Table.Th>
            <Table.Th>{t("console.projects.created")}</Table.Th>
            <Table.Th>{t("console.projects.status")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("console.projects.actions")}</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={6}
        empty={t("console.projects.empty")}
        rowKey={(row) => row.id}
        row={(row) => <ProjectRow row={row} />}
      />
    </Stack>
  );
}
