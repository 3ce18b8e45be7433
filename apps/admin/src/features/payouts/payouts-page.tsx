import { Group, NativeSelect, Stack, Tabs, Text, Title } from "@mantine/core";
import { useSearchParams } from "react-router";
import { ListStates, LoadMore } from "../../components/list-states";
import { BatchesTable, PayoutItemsTable, ReversalsTable } from "./payout-tables";
import {
  PAYOUT_BATCH_KINDS,
  type PayoutBatchKind,
  REVERSAL_STATUS_COLORS,
  type ReversalStatus,
} from "../../lib/payouts";
import { useT } from "../../lib/i18n";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useTRPC } from "../../lib/trpc";

/** Failures refresh on their own: the worker retries behind the page. */
const FAILURES_REFRESH_MS = 15_000;

const TABS = ["batches", "failures", "reversals"] as const;
type Tab = (typeof TABS)[number];

function isTab(value: string | null): value is Tab {
  return (TABS as readonly (string | null)[]).includes(value);
}

function isKind(value: string): value is PayoutBatchKind {
  return (PAYOUT_BATCH_KINDS as readonly string[]).includes(value);
}

function isReversalStatus(value: string): value is ReversalStatus {
  return value in REVERSAL_STATUS_COLORS;
}

function Batches() {
  const t = useT();
  const trpc = useTRPC();
  const [searchParams, setSearchParams] = useSearchParams();
  const kindParam = searchParams.get("kind") ?? "";
  const kind = isKind(kindParam) ? kindParam : undefined;
  const list = useInfiniteList(
    trpc.payoutAdmin.listBatches.infiniteQueryOptions({ kind, limit: PAGE_SIZE }, { ...PAGING }),
  );
  const batches = list.items;
  return (
    <Stack gap="sm">
      <Group>
        <NativeSelect
          label={t("console.payouts.kindFilter")}
          value={kind ?? ""}
          data={[
            { value: "", label: t("console.payouts.anyKind") },
            ...PAYOUT_BATCH_KINDS.map((value) => ({
              value,
              label: t(`console.payouts.kind.${value}`),
            })),
          ]}
          onChange={(event) => {
            const next = new URLSearchParams(searchParams);
            if (event.currentTarget.value) next.set("kind", event.currentTarget.value);
            else next.delete("kind");
            setSearchParams(next);
          }}
        />
      </Group>
      <ListStates
        query={list.query}
        shown={batches.length}
        noun={t("console.payouts.nouns.batches")}
      >
        <BatchesTable
          batches={batches}
          label={t("console.payouts.batchesLabel")}
          busy={list.query.isFetching}
        />
        <LoadMore
          shown={batches.length}
          singular={t("console.payouts.nouns.batch")}
          plural={t("console.payouts.nouns.batches")}
          query={list.query}
        />
      </ListStates>
    </Stack>
  );
}

function Failures() {
  const t = useT();
  const trpc = useTRPC();
  const list = useInfiniteList(
    trpc.payoutAdmin.listItems.infiniteQueryOptions(
      { status: ["failed", "retrying"], order: "oldest_update", limit: PAGE_SIZE },
      {
        ...PAGING,
        refetchInterval: FAILURES_REFRESH_MS,
      },
    ),
  );
  const items = list.items;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        {t("console.payouts.failuresHint")}
      </Text>
      <ListStates
        query={list.query}
        shown={items.length}
        noun={t("console.payouts.nouns.failedItems")}
      >
        <PayoutItemsTable
          items={items}
          label={t("console.payouts.failuresLabel")}
          busy={list.query.isFetching}
          empty={t("console.payouts.nothingFailing")}
        />
        <LoadMore
          shown={items.length}
          singular={t("console.payouts.nouns.item")}
          plural={t("console.payouts.nouns.items")}
          query={list.query}
        />
      </ListStates>
    </Stack>
  );
}

function Reversals() {
  const t = useT();
  const trpc = useTRPC();
  const [searchParams, setSearchParams] = useSearchParams();
  const statusParam = searchParams.get("status") ?? "";
  const status = isReversalStatus(statusParam) ? statusParam : undefined;
  const list = useInfiniteList(
    trpc.payoutAdmin.listReversals.infiniteQueryOptions(
      { status: status ? [status] : undefined, limit: PAGE_SIZE },
      { ...PAGING },
    ),
  );
  const reversals = list.items;
  return (
    <Stack gap="sm">
      <Group>
        <NativeSelect
          label={t("console.payouts.statusFilter")}
          value={status ?? ""}
          data={[
            { value: "", label: t("console.payouts.anyStatus") },
            ...Object.keys(REVERSAL_STATUS_COLORS).map((value) => ({
              value,
              label: t(`console.payouts.reversalStatus.${value}`),
            })),
          ]}
          onChange={(event) => {
            const next = new URLSearchParams(searchParams);
            if (event.currentTarget.value) next.set("status", event.currentTarget.value);
            else next.delete("status");
            setSearchParams(next);
          }}
        />
      </Group>
      <ListStates
        query={list.query}
        shown={reversals.length}
        noun={t("console.payouts.nouns.reversals")}
      >
        <ReversalsTable
          reversals={reversals}
          label={t("console.payouts.reversalsLabel")}
          busy={list.query.isFetching}
        />
        <LoadMore
          shown={reversals.length}
          singular={t("console.payouts.nouns.reversal")}
          plural={t("console.payouts.nouns.reversals")}
          query={list.query}
        />
      </ListStates>
    </Stack>
  );
}

/** Payouts to advisors: batches, the items that are failing, and transfer reversals. */
export function PayoutsPage() {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const tabParam = searchParams.get("tab");
  const tab: Tab = isTab(tabParam) ? tabParam : "batches";
  return (
    <Stack gap="lg">
      <Stack gap={0}>
        <Title order={2}>{t("console.payouts.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.payouts.subtitle")}
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) => setSearchParams(value && value !== "batches" ? { tab: value } : {})}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="batches">{t("console.payouts.tabs.batches")}</Tabs.Tab>
          <Tabs.Tab value="failures">{t("console.payouts.tabs.failures")}</Tabs.Tab>
          <Tabs.Tab value="reversals">{t("console.payouts.tabs.reversals")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="batches" pt="md">
          <Batches />
        </Tabs.Panel>
        <Tabs.Panel value="failures" pt="md">
          <Failures />
        </Tabs.Panel>
        <Tabs.Panel value="reversals" pt="md">
          <Reversals />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
