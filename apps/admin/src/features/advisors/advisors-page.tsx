import type { AdvisorStatus } from "@an/domain";
import {
  Anchor,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Trans } from "react-i18next";
import { Link } from "react-router";
import { advisorPayoutsPath } from "../payouts/payout-tables";
import { Data, DateTime, Money } from "../../components/formatted";
import { ReasonModal } from "../../components/reason-modal";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type AdvisorRow = RouterOutputs["advisors"]["list"]["items"][number];

const SEARCH_DEBOUNCE_MS = 300;

/** The status filter's options, each labelled from `console.advisors.statusFilter.<value>`. */
const STATUS_OPTIONS = ["", "active", "suspended"] as const satisfies readonly (
  AdvisorStatus | ""
)[];

/** The re-check filter's options, each labelled from `console.advisors.flagFilter.<value>`. */
const FLAG_OPTIONS = ["", "flagged", "clear"] as const;

type FlagFilter = (typeof FLAG_OPTIONS)[number];

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
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateAdvisors();
  const onSuccess = async (message: string) => {
    await invalidate();
    onClose();
    notifySuccess(message);
  };
  const name = pending ? label(pending.advisor) : "";
  const suspend = useMutation(
    trpc.advisors.suspend.mutationOptions({
      onSuccess: () => onSuccess(t("console.advisors.suspended", { name })),
    }),
  );
  const reinstate = useMutation(
    trpc.advisors.reinstate.mutationOptions({
      onSuccess: () => onSuccess(t("console.advisors.reinstated", { name })),
    }),
  );
  const suspending = pending?.action === "suspend";
  return (
    <ReasonModal
      opened={pending !== null}
      title={
        suspending
          ? t("console.advisors.suspendNamed", { name })
          : t("console.advisors.reinstateNamed", { name })
      }
      label={t("console.advisors.reason")}
      description={t("console.advisors.reasonHelp")}
      confirmLabel={
        suspending ? t("console.advisors.suspendConfirm") : t("console.advisors.reinstateConfirm")
      }
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
        <Trans
          i18nKey={
            suspending ? "console.advisors.suspendEffect" : "console.advisors.reinstateEffect"
          }
          components={{ name: <Data>{name}</Data> }}
        />
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
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidateAdvisors();
  const clearFlag = useMutation(
    trpc.advisors.clearFlag.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(t("console.advisors.flagCleared", { name: label(advisor) }));
      },
    }),
  );
  const suspended = advisor.status === "suspended";
  return (
    <Table.Tr data-advisor-id={advisor.userId}>
      <Table.Td>
        <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
          <Data>{advisor.displayName}</Data>
        </Text>
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          <Data>{advisor.email ?? advisor.userId}</Data>
        </Text>
        <Anchor
          component={Link}
          to={advisorPayoutsPath(advisor.userId)}
          size="xs"
          aria-label={t("console.advisors.payoutsTo", { name: label(advisor) })}
        >
          {t("console.advisors.payouts")}
        </Anchor>
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <Data>{advisor.headline}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <StatusBadge
            color={suspended ? "red" : "teal"}
            label={t(`console.advisors.status.${advisor.status}`)}
          />
          {suspended && advisor.suspendedReason ? (
            <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
              <Data>{advisor.suspendedReason}</Data>
            </Text>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        {advisor.flaggedForReviewAt ? (
          <Stack gap={4} align="flex-start">
            <StatusBadge
              color="orange"
              label={t("console.advisors.flagged")}
              meaning={t("console.advisors.flaggedMeaning", {
                since: formatDateTime(advisor.flaggedForReviewAt, locale),
              })}
            />
            <Button
              size="compact-xs"
              variant="subtle"
              loading={clearFlag.isPending}
              aria-label={t("console.advisors.clearFlagNamed", { name: label(advisor) })}
              onClick={() => clearFlag.mutate({ advisorId: advisor.userId })}
            >
              {t("console.advisors.clearFlag")}
            </Button>
          </Stack>
        ) : (
          <Text size="sm" c="dimmed">
            —
          </Text>
        )}
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Money amount={advisor.hourlyRate} currency={advisor.currency} />
      </Table.Td>
      <Table.Td>
        {advisor.acceptingBookings ? t("console.advisors.yes") : t("console.advisors.no")}
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          <DateTime value={advisor.createdAt} />
        </Text>
      </Table.Td>
      <Table.Td>
        {suspended ? (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={t("console.advisors.reinstateNamed", { name: label(advisor) })}
            onClick={() => onChangeStatus("reinstate")}
          >
            {t("console.advisors.reinstate")}
          </Button>
        ) : (
          <Button
            size="xs"
            variant="subtle"
            color="red"
            aria-label={t("console.advisors.suspendNamed", { name: label(advisor) })}
            onClick={() => onChangeStatus("suspend")}
          >
            {t("console.advisors.suspend")}
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** Advisors: search, filter by status and re-check flag, suspend and reinstate. */
export function AdvisorsPage() {
  const t = useT();
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
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Title order={2}>{t("console.advisors.title")}</Title>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("console.advisors.search")}
            placeholder={t("console.advisors.searchPlaceholder")}
            value={search}
            onChange={(event) => setSearch(event.currentTarget.value)}
            w={{ base: "100%", xs: 260 }}
          />
          <NativeSelect
            label={t("console.advisors.statusLabel")}
            value={status}
            data={STATUS_OPTIONS.map((value) => ({
              value,
              label: t(`console.advisors.statusFilter.${value || "all"}`),
            }))}
            onChange={(event) => {
              const value = STATUS_OPTIONS.find((o) => o === event.currentTarget.value);
              setStatus(value ?? "");
            }}
          />
          <NativeSelect
            label={t("console.advisors.flagLabel")}
            value={flag}
            data={FLAG_OPTIONS.map((value) => ({
              value,
              label: t(`console.advisors.flagFilter.${value || "all"}`),
            }))}
            onChange={(event) => {
              const value = FLAG_OPTIONS.find((o) => o === event.currentTarget.value);
              setFlag(value ?? "");
            }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label={t("console.advisors.table")}
        noun={t("console.advisors.noun")}
        singular={t("console.advisors.singular")}
        plural={t("console.advisors.plural")}
        minWidth={1100}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.advisors.advisor")}</Table.Th>
            <Table.Th>{t("console.advisors.headline")}</Table.Th>
            <Table.Th>{t("console.advisors.statusLabel")}</Table.Th>
            <Table.Th>{t("console.advisors.recheck")}</Table.Th>
            <Table.Th>{t("console.advisors.rate")}</Table.Th>
            <Table.Th>{t("console.advisors.accepting")}</Table.Th>
            <Table.Th>{t("console.advisors.since")}</Table.Th>
            <Table.Th>{t("console.advisors.actions")}</Table.Th>
          </>
        }
        columns={8}
        empty={t("console.advisors.empty")}
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
