import {
  Alert,
  Anchor,
  Button,
  Center,
  Code,
  Group,
  Loader,
  Modal,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { ScrollTable } from "../../components/scroll-table";
import { useMutation, useQuery } from "@tanstack/react-query";
import { DateTime } from "../../components/formatted";
import { useState } from "react";
import { Link } from "react-router";
import { SubscriptionStatusBadge } from "./billing-parts";
import { ErrorNote } from "../sandbox/error-note";
import { EmptyRow } from "../../components/list-states";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Run = RouterOutputs["billingAdmin"]["listReconciliationRuns"]["runs"][number];

/** A run is filled in by the worker: poll while one is unfinished, as provider reports do. */
const RUNNING_REFRESH_MS = 2_000;

type Value = string | number | boolean | null;

/** One field of one subscription that differed: ours before the re-sync, and Stripe's. */
type FieldDifference = { subscriptionId: string; field: string; ours: Value; stripe: Value };

/** One customer the run found differing, and what differed. */
type CustomerDifferences = {
  stripeCustomerId: string;
  userId: string | null;
  differences: FieldDifference[];
};

/** The fields the sync compares (BillingDifference in @an/db), each with its own label. */
const FIELDS = [
  "subscription",
  "status",
  "stripePriceId",
  "amount",
  "currentPeriodEnd",
  "cancelAtPeriodEnd",
  "cancelAt",
  "endedAt",
  "trialEnd",
  "pastDueSince",
  "duplicate",
  "pendingStripePriceId",
] as const;

/** Fields whose values are subscription statuses (a new subscription shows Stripe's status). */
const STATUS_FIELDS = new Set(["subscription", "status"]);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function isValue(value: unknown): value is Value {
  return (
    value === null ||
    typeof value === "string" ||
    typeof value === "number" ||
    typeof value === "boolean"
  );
}

function isFieldDifference(value: unknown): value is FieldDifference {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.subscriptionId === "string" &&
    typeof v.field === "string" &&
    isValue(v.ours) &&
    isValue(v.stripe)
  );
}

/** The run's `differences`, which the table stores as free JSON: what reads, skipping the rest. */
function customersOf(differences: unknown): CustomerDifferences[] {
  if (!Array.isArray(differences)) return [];
  return differences.flatMap((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) return [];
    const e = entry as Record<string, unknown>;
    if (typeof e.stripeCustomerId !== "string" || !Array.isArray(e.differences)) return [];
    return [
      {
        stripeCustomerId: e.stripeCustomerId,
        userId: typeof e.userId === "string" ? e.userId : null,
        differences: e.differences.filter(isFieldDifference),
      },
    ];
  });
}

/** A compared value as an operator reads it: statuses and dates in words, "—" for none. */
function FieldValue({ field, value }: { field: string; value: Value }) {
  const t = useT();
  if (value === null) return <>—</>;
  if (typeof value === "boolean") {
    return <>{value ? t("console.billing.yes") : t("console.billing.no")}</>;
  }
  if (typeof value === "string" && STATUS_FIELDS.has(field)) {
    return <SubscriptionStatusBadge status={value} />;
  }
  if (typeof value === "string" && ISO_INSTANT.test(value)) {
    return (
      <>
        <DateTime value={value} />
      </>
    );
  }
  return <Code fz="xs">{String(value)}</Code>;
}

function fieldLabel(t: ReturnType<typeof useT>, field: string): string {
  return (FIELDS as readonly string[]).includes(field)
    ? t(`console.billing.reconciliation.fields.${field}`)
    : field;
}

/** Every field that differed in one run, customer by customer. */
function RunDifferences({ run, locale }: { run: Run; locale: ConsoleLocale }) {
  const t = useT();
  const customers = customersOf(run.differences);
  const rows = customers.flatMap((c) => c.differences.map((d) => ({ customer: c, d })));
  return (
    <ScrollTable
      minWidth={900}
      label={t("console.billing.reconciliation.differencesOf", {
        at: formatDateTime(run.startedAt, locale),
      })}
    >
      <Table
        verticalSpacing={4}
        fz="sm"
        aria-label={t("console.billing.reconciliation.differencesOf", {
          at: formatDateTime(run.startedAt, locale),
        })}
        data-testid="subscription-reconciliation-differences"
      >
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("console.billing.reconciliation.customer")}</Table.Th>
            <Table.Th>{t("console.billing.reconciliation.subscription")}</Table.Th>
            <Table.Th>{t("console.billing.reconciliation.field")}</Table.Th>
            <Table.Th>{t("console.billing.reconciliation.ours")}</Table.Th>
            <Table.Th>{t("console.billing.reconciliation.stripe")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ customer, d }, index) => (
            <Table.Tr
              key={`${customer.stripeCustomerId}:${d.subscriptionId}:${d.field}:${index}`}
              data-field={d.field}
            >
              <Table.Td>
                <Stack gap={0}>
                  {customer.userId ? (
                    <Anchor
                      component={Link}
                      to={`/subscribers/${encodeURIComponent(customer.userId)}`}
                      size="sm"
                    >
                      {customer.userId}
                    </Anchor>
                  ) : (
                    <Text size="sm">{t("console.billing.reconciliation.unknownUser")}</Text>
                  )}
                  <Text size="xs" c="dimmed" ff="monospace">
                    {customer.stripeCustomerId}
                  </Text>
                </Stack>
              </Table.Td>
              <Table.Td>
                <Code fz="xs">{d.subscriptionId}</Code>
              </Table.Td>
              <Table.Td>{fieldLabel(t, d.field)}</Table.Td>
              <Table.Td>
                <FieldValue field={d.field} value={d.ours} />
              </Table.Td>
              <Table.Td>
                <FieldValue field={d.field} value={d.stripe} />
              </Table.Td>
            </Table.Tr>
          ))}
          {rows.length === 0 ? (
            <EmptyRow colSpan={5}>{t("console.billing.reconciliation.noDifferences")}</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

function RunRow({
  run,
  locale,
  expanded,
  onToggle,
}: {
  run: Run;
  locale: ConsoleLocale;
  expanded: boolean;
  onToggle: () => void;
}) {
  const t = useT();
  const finished = run.finishedAt !== null;
  const detailsId = `subscription-reconciliation-${run.id}`;
  return (
    <>
      <Table.Tr
        data-run-id={run.id}
        data-finished={finished ? "true" : "false"}
        data-differing={finished ? run.customersDiffering : undefined}
      >
        <Table.Td style={{ whiteSpace: "nowrap" }}>
          <DateTime value={run.startedAt} />
        </Table.Td>
        <Table.Td style={{ whiteSpace: "nowrap" }}>
          {finished ? (
            formatDateTime(run.finishedAt, locale)
          ) : (
            <StatusBadge
              label={t("console.billing.reconciliation.running")}
              color="blue"
              data={{ "data-testid": "subscription-reconciliation-running" }}
            />
          )}
        </Table.Td>
        <Table.Td ta="end">{finished ? run.customersChecked : "—"}</Table.Td>
        <Table.Td ta="end" c={run.customersDiffering > 0 ? "orange" : undefined}>
          {finished ? run.customersDiffering : "—"}
        </Table.Td>
        <Table.Td ta="end" c={run.failures > 0 ? "red" : undefined}>
          {finished ? run.failures : "—"}
        </Table.Td>
        <Table.Td>
          {run.requestedBy ? (
            <Code fz="xs">{run.requestedBy}</Code>
          ) : (
            t("console.billing.reconciliation.nightly")
          )}
        </Table.Td>
        <Table.Td>
          {finished ? (
            <Button
              size="xs"
              variant="subtle"
              aria-expanded={expanded}
              aria-controls={expanded ? detailsId : undefined}
              onClick={onToggle}
            >
              {expanded
                ? t("console.billing.reconciliation.hideDifferences")
                : t("console.billing.reconciliation.showDifferences", {
                    n: run.customersDiffering,
                  })}
            </Button>
          ) : null}
        </Table.Td>
      </Table.Tr>
      {expanded && finished ? (
        <Table.Tr id={detailsId}>
          <Table.Td colSpan={7} bg="var(--mantine-color-gray-light)">
            <RunDifferences run={run} locale={locale} />
          </Table.Td>
        </Table.Tr>
      ) : null}
    </>
  );
}

/** "Run now", asked first: every customer is read from Stripe again, in the background. */
function RunNow() {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [confirming, setConfirming] = useState(false);
  const run = useMutation(
    trpc.billingAdmin.runReconciliation.mutationOptions({
      onSuccess: async () => {
        // The new run is unfinished: the list picks it up and polls until it finishes.
        await invalidate(trpc.billingAdmin.listReconciliationRuns.pathKey());
        setConfirming(false);
        notifySuccess(t("console.billing.reconciliation.started"));
      },
    }),
  );
  const close = () => {
    setConfirming(false);
    run.reset();
  };
  return (
    <>
      <Button onClick={() => setConfirming(true)}>
        {t("console.billing.reconciliation.runNow")}
      </Button>
      <Modal
        opened={confirming}
        onClose={close}
        title={t("console.billing.reconciliation.confirmTitle")}
        centered
      >
        <Stack>
          <Text size="sm">{t("console.billing.reconciliation.confirmText")}</Text>
          <ErrorNote error={run.error} title={t("console.billing.reconciliation.runFailed")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={run.isPending}>
              {t("console.billing.cancel")}
            </Button>
            <Button loading={run.isPending} onClick={() => run.mutate({})}>
              {t("console.billing.reconciliation.runNow")}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

/**
 * The subscription reconciliation with Stripe (the worker's nightly run, or one an admin
 * starts): the recent runs with their counts, each opening onto what differed.
 */
export function SubscriptionReconciliation() {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const [expanded, setExpanded] = useState<string | null>(null);
  const runs = useQuery(
    trpc.billingAdmin.listReconciliationRuns.queryOptions(
      {},
      {
        refetchInterval: (query) =>
          query.state.data?.runs.some((r) => r.finishedAt === null) ? RUNNING_REFRESH_MS : false,
      },
    ),
  );
  const rows = runs.data?.runs ?? [];
  return (
    <Stack gap="sm" component="section" aria-label={t("console.billing.reconciliation.title")}>
      <Group justify="space-between" align="flex-start">
        <Stack gap={0} maw={720}>
          <Title order={3}>{t("console.billing.reconciliation.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.billing.reconciliation.intro")}
          </Text>
        </Stack>
        <RunNow />
      </Group>
      {runs.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("console.billing.reconciliation.loading")} />
        </Center>
      ) : runs.isError && rows.length === 0 ? (
        <Alert color="red" title={t("console.billing.reconciliation.loadFailed")} role="alert">
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{describeError(runs.error).message}</Text>
            <Button variant="light" size="xs" onClick={() => void runs.refetch()}>
              {t("console.billing.reconciliation.retry")}
            </Button>
          </Stack>
        </Alert>
      ) : (
        <ScrollTable minWidth={900} label={t("console.billing.reconciliation.runs")}>
          <Table
            striped
            aria-label={t("console.billing.reconciliation.runs")}
            data-testid="subscription-reconciliation-runs"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.billing.reconciliation.startedAt")}</Table.Th>
                <Table.Th>{t("console.billing.reconciliation.finishedAt")}</Table.Th>
                <Table.Th ta="end">{t("console.billing.reconciliation.checked")}</Table.Th>
                <Table.Th ta="end">{t("console.billing.reconciliation.differing")}</Table.Th>
                <Table.Th ta="end">{t("console.billing.reconciliation.failures")}</Table.Th>
                <Table.Th>{t("console.billing.reconciliation.requestedBy")}</Table.Th>
                <Table.Th>{t("console.billing.reconciliation.differences")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((run) => (
                <RunRow
                  key={run.id}
                  run={run}
                  locale={locale}
                  expanded={expanded === run.id}
                  onToggle={() => setExpanded((open) => (open === run.id ? null : run.id))}
                />
              ))}
              {rows.length === 0 ? (
                <EmptyRow colSpan={7}>{t("console.billing.reconciliation.empty")}</EmptyRow>
              ) : null}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
