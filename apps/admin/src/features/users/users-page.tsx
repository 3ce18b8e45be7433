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
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router";
import { RoleBadges } from "../../components/role-badges";
import { UserDetailDrawer } from "./user-detail-drawer";
import { formatDateTime, fullName } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { isRole, type Role, ROLES } from "../../lib/roles";
import { type ConsoleLocale, useLocale } from "../../lib/session";
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
  const trpc = useTRPC();
  const invalidate = useInvalidateAfterRoleChange();
  const grantable = ROLES.filter((r) => !user.roles.includes(r));
  const [picked, setPicked] = useState<Role | "">("");
  const grant = useMutation(
    trpc.users.grantRole.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate(input.userId);
        setPicked("");
        notifySuccess(
          result.changed
            ? `Granted ${input.role} to ${label(user)}.`
            : `${label(user)} already had the ${input.role} role.`,
        );
      },
    }),
  );
  const selected = picked && grantable.includes(picked) ? picked : "";
  return (
    <Group gap={6} wrap="nowrap">
      <NativeSelect
        size="xs"
        aria-label={`Role to grant to ${label(user)}`}
        value={selected}
        disabled={grantable.length === 0 || grant.isPending}
        data={[
          { value: "", label: grantable.length === 0 ? "Has every role" : "Choose role…" },
          ...grantable.map((r) => ({ value: r, label: r })),
        ]}
        onChange={(event) => {
          const value = event.currentTarget.value;
          setPicked(isRole(value) ? value : "");
        }}
      />
      <Button
        size="xs"
        variant="light"
        aria-label={`Grant role to ${label(user)}`}
        disabled={!selected}
        loading={grant.isPending}
        onClick={() => {
          if (selected) grant.mutate({ userId: user.id, role: selected });
        }}
      >
        Grant
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
  const trpc = useTRPC();
  const invalidate = useInvalidateAfterRoleChange();
  const revoke = useMutation(
    trpc.users.revokeRole.mutationOptions({
      onSuccess: async (result, input) => {
        await invalidate(input.userId);
        onClose();
        const who = pending ? label(pending.user) : input.userId;
        notifySuccess(
          result.changed
            ? `Revoked ${input.role} from ${who}.`
            : `${who} didn't have the ${input.role} role.`,
        );
      },
    }),
  );
  return (
    <Modal opened={pending !== null} onClose={onClose} title="Revoke role" centered>
      {pending ? (
        <Stack>
          <Text size="sm">
            Revoke the <b>{pending.role}</b> role from {fullName(pending.user)} (
            {label(pending.user)})? They lose what it allows immediately and are notified by email.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={revoke.isPending}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={revoke.isPending}
              onClick={() => revoke.mutate({ userId: pending.user.id, role: pending.role })}
            >
              Revoke {pending.role}
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
  locale,
  onRevoke,
  onOpen,
}: {
  user: UserRow;
  selfId: string | undefined;
  locale: ConsoleLocale;
  onRevoke: (role: Role) => void;
  onOpen: () => void;
}) {
  return (
    <Table.Tr data-user-id={user.id}>
      <Table.Td>
        <Text size="sm">{user.email ?? "—"}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{fullName(user)}</Text>
      </Table.Td>
      <Table.Td>
        <RoleBadges
          roles={user.roles}
          owner={label(user)}
          onRevoke={onRevoke}
          locked={user.id === selfId ? { admin: "You can't revoke your own admin role" } : {}}
        />
      </Table.Td>
      <Table.Td>
        <GrantRole user={user} />
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {formatDateTime(user.createdAt, locale)}
        </Text>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="subtle"
          onClick={onOpen}
          aria-label={`Details of ${label(user)}`}
        >
          Details
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** Users & roles: search, filter by role, page through, grant and revoke. */
export function UsersPage() {
  const trpc = useTRPC();
  const locale = useLocale();
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
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Users & roles</Title>
        <Group align="flex-end">
          <TextInput
            label="Search"
            placeholder="Name or email"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={260}
          />
          <NativeSelect
            label="Role"
            value={role}
            data={[
              { value: "", label: "All roles" },
              ...ROLES.map((r) => ({ value: r, label: r })),
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
        label="Users"
        noun="users"
        singular="user"
        plural="users"
        minWidth={960}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>Email</Table.Th>
            <Table.Th>Name</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Grant role</Table.Th>
            <Table.Th>Created</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={6}
        empty="No users match."
        rowKey={(user) => user.id}
        row={(user) => (
          <UserTableRow
            user={user}
            selfId={me.data?.id}
            locale={locale}
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
