import {
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { Money, DateTime } from "../../components/formatted";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { SubscriptionStatusBadge } from "./billing-parts";
import { SubscriptionReconciliation } from "./subscription-reconciliation";
import { InfiniteTable } from "../../components/infinite-table";
import { useT } from "../../lib/i18n";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { type RouterInputs, type RouterOutputs, useTRPC, useTRPCClient } from "../../lib/trpc";

type Row = RouterOutputs["billingAdmin"]["listSubscribers"]["items"][number];
type Input = Exclude<RouterInputs["billingAdmin"]["listSubscribers"], void | undefined>;
type Status = NonNullable<Input["status"]>;

const SEARCH_DEBOUNCE_MS = 400;

/** The statuses the filter offers, as Stripe names them. */
const STATUSES = [
  "active",
  "trialing",
  "past_due",
  "unpaid",
  "incomplete",
  "incomplete_expired",
  "canceled",
  "paused",
] as const satisfies readonly Status[];

function SubscriberRow({ row }: { row: Row }) {
  const t = useT();
  return (
    <Table.Tr data-user-id={row.userId}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {row.name || "—"}
        </Text>
        <Text size="xs" c="dimmed">
          {row.email ?? row.userId}
        </Text>
      </Table.Td>
      <Table.Td>{row.planName ?? row.planKey ?? "—"}</Table.Td>
      <Table.Td>
        <SubscriptionStatusBadge status={row.status} />
        {row.cancelAtPeriodEnd ? (
          <Text size="xs" c="orange">
            {t("console.billing.cancelsAtPeriodEnd")}
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Money amount={row.amount} currency={row.currency} />
        {row.interval ? ` / ${t(`console.billing.interval.${row.interval}`)}` : ""}
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <DateTime value={row.currentPeriodEnd} />
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <DateTime value={row.syncedAt} />
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/subscribers/${encodeURIComponent(row.userId)}`}
          aria-label={t("console.billing.subscribers.openLabel", {
            name: row.name || row.email || row.userId,
          })}
        >
          {t("console.billing.subscribers.open")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

const TABS = ["subscribers", "reconciliation"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return (TABS as readonly (string | null)[]).includes(value);
}

/** Everyone with a subscription, newest change first: search, filter by status and plan. */
function SubscriberList() {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const t = useT();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<Status | "">("");
  const [planKey, setPlanKey] = useState("");
  const [query] = useDebouncedValue(search.trim(), SEARCH_DEBOUNCE_MS);
  const plans = useQuery(trpc.billingAdmin.listPlans.queryOptions());
  const input: Input = {
    search: query || undefined,
    status: status || undefined,
    planKey: planKey || undefined,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList({
    ...trpc.billingAdmin.listSubscribers.infiniteQueryOptions(input, { ...PAGING }),
    // The procedure's input is strict and TanStack's paging adds `direction`, which it
    // refuses: ask for each page with the filters and the cursor only.
    queryFn: ({ pageParam }) =>
      client.billingAdmin.listSubscribers.query({
        ...input,
        cursor: typeof pageParam === "string" ? pageParam : undefined,
      }),
  });

  return (
    <Stack>
      <Group align="flex-end">
        <TextInput
          label={t("console.billing.subscribers.search")}
          placeholder={t("console.billing.subscribers.searchPlaceholder")}
          value={search}
          onChange={(event) => setSearch(event.currentTarget.value)}
          w={320}
        />
        <NativeSelect
          label={t("console.billing.subscribers.status")}
          value={status}
          data={[
            { value: "", label: t("console.billing.subscribers.anyStatus") },
            ...STATUSES.map((s) => ({ value: s, label: t(`console.billing.status.${s}`) })),
          ]}
          onChange={(event) => setStatus(event.currentTarget.value as Status | "")}
        />
        <NativeSelect
          label={t("console.billing.subscribers.plan")}
          value={planKey}
          data={[
            { value: "", label: t("console.billing.subscribers.anyPlan") },
            ...(plans.data?.plans ?? []).map((p) => ({ value: p.key, label: p.key })),
          ]}
          onChange={(event) => setPlanKey(event.currentTarget.value)}
        />
      </Group>
      <InfiniteTable
        list={list}
        label={t("console.billing.subscribers.title")}
        noun={t("console.billing.subscribers.noun")}
        singular={t("console.billing.subscribers.singular")}
        plural={t("console.billing.subscribers.plural")}
        minWidth={960}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.billing.subscribers.user")}</Table.Th>
            <Table.Th>{t("console.billing.subscribers.plan")}</Table.Th>
            <Table.Th>{t("console.billing.subscribers.status")}</Table.Th>
            <Table.Th>{t("console.billing.subscribers.price")}</Table.Th>
            <Table.Th>{t("console.billing.periodEnd")}</Table.Th>
            <Table.Th>{t("console.billing.subscribers.synced")}</Table.Th>
            <Table.Th>{t("console.billing.subscribers.actions")}</Table.Th>
          </>
        }
        columns={7}
        empty={t("console.billing.subscribers.empty")}
        rowKey={(row) => row.userId}
        row={(row) => <SubscriberRow row={row} />}
      />
    </Stack>
  );
}

/**
 * Subscribers as last synced from Stripe, and the reconciliation that checks that sync
 * against Stripe (nightly, or now on demand).
 */
export function SubscribersPage() {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const tabParam = searchParams.get("tab");
  const tab: Tab = isTab(tabParam) ? tabParam : "subscribers";
  return (
    <Stack>
      <Stack gap={0}>
        <Title order={2}>{t("console.billing.subscribers.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.billing.subscribers.intro")}
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) =>
          setSearchParams(value && value !== "subscribers" ? { tab: value } : {})
        }
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="subscribers">{t("console.billing.subscribers.title")}</Tabs.Tab>
          <Tabs.Tab value="reconciliation">{t("console.billing.reconciliation.title")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="subscribers" pt="md">
          <SubscriberList />
        </Tabs.Panel>
        <Tabs.Panel value="reconciliation" pt="md">
          <SubscriptionReconciliation />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
