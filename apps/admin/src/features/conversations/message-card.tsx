import { Button, Card, Group, Stack, Text } from "@mantine/core";
import { Data, DateTime } from "../../components/formatted";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";
import type { RouterOutputs } from "../../lib/trpc";
import { userLabel } from "../../lib/format";

/** A message as the audited admin read returns it. */
export type Message = RouterOutputs["chatAdmin"]["readConversation"]["messages"][number];

/** Who wrote it: the member, the assistant's credential, or the actor type alone. */
function authorOf(message: Message, t: ReturnType<typeof useT>): string {
  if (message.sender) return userLabel(message.sender);
  if (message.credential) return message.credential.name;
  return t(`console.conversations.actors.${message.actorType}`);
}

const pre = { whiteSpace: "pre-wrap", overflowWrap: "anywhere" } as const;

/** Whether the author is a name (data) rather than an actor type from the catalog. */
const namedAuthor = (message: Message) => Boolean(message.sender || message.credential);

/**
 * One message as moderators see it: the stored text even when hidden or deleted, its states
 * (edited, deleted, hidden with the reason, flagged with why), earlier versions and reports,
 * with hide or show and, while reports are open, resolve.
 */
export function MessageCard({
  message: m,
  locale,
  onModerate,
}: {
  message: Message;
  locale: ConsoleLocale;
  onModerate: (kind: "hide" | "unhide" | "resolve") => void;
}) {
  const t = useT();
  const author = authorOf(m, t);
  const openReports = m.reports.filter((r) => r.resolvedAt === null).length;
  return (
    <Card
      withBorder
      padding="sm"
      component="article"
      aria-label={t("console.conversations.messageLabel", { seq: m.seq, author })}
      data-message-id={m.id}
      data-seq={m.seq}
      bg={m.hidden ? "var(--mantine-color-gray-0)" : undefined}
    >
      <Stack gap={6}>
        <Group justify="space-between" align="flex-start" wrap="wrap">
          <Group gap="xs" wrap="wrap">
            <Text size="sm" fw={600}>
              {namedAuthor(m) ? <Data>{author}</Data> : author}
            </Text>
            <StatusBadge
              label={t(`console.conversations.actors.${m.actorType}`)}
              color="gray"
              size="xs"
            />
            <Text size="xs" c="dimmed">
              {t("console.conversations.seq", { seq: formatNumber(m.seq, locale) })} ·{" "}
              <DateTime value={m.createdAt} />
            </Text>
          </Group>
          <Group gap={6} wrap="wrap">
            {m.editedAt ? (
              <StatusBadge
                label={t("console.conversations.edited")}
                color="blue"
                size="sm"
                meaning={formatDateTime(m.editedAt, locale)}
              />
            ) : null}
            {m.deletedAt ? (
              <StatusBadge
                label={t("console.conversations.deleted")}
                color="gray"
                size="sm"
                meaning={formatDateTime(m.deletedAt, locale)}
              />
            ) : null}
            {m.hidden ? (
              <StatusBadge
                label={t("console.conversations.hiddenBadge")}
                color="red"
                size="sm"
                data={{ "data-hidden": "true" }}
              />
            ) : null}
            {m.flagReasons.map((reason) => (
              <StatusBadge
                key={reason}
                label={t(`console.conversations.flagReasons.${reason}`)}
                color="orange"
                size="sm"
                data={{ "data-flag": reason }}
              />
            ))}
          </Group>
        </Group>

        <Text size="sm" dir="auto" style={pre} td={m.deletedAt ? "line-through" : undefined}>
          {m.body}
        </Text>
        {m.attachments.length > 0 ? (
          <Text size="xs" c="dimmed">
            {t("console.conversations.attachments", {
              n: formatNumber(m.attachments.length, locale),
            })}
          </Text>
        ) : null}

        {m.hidden ? (
          <Text size="xs" c="red">
            {t("console.conversations.hiddenBecause", {
              at: formatDateTime(m.hidden.at, locale),
              by: m.hidden.by ?? "—",
              reason: m.hidden.reason,
            })}
          </Text>
        ) : null}

        {m.revisions.length > 0 ? (
          <Stack gap={2}>
            <Text size="xs" fw={600}>
              {t("console.conversations.revisions")}
            </Text>
            {m.revisions.map((rev, i) => (
              <Text key={`${rev.revisedAt}-${i}`} size="xs" c="dimmed" style={pre}>
                <DateTime value={rev.revisedAt} />: <bdi>{rev.body}</bdi>
              </Text>
            ))}
          </Stack>
        ) : null}

        {m.reports.length > 0 ? (
          <Stack gap={2}>
            <Text size="xs" fw={600}>
              {t("console.conversations.reports")}
            </Text>
            {m.reports.map((report) => (
              <Text key={report.id} size="xs" style={pre}>
                {t("console.conversations.reportLine", {
                  reporter: userLabel(report.reporter),
                  at: formatDateTime(report.createdAt, locale),
                  reason: report.reason,
                })}{" "}
                {report.resolvedAt
                  ? t("console.conversations.reportResolved", {
                      at: formatDateTime(report.resolvedAt, locale),
                    })
                  : t("console.conversations.reportOpen")}
              </Text>
            ))}
          </Stack>
        ) : null}

        <Group gap="xs">
          {m.hidden ? (
            <Button
              size="xs"
              variant="light"
              onClick={() => onModerate("unhide")}
              aria-label={t("console.conversations.unhideLabel", { seq: m.seq })}
            >
              {t("console.conversations.unhide")}
            </Button>
          ) : (
            <Button
              size="xs"
              variant="light"
              color="red"
              onClick={() => onModerate("hide")}
              aria-label={t("console.conversations.hideLabel", { seq: m.seq })}
            >
              {t("console.conversations.hide")}
            </Button>
          )}
          {openReports > 0 ? (
            <Button
              size="xs"
              variant="light"
              onClick={() => onModerate("resolve")}
              aria-label={t("console.conversations.resolveLabel", { seq: m.seq })}
            >
              {t("console.conversations.resolveCount", { n: openReports })}
            </Button>
          ) : null}
        </Group>
      </Stack>
    </Card>
  );
}
