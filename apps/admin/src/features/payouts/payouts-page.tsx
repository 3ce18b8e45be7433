import { Group, NativeSelect, Stack, Tabs, Text, Title } from "@mantine/core";
import { useSearchParams } from "react-router";
import { ListStates, LoadMore } from "../../components/list-states";
import { BatchesTable, PayoutItemsTable, ReversalsTable } from "./payout-tables";
import {
  PAYOUT_BATCH_KIND_LABELS,
  type PayoutBatchKind,
  REVERSAL_STATUS_DISPLAY,
  type ReversalStatus,
} from "../../lib/payouts";
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
  return value in PAYOUT_BATCH_KIND_LABELS;
}

function isReversalStatus(value: string): value is ReversalStatus {
  return value in REVERSAL_STATUS_DISPLAY;
}

function Batches() {
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
          label="Kind"
          value={kind ?? ""}
          data={[
            { value: "", label: "Any kind" },
            ...Object.entries(PAYOUT_BATCH_KIND_LABELS).map(([value, label]) => ({
              value,
              label,
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
      <ListStates query={list.query} shown={batches.length} noun="payout batches">
        <BatchesTable batches={batches} label="Payout batches" busy={list.query.isFetching} />
        <LoadMore shown={batches.length} singular="batch" plural="batches" query={list.query} />
      </ListStates>
    </Stack>
  );
}

function Failures() {
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
        Items Stripe refused or that ran out of attempts (failed), and those waiting to be tried
        again (retrying); the longest failing first.
      </Text>
      <ListStates query={list.query} shown={items.length} noun="failed payout items">
        <PayoutItemsTable
          items={items}
          label="Failed and retrying payout items"
          busy={list.query.isFetching}
          empty="Nothing failing."
        />
        <LoadMore shown={items.length} singular="item" plural="items" query={list.query} />
      </ListStates>
    </Stack>
  );
}

function Reversals() {
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
          label="Status"
          value={status ?? ""}
          data={[
            { value: "", label: "Any status" },
            ...Object.entries(REVERSAL_STATUS_DISPLAY).map(([value, d]) => ({
              value,
              label: d.label,
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
      <ListStates query={list.query} shown={reversals.length} noun="transfer reversals">
        <ReversalsTable
          reversals={reversals}
          label="Transfer reversals"
          busy={list.query.isFetching}
        />
        <LoadMore
          shown={reversals.length}
          singular="reversal"
          plural="reversals"
          query={list.query}
        />
      </ListStates>
    </Stack>
  );
}

/** Payouts to advisors: batches, the items that are failing, and transfer reversals. */
export function PayoutsPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const tabParam = searchParams.get("tab");
  const tab: Tab = isTab(tabParam) ? tabParam : "batches";
  return (
    <Stack gap="lg">
      <Stack gap={0}>
        <Title order={2}>Payouts</Title>
        <Text size="sm" c="dimmed">
          One batch per advisor and run, one item (a Stripe transfer) per released consultation.
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) => setSearchParams(value && value !== "batches" ? { tab: value } : {})}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="batches">Batches</Tabs.Tab>
          <Tabs.Tab value="failures">Failures</Tabs.Tab>
          <Tabs.Tab value="reversals">Reversals</Tabs.Tab>
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
