import {
  Anchor,
  Button,
  Group,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useState } from "react";
import { Link } from "react-router";
import { Data, DateTime, Num } from "../../components/formatted";
import { InfiniteTable } from "../../components/infinite-table";
import { StatusBadge } from "../../components/status-badge";
import { formatNumber, userLabel } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useLocale } from "../../lib/session";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { FlaggedMessages } from "./flagged-messages";

type Row = RouterOutputs["chatAdmin"]["listConversations"]["items"][number];

const SEARCH_DEBOUNCE_MS = 400;

/** A count that needs an admin's eye: a coloured badge when above zero, a dash otherwise. */
function CountBadge({ count, color, label }: { count: number; color: string; label: string }) {
  const locale = useLocale();
  if (count === 0) return <Num value={0} />;
  return <StatusBadge label={`${formatNumber(count, locale)} ${label}`} color={color} />;
}

function ConversationRow({ row }: { row: Row }) {
  const t = useT();
  return (
    <Table.Tr data-conversation-id={row.id}>
      <Table.Td>
        <Text size="sm" fw={500}>
          <Data>{row.project.name}</Data>
        </Text>
        {row.project.archivedAt ? (
          <StatusBadge label={t("console.projects.archived")} color="gray" size="xs" />
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
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <DateTime value={row.lastMessageAt ?? row.createdAt} />
      </Table.Td>
      <Table.Td>
        <Num value={row.lastSeq} />
      </Table.Td>
      <Table.Td>
        <Num value={row.memberCount} />
      </Table.Td>
      <Table.Td>
        <CountBadge
          count={row.flaggedMessages}
          color="orange"
          label={t("console.conversations.flaggedBadge")}
        />
      </Table.Td>
      <Table.Td>
        <CountBadge
          count={row.reportedMessages}
          color="red"
          label={t("console.conversations.reportedBadge")}
        />
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/conversations/${row.id}`}
          aria-label={t("console.conversations.openLabel", { project: row.project.name })}
        >
          {t("console.conversations.open")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * Every project conversation, most recently active first: find one by project name, by a
 * member (id, email or name) or by flagged and reported messages. Listing reads no message,
 * so it isn't audited; opening one is.
 */
export function ConversationsPage() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const [project, setProject] = useState("");
  const [member, setMember] = useState("");
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [projectQuery] = useDebouncedValue(project.trim(), SEARCH_DEBOUNCE_MS);
  const [memberQuery] = useDebouncedValue(member.trim(), SEARCH_DEBOUNCE_MS);

  const input: RouterInputs["chatAdmin"]["listConversations"] = {
    project: projectQuery || undefined,
    member: memberQuery || undefined,
    flaggedOnly,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList(
    trpc.chatAdmin.listConversations.infiniteQueryOptions(input, { ...PAGING }),
  );

  return (
    <Stack>
      <Stack gap={0}>
        <Title order={2}>{t("console.conversations.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.conversations.intro")}
        </Text>
      </Stack>
      <Tabs defaultValue="conversations" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="conversations">{t("console.conversations.tabConversations")}</Tabs.Tab>
          <Tabs.Tab value="flagged">{t("console.conversations.tabFlagged")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="conversations" pt="md">
          <Stack>
            <Group align="flex-end">
              <TextInput
                label={t("console.conversations.filterProject")}
                placeholder={t("console.conversations.filterProjectPlaceholder")}
                value={project}
                onChange={(event) => setProject(event.currentTarget.value)}
                w={260}
                maw="100%"
              />
              <TextInput
                label={t("console.conversations.filterMember")}
                placeholder={t("console.conversations.filterMemberPlaceholder")}
                value={member}
                onChange={(event) => setMember(event.currentTarget.value)}
                w={300}
                maw="100%"
              />
              <Switch
                label={t("console.conversations.flaggedOnly")}
                checked={flaggedOnly}
                onChange={(event) => setFlaggedOnly(event.currentTarget.checked)}
                mb={8}
              />
            </Group>
            <InfiniteTable
              list={list}
              label={t("console.conversations.title")}
              noun={t("console.conversations.noun")}
              singular={t("console.conversations.singular")}
              plural={t("console.conversations.plural")}
              minWidth={1000}
              tableProps={{ highlightOnHover: true }}
              head={
                <>
                  <Table.Th>{t("console.conversations.project")}</Table.Th>
                  <Table.Th>{t("console.conversations.owner")}</Table.Th>
                  <Table.Th>{t("console.conversations.lastActivity")}</Table.Th>
                  <Table.Th>{t("console.conversations.messages")}</Table.Th>
                  <Table.Th>{t("console.conversations.members")}</Table.Th>
                  <Table.Th>{t("console.conversations.flagged")}</Table.Th>
                  <Table.Th>{t("console.conversations.reported")}</Table.Th>
                  <Table.Th>
                    <VisuallyHidden>{t("console.conversations.actions")}</VisuallyHidden>
                  </Table.Th>
                </>
              }
              columns={8}
              empty={t("console.conversations.empty")}
              rowKey={(row) => row.id}
              row={(row) => <ConversationRow row={row} />}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="flagged" pt="md">
          <FlaggedMessages locale={locale} />
        </Tabs.Panel>
      </Tabs>
      <Anchor component={Link} to="/projects" size="sm">
        {t("console.conversations.toProjects")}
      </Anchor>
    </Stack>
  );
}
