import { Stack, Table, Text, Title } from "@mantine/core";
import { Data, DateTime, Num } from "../../components/formatted";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";
import type { RouterOutputs } from "../../lib/trpc";
import { userLabel } from "../../lib/format";

type Header = RouterOutputs["chatAdmin"]["readConversation"]["conversation"];

/** The conversation's members, past ones too, with their role, rights and read position. */
export function ConversationMembers({ header, locale }: { header: Header; locale: ConsoleLocale }) {
  const t = useT();
  return (
    <Stack gap="xs" component="section" aria-label={t("console.conversations.membersTitle")}>
      <Title order={4}>{t("console.conversations.membersTitle")}</Title>
      <Table.ScrollContainer
        minWidth={800}
        type="native"
        tabIndex={0}
        role="region"
        aria-label={t("console.conversations.membersTitle")}
      >
        <Table verticalSpacing={4} fz="sm" aria-label={t("console.conversations.membersTitle")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("console.conversations.member")}</Table.Th>
              <Table.Th>{t("console.conversations.role")}</Table.Th>
              <Table.Th>{t("console.conversations.mayPost")}</Table.Th>
              <Table.Th>{t("console.conversations.historyFrom")}</Table.Th>
              <Table.Th>{t("console.conversations.lastRead")}</Table.Th>
              <Table.Th>{t("console.conversations.joined")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {header.members.map((m) => (
              <Table.Tr key={m.user.id} data-member-id={m.user.id}>
                <Table.Td>
                  <Text size="sm">
                    <Data>{userLabel(m.user)}</Data>
                  </Text>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                    <Data>{m.user.email ?? m.user.id}</Data>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <StatusBadge
                    label={t(`console.conversations.roles.${m.role}`)}
                    color={m.role === "owner" ? "indigo" : "teal"}
                  />
                  {m.removedAt ? (
                    <Text size="xs" c="dimmed">
                      {t("console.conversations.removedAt", {
                        at: formatDateTime(m.removedAt, locale),
                      })}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  {m.canPost ? t("console.conversations.yes") : t("console.conversations.no")}
                </Table.Td>
                <Table.Td>
                  {t("console.conversations.afterSeq", {
                    seq: formatNumber(m.historyFromSeq, locale),
                  })}
                </Table.Td>
                <Table.Td>
                  <Num value={m.lastReadSeq} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: "nowrap" }}>
                  <DateTime value={m.joinedAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
