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
} from "@mantine/core";
import { skipToken, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { formatDateTime, fullName } from "../../lib/format";
import { ROLE_COLORS } from "../../lib/roles";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { AuditTrail } from "../../components/audit-trail";
import { RoleBadges } from "../../components/role-badges";

type UserDetail = RouterOutputs["users"]["get"];

function Details({ detail }: { detail: UserDetail }) {
  const locale = useLocale();
  const { user, roleHistory, audit } = detail;
  return (
    <Stack gap="lg">
      <Stack gap={4}>
        <Text fw={500}>{fullName(user)}</Text>
        <Text size="sm" c="dimmed">
          {user.email ?? "no email"} · {user.id}
        </Text>
        <Text size="sm" c="dimmed">
          Locale {user.locale} · {user.timeZone} · created {formatDateTime(user.createdAt, locale)}
        </Text>
        <RoleBadges roles={user.roles} owner={user.email ?? user.id} />
        <Anchor
          component={Link}
          to={`/notifications?user=${encodeURIComponent(user.id)}`}
          size="sm"
        >
          Notifications sent to this user
        </Anchor>
      </Stack>

      <Stack gap="xs">
        <Title order={4}>Role history</Title>
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing={4} fz="sm" aria-label="Role history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Role</Table.Th>
                <Table.Th>Granted</Table.Th>
                <Table.Th>By</Table.Th>
                <Table.Th>Revoked</Table.Th>
                <Table.Th>By</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {roleHistory.map((grant) => (
                <Table.Tr key={grant.id}>
                  <Table.Td>
                    <Badge
                      color={ROLE_COLORS[grant.role]}
                      variant={grant.revokedAt ? "outline" : "light"}
                    >
                      {grant.role}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(grant.grantedAt, locale)}
                  </Table.Td>
                  <Table.Td>{grant.grantedBy ?? "system"}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDateTime(grant.revokedAt, locale)}
                  </Table.Td>
                  <Table.Td>{grant.revokedAt ? (grant.revokedBy ?? "system") : "—"}</Table.Td>
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
  const trpc = useTRPC();
  const detail = useQuery(trpc.users.get.queryOptions(userId ? { userId } : skipToken));
  return (
    <Drawer
      opened={userId !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title="User details"
    >
      {detail.isPending ? (
        <Group justify="center" p="xl">
          <Loader aria-label="Loading user" />
        </Group>
      ) : detail.isError ? (
        <Alert color="red" title="Couldn't load this user">
          {describeError(detail.error).message}
        </Alert>
      ) : (
        <Details detail={detail.data} />
      )}
    </Drawer>
  );
}
