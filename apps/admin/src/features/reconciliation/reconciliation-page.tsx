import type { ReconciliationStatus } from "@an/domain";
import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  type MantineColor,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { DetailStates, EmptyRow } from "../../components/list-states";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { addDays, dayStartUtc, utcDay } from "../../lib/payouts";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type Report = RouterOutputs["reconciliation"]["list"]["items"][number];
type ReportDetail = RouterOutputs["reconciliation"]["get"];
type ReportStatus = ReconciliationStatus;

/** A running report is filled in by the worker: poll until it finishes. */
const RUNNING_REFRESH_MS = 2_000;
/** The API's longest reconciliation period, in days. */
const MAX_DAYS = 93;

const STATUS_COLORS: Record<ReportStatus, MantineColor> = {
  running: "blue",
  completed: "teal",
  failed: "red",
};

function ReportStatusBadge({ report }: { report: Pick<Report, "status" | "differenceCount"> }) {
  const color =
    report.status === "completed" && report.differenceCount > 0
      ? "orange"
      : STATUS_COLORS[report.status];
  return (
    <StatusBadge
      label={report.status}
      color={color}
      data={{ "data-report-status": report.status }}
    />
  );
}

/** "Mar 1 – Mar 7, 2026" for `[from, to)`: `to` is exclusive, so the last day shown is the day before. */
function formatPeriod(from: string, to: string, locale: ConsoleLocale): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const last = new Date(new Date(to).getTime() - 1);
  return `${format.format(new Date(from))} – ${format.format(last)} (UTC)`;
}

/** Whole days from `from` to `to`, both included (YYYY-MM-DD). */
function daysBetween(from: string, to: string): number {
  return Math.round((dayStartUtc(to).getTime() - dayStartUtc(from).getTime()) / 86_400_000) + 1;
}

/**
 * Why a period can't be run, or null when it can: both days picked, in order, none after
 * today (there are no records yet), at most the API's longest period.
 */
function periodProblem(
  from: string,
  to: string,
  today: string,
  t: ReturnType<typeof useT>,
): string | null {
  if (!from || !to) return t("console.reconciliation.blocked.missing");
  if (from > today || to > today) return t("console.reconciliation.blocked.future", { today });
  if (to < from) return t("console.reconciliation.blocked.reversed");
  const days = daysBetween(from, to);
  if (days > MAX_DAYS) {
    return t("console.reconciliation.blocked.tooLong", { maxDays: MAX_DAYS, days });
  }
  return null;
}

/**
 * Picks whole UTC days and starts a reconciliation of them. The default is the last seven
 * days up to and including today, so a first run already finds today's payouts.
 */
function RunForm() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const navigate = useNavigate();
  const t = useT();
  const today = utcDay(new Date());
  const [from, setFrom] = useState(addDays(today, -6));
  const [to, setTo] = useState(today);
  const run = useMutation(
    trpc.reconciliation.run.mutationOptions({
      onSuccess: async (report) => {
        await invalidate(trpc.reconciliation.pathKey());
        notifySuccess("Reconciliation started.");
        void navigate(`/reconciliation/${report.id}`);
      },
    }),
  );
  const problem = periodProblem(from, to, today, t);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    run.mutate({
      from: dayStartUtc(from).toISOString(),
      // The last day is included: the period ends at the next day's start.
      to: dayStartUtc(addDays(to, 1)).toISOString(),
    });
  };
  return (
    <Card withBorder padding="md" component="section" aria-label="Run a reconciliation">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={4}>Run a reconciliation</Title>
          <Group align="flex-end">
            <TextInput
              type="date"
              label={t("console.reconciliation.from")}
              value={from}
              max={to && to < today ? to : today}
              onChange={(event) => setFrom(event.currentTarget.value)}
              required
            />
            <TextInput
              type="date"
              label={t("console.reconciliation.to")}
              value={to}
              min={from}
              max={today}
              onChange={(event) => setTo(event.currentTarget.value)}
              required
            />
            <Button
              type="submit"
              loading={run.isPending}
              disabled={problem !== null}
              aria-describedby={problem ? "reconciliation-run-blocked" : undefined}
            >
              {t("console.reconciliation.run")}
            </Button>
          </Group>
          {problem ? (
            <Text size="sm" c="orange.8" id="reconciliation-run-blocked" role="status">
              {problem}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            Compares our transfers, reversals, refunds, charges and ledger with Stripe&apos;s for
            the period; at most {MAX_DAYS} days. A nightly run covers the previous day.
          </Text>
          {run.isError ? (
            <Alert color="red" title="Couldn't start the reconciliation" role="alert">
              {describeError(run.error).message}
            </Alert>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}

function ReportsTable() {
  const trpc = useTRPC();
  const locale = useLocale();
  const list = useInfiniteList(
    trpc.reconciliation.list.infiniteQueryOptions(
      { limit: PAGE_SIZE },
      {
        ...PAGING,
        refetchInterval: (query) =>
          query.state.data?.pages.some((p) => p.items.some((r) => r.status === "running"))
            ? RUNNING_REFRESH_MS
            : false,
      },
    ),
  );
  return (
    <Stack gap="xs">
      <Title order={4}>Reports</Title>
      <InfiniteTable
        list={list}
        label="Reconciliation reports"
        noun="reconciliation reports"
        singular="report"
        plural="reports"
        minWidth={800}
        head={
          <>
            <Table.Th>Period</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th ta="end">Differences</Table.Th>
            <Table.Th>Started</Table.Th>
            <Table.Th>By</Table.Th>
            <Table.Th>
              <VisuallyHidden>Open</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={6}
        empty="No reports yet."
        rowKey={(r) => r.id}
        row={(r) => (
          <Table.Tr key={r.id} data-report-id={r.id}>
            <Table.Td>{formatPeriod(r.periodFrom, r.periodTo, locale)}</Table.Td>
            <Table.Td>
              <ReportStatusBadge report={r} />
            </Table.Td>
            <Table.Td ta="end">{r.status === "completed" ? r.differenceCount : "—"}</Table.Td>
            <Table.Td style={{ whiteSpace: "nowrap" }}>
              {formatDateTime(r.startedAt, locale)}
            </Table.Td>
            <Table.Td>{r.requestedBy ?? "Nightly run"}</Table.Td>
            <Table.Td>
              <Anchor component={Link} to={`/reconciliation/${r.id}`} size="sm">
                Open
              </Anchor>
            </Table.Td>
          </Table.Tr>
        )}
      />
    </Stack>
  );
}

/** Reconciliation of our records with Stripe's: run one for a period, list the reports. */
export function ReconciliationPage() {
  return (
    <Stack gap="lg">
      <Stack gap={0}>
        <Title order={2}>Reconciliation</Title>
        <Text size="sm" c="dimmed">
          Whether what we recorded matches what Stripe did, object by object and in the ledger.
        </Text>
      </Stack>
      <RunForm />
      <ReportsTable />
    </Stack>
  );
}

type Totals = { count: number; amount: number };
type Pair = { ours: Totals; provider: Totals };

const SUMMARY_TYPES = [
  { key: "transfers", label: "Transfers" },
  { key: "reversals", label: "Transfer reversals" },
  { key: "refunds", label: "Refunds" },
  { key: "charges", label: "Charges" },
] as const;

function isTotals(value: unknown): value is Totals {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.count === "number" && typeof v.amount === "number";
}

/** `summary[type]` as currency → ours/provider totals; the report stores it as free JSON. */
function pairsOf(summary: unknown, key: string): [string, Pair][] {
  if (typeof summary !== "object" || summary === null) return [];
  const section = (summary as Record<string, unknown>)[key];
  if (typeof section !== "object" || section === null) return [];
  return Object.entries(section as Record<string, unknown>).flatMap(([currency, value]) => {
    const v = value as { ours?: unknown; provider?: unknown } | null;
    return v && isTotals(v.ours) && isTotals(v.provider)
      ? [[currency, { ours: v.ours, provider: v.provider }] as [string, Pair]]
      : [];
  });
}

type LedgerPair = { ledger: number; provider: number };
type LedgerRow = { transfers: LedgerPair; refunds: LedgerPair };

function isLedgerPair(value: unknown): value is LedgerPair {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.ledger === "number" && typeof v.provider === "number";
}

/** `summary.ledger` as currency → the ledger's transfer and refund totals vs Stripe's. */
function ledgerOf(summary: unknown): [string, LedgerRow][] {
  if (typeof summary !== "object" || summary === null) return [];
  const section = (summary as Record<string, unknown>).ledger;
  if (typeof section !== "object" || section === null) return [];
  const rows: [string, LedgerRow][] = [];
  for (const [currency, value] of Object.entries(section as Record<string, unknown>)) {
    const v = value as { transfers?: unknown; refunds?: unknown } | null;
    if (v && isLedgerPair(v.transfers) && isLedgerPair(v.refunds)) {
      rows.push([currency, { transfers: v.transfers, refunds: v.refunds }]);
    }
  }
  return rows;
}

/** Ours vs Stripe's count and total per object type and currency, then the ledger's totals. */
function SummaryTable({ report, locale }: { report: ReportDetail; locale: ConsoleLocale }) {
  const rows = SUMMARY_TYPES.flatMap(({ key, label }) =>
    pairsOf(report.summary, key).map(([currency, pair]) => ({ label, currency, pair })),
  );
  const ledger = ledgerOf(report.summary);
  const money = (amount: number, currency: string) => formatMoney(amount, currency, locale);
  return (
    <Stack gap="xs">
      <Table verticalSpacing={4} fz="sm" aria-label="Ours and provider totals">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Type</Table.Th>
            <Table.Th>Currency</Table.Th>
            <Table.Th ta="end">Ours</Table.Th>
            <Table.Th ta="end">Stripe</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ label, currency, pair }) => {
            const same =
              pair.ours.count === pair.provider.count && pair.ours.amount === pair.provider.amount;
            return (
              <Table.Tr key={`${label}:${currency}`}>
                <Table.Td>{label}</Table.Td>
                <Table.Td>{currency}</Table.Td>
                <Table.Td ta="end">
                  {pair.ours.count} · {money(pair.ours.amount, currency)}
                </Table.Td>
                <Table.Td ta="end" c={same ? undefined : "red"}>
                  {pair.provider.count} · {money(pair.provider.amount, currency)}
                </Table.Td>
              </Table.Tr>
            );
          })}
          {ledger.flatMap(([currency, l]) =>
            (
              [
                ["Ledger: transfers", l.transfers],
                ["Ledger: refunds", l.refunds],
              ] as const
            ).map(([label, pair]) => (
              <Table.Tr key={`${label}:${currency}`}>
                <Table.Td>{label}</Table.Td>
                <Table.Td>{currency}</Table.Td>
                <Table.Td ta="end">{money(pair.ledger, currency)}</Table.Td>
                <Table.Td ta="end" c={pair.ledger === pair.provider ? undefined : "red"}>
                  {money(pair.provider, currency)}
                </Table.Td>
              </Table.Tr>
            )),
          )}
          {rows.length === 0 && ledger.length === 0 ? (
            <EmptyRow colSpan={4}>Nothing at either side in this period.</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function DifferencesTable({ report, locale }: { report: ReportDetail; locale: ConsoleLocale }) {
  return (
    <Table.ScrollContainer minWidth={1000}>
      <Table striped verticalSpacing="xs" aria-label="Differences">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Kind</Table.Th>
            <Table.Th>Object</Table.Th>
            <Table.Th>What differs</Table.Th>
            <Table.Th ta="end">Ours</Table.Th>
            <Table.Th ta="end">Stripe</Table.Th>
            <Table.Th>Consultation</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.differences.map((d) => (
            <Table.Tr key={d.id} data-difference-kind={d.kind}>
              <Table.Td>
                <Code fz="xs">{d.kind}</Code>
              </Table.Td>
              <Table.Td>
                <Stack gap={0}>
                  <Text size="sm">{d.objectType}</Text>
                  {d.providerObjectId ? (
                    <Text size="xs" c="dimmed" ff="monospace">
                      {d.providerObjectId}
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
              <Table.Td maw={480}>
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  {d.message}
                </Text>
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                {formatMoney(d.ourAmount, d.currency, locale)}
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                {formatMoney(d.providerAmount, d.currency, locale)}
              </Table.Td>
              <Table.Td>
                {d.consultationId ? (
                  <Anchor
                    component={Link}
                    to={`/consultations/${d.consultationId}`}
                    size="sm"
                    ff="monospace"
                  >
                    {d.consultationId.slice(0, 8)}
                  </Anchor>
                ) : (
                  "—"
                )}
              </Table.Td>
            </Table.Tr>
          ))}
          {report.differences.length === 0 ? (
            <EmptyRow colSpan={6}>No differences: our records match Stripe&apos;s.</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** One reconciliation report: its status, the totals compared, and every difference found. */
export function ReconciliationReportPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const report = useQuery(
    trpc.reconciliation.get.queryOptions(
      { id },
      {
        refetchInterval: (query) =>
          query.state.data?.status === "running" ? RUNNING_REFRESH_MS : false,
      },
    ),
  );
  const back = { to: "/reconciliation", label: "Reconciliation" };
  if (report.isPending || report.isError) {
    return <DetailStates query={report} noun="reconciliation report" back={back} />;
  }
  const r = report.data;
  return (
    <Stack gap="lg" data-testid="reconciliation-report" data-status={r.status}>
      <Anchor component={Link} to={back.to} size="sm">
        ← {back.label}
      </Anchor>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>
            Reconciliation of {formatPeriod(r.periodFrom, r.periodTo, locale)}
          </Title>
          <Text size="sm" c="dimmed">
            Started {formatDateTime(r.startedAt, locale)}
            {r.finishedAt ? ` · finished ${formatDateTime(r.finishedAt, locale)}` : ""} ·{" "}
            {r.requestedBy ?? "nightly run"}
          </Text>
        </Stack>
        <ReportStatusBadge report={r} />
      </Group>
      {r.status === "running" ? (
        <Alert color="blue" title="Running">
          The worker is reading Stripe&apos;s records; this page updates when it is done.
        </Alert>
      ) : null}
      {r.status === "failed" ? (
        <Alert color="red" title="The run failed">
          {r.error ?? "No reason recorded."}
        </Alert>
      ) : null}
      {r.status === "completed" ? (
        <>
          <Card withBorder padding="md" component="section" aria-label="Summary">
            <Stack gap="sm">
              <Title order={4}>Summary</Title>
              <SummaryTable report={r} locale={locale} />
            </Stack>
          </Card>
          <Stack gap="xs">
            <Title order={4} data-testid="difference-count">
              Differences ({r.differenceCount})
            </Title>
            <DifferencesTable report={r} locale={locale} />
            {r.differences.length < r.differenceCount ? (
              <Text size="sm" c="dimmed">
                Showing the first {r.differences.length}.
              </Text>
            ) : null}
          </Stack>
        </>
      ) : null}
    </Stack>
  );
}
