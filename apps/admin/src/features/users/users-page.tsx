import {
  Button,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Trans } from "react-i18next";
import { useSearchParams } from "react-router";
import { Data, DateTime } from "../../components/formatted";
import { RoleBadges } from "../../components/role-badges";
import { roleLabel } from "./role-label";
import { UserDetailDrawer } from "./user-detail-drawer";
import { fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { isRole, type Role, ROLES } from "../../lib/roles";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";

type UserRow = RouterOutputs["users"]["list"]["items"][number];

const SEARCH_DEBOUNCE_MS = 300;

/** Refetches everything a role change can alter: lists, the user's detail, the outbox, `me`. */
function useInvalidateAfterRoleChange() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return (userId: string) =>
    invalidate(
      trpc.users.list.pathKey(),
      trpc.users.get.queryKey({ userId }),
      trpc.notifications.list.pathKey(),
      trpc.auth.getMe.queryKey(),
    );
}

function label(user: UserRow): string {
  return user.email ?? fullName(user);
}

/** Picks a role the user lacks and grants it. */
function GrantRole({ user }: { user: UserRow }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateAfterRoleChange();
  const grantable = ROLES.filter((r) => !user.roles.includes(r));
  const [picked, setPicked] = useState<Role | "">("");
  const grant = useMutation(
    trpc.users.grantRole.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate(input.userId);
        setPicked("");
        const values = { role: roleLabel(t, input.role), name: label(user) };
        notifySuccess(
          result.changed
            ? t("console.users.granted", values)
            : t("console.users.alreadyHad", values),
        );
      },
    }),
  );
  const selected = picked && grantable.includes(picked) ? picked : "";
  return (
    <Group gap={6} wrap="nowrap">
      <NativeSelect
        size="xs"
        aria-label={t("console.users.roleToGrant", { name: label(user) })}
        value={selected}
        disabled={grantable.length === 0 || grant.isPending}
        data={[
          {
            value: "",
            label:
              grantable.length === 0
                ? t("console.users.hasEveryRole")
                : t("console.users.chooseRole"),
          },
          ...grantable.map((r) => ({ value: r, label: roleLabel(t, r) })),
        ]}
        onChange={(event) => {
          const value = event.currentTarget.value;
          setPicked(isRole(value) ? value : "");
        }}
      />
      <Button
        size="xs"
        variant="light"
        aria-label={t("console.users.grantTo", { name: label(user) })}
        style={{ flexShrink: 0 }}
        disabled={!selected}
        loading={grant.isPending}
        onClick={() => {
          if (selected) grant.mutate({ userId: user.id, role: selected });
        }}
      >
        {t("console.users.grant")}
      </Button>
    </Group>
  );
}

type PendingRevoke = { user: UserRow; role: Role };

/** Asks before revoking: the user loses access at once and is told by email. */
function ConfirmRevoke({
  pending,
  onClose,
}: {
  pending: PendingRevoke | null;
  onClose: () => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateAfterRoleChange();
  const revoke = useMutation(
    trpc.users.revokeRole.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate(input.userId);
        onClose();
        const values = {
          role: roleLabel(t, input.role),
          name: pending ? label(pending.user) : input.userId,
        };
        notifySuccess(
          result.changed
            ? t("console.users.revoked", values)
            : t("console.users.didNotHave", values),
        );
      },
    }),
  );
  return (
    <Modal
      opened={pending !== null}
      onClose={onClose}
      title={t("console.users.revokeTitle")}
      centered
    >
      {pending ? (
        <Stack>
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            <Trans
              i18nKey="console.users.revokeConfirm"
              components={{
                role: <b>{roleLabel(t, pending.role)}</b>,
                name: <Data>{fullName(pending.user)}</Data>,
                label: <Data>{label(pending.user)}</Data>,
              }}
            />
          </Text>
          <Group justify="flex-end" wrap="wrap">
            <Button variant="default" onClick={onClose} disabled={revoke.isPending}>
              {t("console.users.cancel")}
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoke.mutate({ userId: pending.user.id, role: pending.role })}
            >
              {t("console.users.revokeRole", { role: roleLabel(t, pending.role) })}
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Modal>
  );
}

function UserTableRow({
  user,
  selfId,
  onRevoke,
  onOpen,
}: {
  user: UserRow;
  selfId: string | undefined;
  onRevoke: (role: Role) => void;
  onOpen: () => void;
}) {
  const t = useT();
  return (
    <Table.Tr data-user-id={user.id}>
      <Table.Td>
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {user.email ? <Data>{user.email}</Data> : "—"}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          <Data>{fullName(user)}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <RoleBadges
          roles={user.roles}
          owner={label(user)}
          onRevoke={onRevoke}
          locked={user.id === selfId ? { admin: t("console.users.ownAdmin") } : {}}
        />
      </Table.Td>
      <Table.Td>
        <GrantRole user={user} />
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          <DateTime value={user.createdAt} />
        </Text>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="subtle"
          onClick={onOpen}
          aria-label={t("console.users.detailsOf", { name: label(user) })}
        >
          {t("console.users.details")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** Users & roles: search, filter by role, page through, grant and revoke. */
export function UsersPage() {
  const t = useT();
  const trpc = useTRPC();
  const [searchParams, setSearchParams] = useSearchParams();
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [role, setRole] = useState<Role | "">("");
  const [pendingRevoke, setPendingRevoke] = useState<PendingRevoke | null>(null);
  const me = useQuery(trpc.auth.getMe.queryOptions());

  const list = useInfiniteList(
    trpc.users.list.infiniteQueryOptions(
      { search: debouncedSearch || undefined, role: role || undefined, limit: PAGE_SIZE },
      { ...PAGING },
    ),
  );
  const openUserId = searchParams.get("user");

  const setOpenUser = (userId: string | null) => {
    setSearchParams(
      (params) => {
        if (userId) params.set("user", userId);
        else params.delete("user");
        return params;
      },
      { replace: userId === null },
    );
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("console.users.title")}</Title>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("console.users.search")}
            placeholder={t("console.users.searchPlaceholder")}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={{ base: "100%", xs: 260 }}
          />
          <NativeSelect
            label={t("console.users.roleFilter")}
            value={role}
            data={[
              { value: "", label: t("console.users.allRoles") },
              ...ROLES.map((r) => ({ value: r, label: roleLabel(t, r) })),
            ]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setRole(isRole(value) ? value : "");
            }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label={t("console.users.table")}
        noun={t("console.users.noun")}
        singular={t("console.users.singular")}
        plural={t("console.users.plural")}
        minWidth={960}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.users.email")}</Table.Th>
            <Table.Th>{t("console.users.name")}</Table.Th>
            <Table.Th>{t("console.users.roles")}</Table.Th>
            <Table.Th>{t("console.users.grantRole")}</Table.Th>
            <Table.Th>{t("console.users.created")}</Table.Th>
            <Table.Th>{t("console.users.actions")}</Table.Th>
          </>
        }
        columns={6}
        empty={t("console.users.empty")}
        rowKey={(user) => user.id}
        row={(user) => (
          <UserTableRow
            user={user}
            selfId={me.data?.id}
            onRevoke={(r) => setPendingRevoke({ user, role: r })}
            onOpen={() => setOpenUser(user.id)}
          />
        )}
      />

      <ConfirmRevoke pending={pendingRevoke} onClose={() => setPendingRevoke(null)} />
      <UserDetailDrawer userId={openUserId} onClose={() => setOpenUser(null)} />
    </Stack>
  );
}
