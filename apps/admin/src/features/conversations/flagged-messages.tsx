import { MESSAGE_FLAG_REASONS, type MessageFlagReason } from "@an/domain";
import {
  Button,
  Group,
  NativeSelect,
  Stack,
  Switch,
  Table,
  Text,
  VisuallyHidden,
} from "@mantine/core";
import { useState } from "react";
import { Link } from "react-router";
import { InfiniteTable } from "../../components/infinite-table";
import { Data, DateTime } from "../../components/formatted";
import { StatusBadge } from "../../components/status-badge";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import type { ConsoleLocale } from "../../lib/session";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { userLabel } from "../../lib/format";

type Row = RouterOutputs["chatAdmin"]["listFlagged"]["items"][number];

const isReason = (value: string): value is MessageFlagReason =>
  (MESSAGE_FLAG_REASONS as readonly string[]).includes(value);

function FlaggedRow({ row, locale }: { row: Row; locale: ConsoleLocale }) {
  const t = useT();
  const author = row.sender
    ? userLabel(row.sender)
    : (row.credential?.name ?? t(`console.conversations.actors.${row.actorType}`));
  return (
    <Table.Tr data-message-id={row.id}>
      <Table.Td>
        <Text size="sm" fw={500}>
          <Data>{row.project.name}</Data>
        </Text>
        <Text size="xs" c="dimmed">
          {t("console.conversations.seq", { seq: formatNumber(row.seq, locale) })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{row.sender || row.credential ? <Data>{author}</Data> : author}</Text>
        <Text size="xs" c="dimmed" style={{ whiteSpace: "nowrap" }}>
          <DateTime value={row.createdAt} />
        </Text>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" dir="auto" style={{ overflowWrap: "anywhere" }}>
          {row.body}
        </Text>
      </Table.Td>
      <Table.Td>
        <Group gap={4} wrap="wrap">
          {row.flagReasons.map((reason) => (
            <StatusBadge
              key={reason}
              label={t(`console.conversations.flagReasons.${reason}`)}
              color="orange"
              size="sm"
            />
          ))}
          {row.openReports > 0 ? (
            <StatusBadge
              label={`${formatNumber(row.openReports, locale)} ${t("console.conversations.reportedBadge")}`}
              color="red"
              size="sm"
            />
          ) : null}
          {row.hidden ? (
            <StatusBadge label={t("console.conversations.hiddenBadge")} color="gray" size="sm" />
          ) : null}
        </Group>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/conversations/${row.conversationId}`}
          aria-label={t("console.conversations.openLabel", { project: row.project.name })}
        >
          {t("console.conversations.open")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/**
 * The review queue: messages flagged for contact details or payment links, or reported by a
 * member, newest first; by default only those still visible with something open. Opening one
 * reads its conversation (audited) where it can be hidden or its reports resolved.
 */
export function FlaggedMessages({ locale }: { locale: ConsoleLocale }) {
  const trpc = useTRPC();
  const t = useT();
  const [openOnly, setOpenOnly] = useState(true);
  const [reason, setReason] = useState("");
  const input: RouterInputs["chatAdmin"]["listFlagged"] = {
    reason: isReason(reason) ? reason : undefined,
    openOnly,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList(trpc.chatAdmin.listFlagged.infiniteQueryOptions(input, PAGING));
  return (
    <Stack>
      <Group align="flex-end">
        <NativeSelect
          label={t("console.conversations.flagReason")}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          data={[
            { value: "", label: t("console.conversations.anyReason") },
            ...MESSAGE_FLAG_REASONS.map((r) => ({
              value: r,
              label: t(`console.conversations.flagReasons.${r}`),
            })),
          ]}
          w={220}
          maw="100%"
        />
        <Switch
          label={t("console.conversations.openOnly")}
          checked={openOnly}
          onChange={(event) => setOpenOnly(event.currentTarget.checked)}
          mb={8}
        />
      </Group>
      <InfiniteTable
        list={list}
        label={t("console.conversations.tabFlagged")}
        noun={t("console.conversations.flaggedNoun")}
        singular={t("console.conversations.flaggedSingular")}
        plural={t("console.conversations.flaggedPlural")}
        minWidth={1000}
        head={
          <>
            <Table.Th>{t("console.conversations.project")}</Table.Th>
            <Table.Th>{t("console.conversations.author")}</Table.Th>
            <Table.Th>{t("console.conversations.message")}</Table.Th>
            <Table.Th>{t("console.conversations.why")}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t("console.conversations.actions")}</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={5}
        empty={t("console.conversations.flaggedEmpty")}
        rowKey={(row) => row.id}
        row={(row) => <FlaggedRow row={row} locale={locale} />}
      />
    </Stack>
  );
}
