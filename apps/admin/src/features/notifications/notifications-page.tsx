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
import { Trans } from "react-i18next";
import { useSearchParams } from "react-router";
import { StatusBadge } from "../../components/status-badge";
import { Data, DateTime, Num } from "../../components/formatted";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
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
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const userId = searchParams.get("user") ?? undefined;
  const [limit, setLimit] = useState<(typeof LIMITS)[number]>("50");
  const outbox = useQuery(trpc.notifications.list.queryOptions({ userId, limit: Number(limit) }));

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("console.nav.notifications")}</Title>
        <Group align="flex-end" wrap="wrap">
          {userId ? (
            <Badge
              size="lg"
              variant="light"
              maw="100%"
              styles={{
                label: { overflow: "visible", whiteSpace: "normal", overflowWrap: "anywhere" },
              }}
              h="auto"
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label={t("console.notifications.clearFilter")}
                  onClick={() => setSearchParams({})}
                />
              }
            >
              <Trans
                t={t}
                i18nKey="console.notifications.user"
                components={{ id: <Data>{userId}</Data> }}
              />
            </Badge>
          ) : null}
          <NativeSelect
            label={t("console.notifications.show")}
            value={limit}
            data={LIMITS.map((l) => ({
              value: l,
              label: t("console.notifications.latest", { n: formatNumber(Number(l), locale) }),
            }))}
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
            {t("console.notifications.refresh")}
          </Button>
        </Group>
      </Group>

      {outbox.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("console.notifications.loading")} />
        </Center>
      ) : outbox.isError ? (
        <Text c="red.9" ta="center" p="xl">
          {t("console.notifications.loadFailed")}
        </Text>
      ) : (
        <Table.ScrollContainer
          type="native"
          minWidth={1000}
          tabIndex={0}
          role="region"
          aria-label={t("console.nav.notifications")}
        >
          <Table striped verticalSpacing="xs" fz="sm" aria-label={t("console.nav.notifications")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.notifications.created")}</Table.Th>
                <Table.Th>{t("console.notifications.to")}</Table.Th>
                <Table.Th>{t("console.notifications.template")}</Table.Th>
                <Table.Th>{t("console.notifications.locale")}</Table.Th>
                <Table.Th>{t("console.notifications.subject")}</Table.Th>
                <Table.Th>{t("console.notifications.status")}</Table.Th>
                <Table.Th>{t("console.notifications.attempts")}</Table.Th>
                <Table.Th>{t("console.notifications.sent")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {outbox.data.map((n) => (
                <Table.Tr key={n.id}>
                  <Table.Td>
                    <DateTime value={n.createdAt} />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    <Data>{n.toEmail ?? n.userId ?? "—"}</Data>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    <Data>{n.template}</Data>
                  </Table.Td>
                  <Table.Td>
                    <Data>{n.locale}</Data>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    <bdi dir="auto">{n.subject}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge
                      label={t(`console.notifications.statuses.${n.status}`)}
                      color={STATUS_COLORS[n.status]}
                      meaning={n.lastError}
                      data={{ "data-notification-status": n.status, "data-status": n.status }}
                    />
                  </Table.Td>
                  <Table.Td>
                    <Num value={n.attempts} />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={n.sentAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
              {outbox.data.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={8}>
                    <Text size="sm" c="dimmed" ta="center" p="md">
                      {t("console.notifications.empty")}
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
