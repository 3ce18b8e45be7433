import type { ReconciliationStatus } from "@an/domain";
import { ScrollTable } from "../../components/scroll-table";
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
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Trans } from "react-i18next";
import { Data, DateTime, Money, Num } from "../../components/formatted";
import { Link, useNavigate, useParams } from "react-router";
import { DetailStates, EmptyRow } from "../../components/list-states";
import { StatusBadge } from "../../components/status-badge";
import { formatDateTime, formatNumber } from "../../lib/format";
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
  const t = useT();
  const color =
    report.status === "completed" && report.differenceCount > 0
      ? "orange"
      : STATUS_COLORS[report.status];
  return (
    <StatusBadge
      label={t(`console.reconciliation.status.${report.status}`)}
      color={color}
      data={{ "data-report-status": report.status }}
    />
  );
}

/**
 * "Mar 1 – Mar 7, 2026 (UTC)" for `[from, to)`: `to` is exclusive, so the last day shown is
 * the day before. The range is the locale's own (Intl's `formatRange`).
 */
function formatPeriod(from: string, to: string, locale: ConsoleLocale): string {
  const format = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" });
  const last = new Date(new Date(to).getTime() - 1);
  return `${format.formatRange(new Date(from), last)} (UTC)`;
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
  const locale = useLocale();
  const today = utcDay(new Date());
  const [from, setFrom] = useState(addDays(today, -6));
  const [to, setTo] = useState(today);
  const run = useMutation(
    trpc.reconciliation.run.mutationOptions({
      onSuccess: async (report) => {
        await invalidate(trpc.reconciliation.pathKey());
        notifySuccess(t("console.reconciliation.started"));
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
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.reconciliation.runTitle")}
    >
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Title order={4}>{t("console.reconciliation.runTitle")}</Title>
          <Group align="flex-end" wrap="wrap">
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
            <Text size="sm" c="orange" id="reconciliation-run-blocked" role="status">
              {problem}
            </Text>
          ) : null}
          <Text size="xs" c="dimmed">
            {t("console.reconciliation.runHint", { maxDays: formatNumber(MAX_DAYS, locale) })}
          </Text>
          {run.isError ? (
            <Alert color="red" title={t("console.reconciliation.runFailed")} role="alert">
              {describeError(run.error).message}
            </Alert>
          ) : null}
        </Stack>
      </form>
    </Card>
  );
}

function ReportsTable() {
  const t = useT();
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
      <Title order={4}>{t("console.reconciliation.reports")}</Title>
      <InfiniteTable
        list={list}
        label={t("console.reconciliation.reportsLabel")}
        noun={t("console.reconciliation.noun")}
        singular={t("console.reconciliation.singular")}
        plural={t("console.reconciliation.plural")}
        minWidth={800}
        head={
          <>
            <Table.Th>{t("console.reconciliation.period")}</Table.Th>
            <Table.Th>{t("console.reconciliation.statusLabel")}</Table.Th>
            <Table.Th ta="end">{t("console.reconciliation.differences")}</Table.Th>
            <Table.Th>{t("console.reconciliation.startedAt")}</Table.Th>
            <Table.Th>{t("console.reconciliation.by")}</Table.Th>
            <Table.Th>{t("console.reconciliation.open")}</Table.Th>
          </>
        }
        columns={6}
        empty={t("console.reconciliation.empty")}
        rowKey={(r) => r.id}
        row={(r) => (
          <Table.Tr key={r.id} data-report-id={r.id}>
            <Table.Td>
              <bdi>{formatPeriod(r.periodFrom, r.periodTo, locale)}</bdi>
            </Table.Td>
            <Table.Td>
              <ReportStatusBadge report={r} />
            </Table.Td>
            <Table.Td ta="end">
              {r.status === "completed" ? <Num value={r.differenceCount} /> : "—"}
            </Table.Td>
            <Table.Td style={{ whiteSpace: "nowrap" }}>
              <DateTime value={r.startedAt} />
            </Table.Td>
            <Table.Td style={{ overflowWrap: "anywhere" }}>
              {r.requestedBy ? (
                <Data>{r.requestedBy}</Data>
              ) : (
                t("console.reconciliation.nightlyRun")
              )}
            </Table.Td>
            <Table.Td>
              <Anchor
                component={Link}
                to={`/reconciliation/${r.id}`}
                size="sm"
                aria-label={t("console.reconciliation.openLabel", {
                  period: formatPeriod(r.periodFrom, r.periodTo, locale),
                  at: formatDateTime(r.startedAt, locale),
                })}
              >
                {t("console.reconciliation.open")}
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
  const t = useT();
  return (
    <Stack gap="lg">
      <Stack gap={0}>
        <Title order={2}>{t("console.reconciliation.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.reconciliation.intro")}
        </Text>
      </Stack>
      <RunForm />
      <ReportsTable />
    </Stack>
  );
}

type Totals = { count: number; amount: number };
type Pair = { ours: Totals; provider: Totals };

/** The object types a report totals, in the order shown (labels: `console.reconciliation.type.*`). */
const SUMMARY_TYPES = ["transfers", "reversals", "refunds", "charges"] as const;

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
function SummaryTable({ report }: { report: ReportDetail }) {
  const t = useT();
  const rows = SUMMARY_TYPES.flatMap((key) =>
    pairsOf(report.summary, key).map(([currency, pair]) => ({
      key,
      label: t(`console.reconciliation.type.${key}`),
      currency,
      pair,
    })),
  );
  const ledger = ledgerOf(report.summary);
  const money = (amount: number, currency: string) => <Money amount={amount} currency={currency} />;
  const countAndMoney = (totals: Totals, currency: string) => (
    <Trans
      i18nKey="console.reconciliation.countAndAmount"
      components={{ n: <Num value={totals.count} />, amount: money(totals.amount, currency) }}
    />
  );
  return (
    <ScrollTable minWidth={480} label={t("console.reconciliation.totalsLabel")}>
      <Table verticalSpacing={4} fz="sm" aria-label={t("console.reconciliation.totalsLabel")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("console.reconciliation.type.label")}</Table.Th>
            <Table.Th scope="col">{t("console.reconciliation.currency")}</Table.Th>
            <Table.Th scope="col" ta="end">
              {t("console.reconciliation.ours")}
            </Table.Th>
            <Table.Th scope="col" ta="end">
              {t("console.reconciliation.stripe")}
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ key, label, currency, pair }) => {
            const same =
              pair.ours.count === pair.provider.count && pair.ours.amount === pair.provider.amount;
            return (
              <Table.Tr key={`${key}:${currency}`}>
                <Table.Td>{label}</Table.Td>
                <Table.Td>
                  <Data>{currency}</Data>
                </Table.Td>
                <Table.Td ta="end">{countAndMoney(pair.ours, currency)}</Table.Td>
                <Table.Td ta="end" c={same ? undefined : "red"}>
                  {countAndMoney(pair.provider, currency)}
                </Table.Td>
              </Table.Tr>
            );
          })}
          {ledger.flatMap(([currency, l]) =>
            (
              [
                ["ledgerTransfers", l.transfers],
                ["ledgerRefunds", l.refunds],
              ] as const
            ).map(([key, pair]) => (
              <Table.Tr key={`${key}:${currency}`}>
                <Table.Td>{t(`console.reconciliation.type.${key}`)}</Table.Td>
                <Table.Td>
                  <Data>{currency}</Data>
                </Table.Td>
                <Table.Td ta="end">{money(pair.ledger, currency)}</Table.Td>
                <Table.Td ta="end" c={pair.ledger === pair.provider ? undefined : "red"}>
                  {money(pair.provider, currency)}
                </Table.Td>
              </Table.Tr>
            )),
          )}
          {rows.length === 0 && ledger.length === 0 ? (
            <EmptyRow colSpan={4}>{t("console.reconciliation.nothingEitherSide")}</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

function DifferencesTable({ report }: { report: ReportDetail }) {
  const t = useT();
  return (
    <ScrollTable minWidth={1000} label={t("console.reconciliation.differences")}>
      <Table striped verticalSpacing="xs" aria-label={t("console.reconciliation.differences")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t("console.reconciliation.kind")}</Table.Th>
            <Table.Th scope="col">{t("console.reconciliation.object")}</Table.Th>
            <Table.Th scope="col">{t("console.reconciliation.whatDiffers")}</Table.Th>
            <Table.Th scope="col" ta="end">
              {t("console.reconciliation.ours")}
            </Table.Th>
            <Table.Th scope="col" ta="end">
              {t("console.reconciliation.stripe")}
            </Table.Th>
            <Table.Th scope="col">{t("console.reconciliation.consultation")}</Table.Th>
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
                  <Code fz="xs">{d.objectType}</Code>
                  {d.providerObjectId ? (
                    <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                      <Data>{d.providerObjectId}</Data>
                    </Text>
                  ) : null}
                </Stack>
              </Table.Td>
              <Table.Td maw={480}>
                <Text size="sm" style={{ overflowWrap: "anywhere" }}>
                  <Data>{d.message}</Data>
                </Text>
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                <Money amount={d.ourAmount} currency={d.currency} />
              </Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                <Money amount={d.providerAmount} currency={d.currency} />
              </Table.Td>
              <Table.Td>
                {d.consultationId ? (
                  <Anchor
                    component={Link}
                    to={`/consultations/${d.consultationId}`}
                    size="sm"
                    ff="monospace"
                    aria-label={t("console.reconciliation.openConsultation", {
                      id: d.consultationId,
                    })}
                  >
                    <Data>{d.consultationId.slice(0, 8)}</Data>
                  </Anchor>
                ) : (
                  "—"
                )}
              </Table.Td>
            </Table.Tr>
          ))}
          {report.differences.length === 0 ? (
            <EmptyRow colSpan={6}>{t("console.reconciliation.noDifferences")}</EmptyRow>
          ) : null}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/** One reconciliation report: its status, the totals compared, and every difference found. */
export function ReconciliationReportPage() {
  const t = useT();
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
  const back = { to: "/reconciliation", label: t("console.reconciliation.title") };
  if (report.isPending || report.isError) {
    return (
      <DetailStates query={report} noun={t("console.reconciliation.reportNoun")} back={back} />
    );
  }
  const r = report.data;
  return (
    <Stack gap="lg" data-testid="reconciliation-report" data-status={r.status}>
      <Anchor component={Link} to={back.to} size="sm">
        {t("console.common.back", { label: back.label })}
      </Anchor>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>
            <Trans
              i18nKey="console.reconciliation.reportTitle"
              values={{ period: formatPeriod(r.periodFrom, r.periodTo, locale) }}
              components={{ data: <bdi /> }}
            />
          </Title>
          <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            <Trans
              i18nKey="console.reconciliation.startedLine"
              components={{ at: <DateTime value={r.startedAt} /> }}
            />
            {r.finishedAt ? (
              <>
                {" · "}
                <Trans
                  i18nKey="console.reconciliation.finishedLine"
                  components={{ at: <DateTime value={r.finishedAt} /> }}
                />
              </>
            ) : null}
            {" · "}
            {r.requestedBy ? (
              <Data>{r.requestedBy}</Data>
            ) : (
              t("console.reconciliation.nightlyRunLower")
            )}
          </Text>
        </Stack>
        <ReportStatusBadge report={r} />
      </Group>
      {r.status === "running" ? (
        <Alert color="blue" title={t("console.reconciliation.runningTitle")}>
          {t("console.reconciliation.runningText")}
        </Alert>
      ) : null}
      {r.status === "failed" ? (
        <Alert color="red" title={t("console.reconciliation.failedTitle")}>
          {r.error ? <Data>{r.error}</Data> : t("console.reconciliation.noReason")}
        </Alert>
      ) : null}
      {r.status === "completed" ? (
        <>
          <Card
            withBorder
            padding="md"
            component="section"
            aria-label={t("console.reconciliation.summary")}
          >
            <Stack gap="sm">
              <Title order={4}>{t("console.reconciliation.summary")}</Title>
              <SummaryTable report={r} />
            </Stack>
          </Card>
          <Stack gap="xs">
            <Title order={4} data-testid="difference-count">
              {t("console.reconciliation.differencesCount", {
                n: formatNumber(r.differenceCount, locale),
              })}
            </Title>
            <DifferencesTable report={r} />
            {r.differences.length < r.differenceCount ? (
              <Text size="sm" c="dimmed">
                {t("console.reconciliation.showingFirst", {
                  count: r.differences.length,
                  n: formatNumber(r.differences.length, locale),
                })}
              </Text>
            ) : null}
          </Stack>
        </>
      ) : null}
    </Stack>
  );
}
