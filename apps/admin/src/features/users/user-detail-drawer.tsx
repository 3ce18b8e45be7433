import {
  Alert,
  Anchor,
  Badge,
  Drawer,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  useDirection,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { skipToken, useQuery } from "@tanstack/react-query";
import { Trans } from "react-i18next";
import { Link } from "react-router";
import { roleLabel } from "./role-label";
import { Data, DateTime } from "../../components/formatted";
import { fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { ROLE_COLORS } from "../../lib/roles";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { AuditTrail } from "../../components/audit-trail";
import { RoleBadges } from "../../components/role-badges";

type UserDetail = RouterOutputs["users"]["get"];

/** A locale tag by its name in the viewer's language ("Arabic (Egypt)"), else the tag. */
function localeName(tag: string, viewer: ConsoleLocale): string {
  try {
    return new Intl.DisplayNames([viewer], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** Who granted or revoked a role: an admin's id, or the system when nobody did. */
function Actor({ id }: { id: string | null }) {
  const t = useT();
  return id ? <Data>{id}</Data> : <>{t("console.users.system")}</>;
}

function Details({ detail }: { detail: UserDetail }) {
  const t = useT();
  const locale = useLocale();
  const { user, roleHistory, audit } = detail;
  return (
    <Stack gap="lg">
      <Stack gap={4} style={{ overflowWrap: "anywhere" }}>
        <Text fw={500}>
          <Data>{fullName(user)}</Data>
        </Text>
        <Text size="sm" c="dimmed">
          {user.email ? <Data>{user.email}</Data> : t("console.users.noEmail")} ·{" "}
          <Data>{user.id}</Data>
        </Text>
        <Text size="sm" c="dimmed">
          <Trans
            i18nKey="console.users.profileLine"
            components={{
              locale: <Data>{localeName(user.locale, locale)}</Data>,
              zone: <Data>{user.timeZone}</Data>,
              created: <DateTime value={user.createdAt} />,
            }}
          />
        </Text>
        <RoleBadges roles={user.roles} owner={user.email ?? user.id} />
        <Anchor
          component={Link}
          to={`/notifications?user=${encodeURIComponent(user.id)}`}
          size="sm"
        >
          {t("console.users.notificationsLink")}
        </Anchor>
      </Stack>

      <Stack gap="xs">
        <Title order={4}>{t("console.users.roleHistory")}</Title>
        <Table.ScrollContainer
          type="native"
          minWidth={520}
          tabIndex={0}
          role="region"
          aria-label={t("console.users.roleHistory")}
        >
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.users.roleHistory")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.users.role")}</Table.Th>
                <Table.Th>{t("console.users.grantedAt")}</Table.Th>
                <Table.Th>{t("console.users.by")}</Table.Th>
                <Table.Th>{t("console.users.revokedAt")}</Table.Th>
                <Table.Th>{t("console.users.by")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roleHistory.map((grant) => (
                <Table.Tr key={grant.id}>
                  <Table.Td>
                    <Badge
                      color={ROLE_COLORS[grant.role]}
                      variant={grant.revokedAt ? "outline" : "light"}
                      style={{ overflow: "visible" }}
                    >
                      {roleLabel(t, grant.role)}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={grant.grantedAt} />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    <Actor id={grant.grantedBy} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={grant.revokedAt} />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    {grant.revokedAt ? <Actor id={grant.revokedBy} /> : "—"}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>

      <AuditTrail audit={audit} />
    </Stack>
  );
}

/** One user's profile, role history and audit trail, opened from the users table. */
export function UserDetailDrawer({
  userId,
  onClose,
}: {
  userId: string | null;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const { dir } = useDirection();
  // A phone gets the whole screen: the drawer's xl width is wider than the viewport.
  const isPhone = useMediaQuery("(max-width: 36em)");
  const detail = useQuery(trpc.users.get.queryOptions(userId ? { userId } : skipToken));
  return (
    <Drawer
      opened={userId !== null}
      onClose={onClose}
      position={dir === "rtl" ? "left" : "right"}
      size={isPhone ? "100%" : "xl"}
      title={t("console.users.detailsTitle")}
    >
      {detail.isPending ? (
        <Group justify="center" p="xl">
          <Loader aria-label={t("console.users.loadingUser")} />
        </Group>
      ) : detail.isError ? (
        <Alert color="red" title={t("console.users.loadUserFailed")}>
          {describeError(detail.error).message}
        </Alert>
      ) : (
        <Details detail={detail.data} />
      )}
    </Drawer>
  );
}
