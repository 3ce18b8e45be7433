import type { AdvisorStatus } from "@an/domain";
import {
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { advisorPayoutsPath } from "../payouts/payout-tables";
import { ReasonModal } from "../../components/reason-modal";
import { formatDateTime, formatMoney } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type AdvisorRow = RouterOutputs["advisors"]["list"]["items"][number];

const SEARCH_DEBOUNCE_MS = 300;

const STATUS_OPTIONS = [
  { value: "", label: "All statuses" },
  { value: "active", label: "Active" },
  { value: "suspended", label: "Suspended" },
] as const satisfies readonly { value: AdvisorStatus | ""; label: string }[];

const FLAG_OPTIONS = [
  { value: "", label: "Flagged or not" },
  { value: "flagged", label: "Flagged for re-check" },
  { value: "clear", label: "Not flagged" },
] as const;

type FlagFilter = (typeof FLAG_OPTIONS)[number]["value"];

function label(advisor: AdvisorRow): string {
  return advisor.displayName || advisor.email || advisor.userId;
}

/** Refetches what a suspension or a cleared flag changes. */
function useInvalidateAdvisors() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return () => invalidate(trpc.advisors.pathKey(), trpc.notifications.list.pathKey());
}

type PendingChange = { advisor: AdvisorRow; action: "suspend" | "reinstate" };

/** Suspend or reinstate, each with the reason the audit log keeps. */
function StatusChangeModal({
  pending,
  onClose,
}: {
  pending: PendingChange | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateAdvisors();
  const onSuccess = async (message: string) => {
    await invalidate();
    onClose();
    notifySuccess(message);
  };
  const suspend = useMutation(
    trpc.advisors.suspend.mutationOptions({
      onSuccess: () => onSuccess(`Suspended ${pending ? label(pending.advisor) : "the advisor"}.`),
    }),
  );
  const reinstate = useMutation(
    trpc.advisors.reinstate.mutationOptions({
      onSuccess: () => onSuccess(`Reinstated ${pending ? label(pending.advisor) : "the advisor"}.`),
    }),
  );
  const suspending = pending?.action === "suspend";
  const name = pending ? label(pending.advisor) : "";
  return (
    <ReasonModal
      opened={pending !== null}
      title={suspending ? `Suspend ${name}` : `Reinstate ${name}`}
      label="Reason"
      description="Kept in the audit log."
      confirmLabel={suspending ? "Suspend advisor" : "Reinstate advisor"}
      color={suspending ? "red" : "teal"}
      maxLength={1000}
      pending={suspend.isPending || reinstate.isPending}
      onConfirm={(reason) => {
        if (!pending) return;
        const input = { advisorId: pending.advisor.userId, reason };
        if (suspending) suspend.mutate(input);
        else reinstate.mutate(input);
      }}
      onClose={onClose}
    >
      <Text size="sm">
        {suspending
          ? `${name} disappears from search and can't be booked until reinstated.`
          : `${name} shows in search and can be booked again.`}
      </Text>
    </ReasonModal>
  );
}

function AdvisorTableRow({
  advisor,
  locale,
  onChangeStatus,
}: {
  advisor: AdvisorRow;
  locale: ConsoleLocale;
  onChangeStatus: (action: PendingChange["action"]) => void;
}) {
  const trpc = useTRPC();
  const invalidate = useInvalidateAdvisors();
  const clearFlag = useMutation(
    trpc.advisors.clearFlag.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(`Cleared the re-check flag on ${label(advisor)}.`);
      },
    }),
  );
  const suspended = advisor.status === "suspended";
  return (
    <Table.Tr data-advisor-id={advisor.userId}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {advisor.displayName}
        </Text>
        <Text size="xs" c="dimmed">
          {advisor.email ?? advisor.userId}
        </Text>
        <Anchor
          component={Link}
          to={advisorPayoutsPath(advisor.userId)}
          size="xs"
          aria-label={`Payouts to ${label(advisor)}`}
        >
          Payouts
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm" lineClamp={2}>
          {advisor.headline}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <Badge color={suspended ? "red" : "teal"} variant="light">
            {suspended ? "Suspended" : "Active"}
          </Badge>
          {suspended && advisor.suspendedReason ? (
            <Text size="xs" c="dimmed" lineClamp={2}>
              {advisor.suspendedReason}
            </Text>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        {advisor.flaggedForReviewAt ? (
          <Stack gap={4} align="flex-start">
            <Tooltip
              label={`A sensitive profile change since ${formatDateTime(advisor.flaggedForReviewAt, locale)} awaits a re-check`}
              withArrow
              multiline
              w={260}
            >
              <Badge color="orange" variant="light">
                Flagged
              </Badge>
            </Tooltip>
            <Button
              size="compact-xs"
              variant="subtle"
              loading={clearFlag.isPending}
              aria-label={`Clear the re-check flag on ${label(advisor)}`}
              onClick={() => clearFlag.mutate({ advisorId: advisor.userId })}
            >
              Clear flag
            </Button>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        {formatMoney(advisor.hourlyRate, advisor.currency, locale)}
      </Table.Td>
      <Table.Td>{advisor.acceptingBookings ? "Yes" : "No"}</Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {formatDateTime(advisor.createdAt, locale)}
        </Text>
      </Table.Td>
      <Table.Td>
        {suspended ? (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={`Reinstate ${label(advisor)}`}
            onClick={() => onChangeStatus("reinstate")}
          >
            Reinstate
          </Button>
        ) : (
          <Button
            size="xs"
            variant="light"
            color="red"
            aria-label={`Suspend ${label(advisor)}`}
            onClick={() => onChangeStatus("suspend")}
          >
            Suspend
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Advisors: search, filter by status and re-check flag, suspend and reinstate. */
export function AdvisorsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const [search, setSearch] = useState("");
  const [debouncedSearch] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const [status, setStatus] = useState<AdvisorStatus | "">("");
  const [flag, setFlag] = useState<FlagFilter>("");
  const [pending, setPending] = useState<PendingChange | null>(null);

  const list = useInfiniteList(
    trpc.advisors.list.infiniteQueryOptions(
      {
        search: debouncedSearch || undefined,
        status: status || undefined,
        flagged: flag === "" ? undefined : flag === "flagged",
        limit: PAGE_SIZE,
      },
      { ...PAGING },
    ),
  );

  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <Title order={2}>Advisors</Title>
        <Group align="flex-end">
          <TextInput
            label="Search"
            placeholder="Name or email"
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={260}
          />
          <NativeSelect
            label="Status"
            value={status}
            data={STATUS_OPTIONS}
            onChange={(event) => {
              const value = STATUS_OPTIONS.find((o) => o.value === event.currentTarget.value);
              setStatus(value?.value ?? "");
            }}
          />
          <NativeSelect
            label="Re-check flag"
            value={flag}
            data={FLAG_OPTIONS}
            onChange={(event) => {
              const value = FLAG_OPTIONS.find((o) => o.value === event.currentTarget.value);
              setFlag(value?.value ?? "");
            }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label="Advisors"
        noun="advisors"
        singular="advisor"
        plural="advisors"
        minWidth={1100}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>Advisor</Table.Th>
            <Table.Th>Headline</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Re-check</Table.Th>
            <Table.Th>Rate</Table.Th>
            <Table.Th>Accepting</Table.Th>
            <Table.Th>Since</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={8}
        empty="No advisors match."
        rowKey={(advisor) => advisor.userId}
        row={(advisor) => (
          <AdvisorTableRow
            key={advisor.userId}
            advisor={advisor}
            locale={locale}
            onChangeStatus={(action) => setPending({ advisor, action })}
          />
        )}
      />

      <StatusChangeModal pending={pending} onClose={() => setPending(null)} />
    </Stack>
  );
}
