import { isCurrencyCode } from "@an/domain";
import {
  Alert,
  Card,
  Group,
  Loader,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { keepPreviousData, skipToken, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useSearchParams } from "react-router";
import { CurrencyBalances } from "./currency-balances";
import { type ChartSeries, DailyChart } from "./daily-chart";
import { DetailStates } from "../../components/list-states";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { addDays, dayStartUtc, utcDay } from "../../lib/payouts";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";

type Summary = RouterOutputs["finance"]["getSummary"];

/** The API's longest finance period, in days. */
const MAX_DAYS = 366;
const DEFAULT_DAYS = 30;
const DAY_MS = 86_400_000;

function Tile({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: ReactNode;
  testId: string;
}) {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={600} data-testid={`${testId}-value`}>
        {value}
      </Text>
      {hint ? (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      ) : null}
    </Card>
  );
}

/**
 * The platform's own subscription revenue in the same currency and period, beside the
 * consultations' fees: net of refunds and credit notes, with what was paid, given back and
 * what Stripe kept (not in the consultations' processing fees above).
 */
function SubscriptionTiles({ summary, locale }: { summary: Summary; locale: ConsoleLocale }) {
  const t = useT();
  const money = (amount: number) => formatMoney(amount, summary.currency, locale);
  const s = summary.subscriptions;
  return (
    <>
      <Title order={4}>{t("console.billing.finance.title")}</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Tile
          label={t("console.billing.finance.revenue")}
          value={money(s.net)}
          hint={t("console.billing.finance.revenueHint", { n: s.count })}
          testId="tile-subscription-revenue"
        />
        <Tile
          label={t("console.billing.finance.gross")}
          value={money(s.gross)}
          testId="tile-subscription-gross"
        />
        <Tile
          label={t("console.billing.finance.reversed")}
          value={money(s.reversed)}
          testId="tile-subscription-reversed"
        />
        <Tile
          label={t("console.billing.finance.fees")}
          value={money(s.fees)}
          testId="tile-subscription-fees"
        />
      </SimpleGrid>
    </>
  );
}

function Tiles({ summary, locale }: { summary: Summary; locale: ConsoleLocale }) {
  const money = (amount: number) => formatMoney(amount, summary.currency, locale);
  return (
    <Stack gap="sm">
      <Title order={4}>In the period</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Tile label="GMV" value={money(summary.gmv)} hint="Payments captured" testId="tile-gmv" />
        <Tile
          label="Fees earned"
          value={money(summary.fees)}
          hint={`Net of fees given back · Stripe fees ${money(summary.processingFees)}`}
          testId="tile-fees"
        />
        <Tile
          label="Paid out"
          value={money(summary.paidOut)}
          hint="Transfers to advisors, less reversals"
          testId="tile-paid-out"
        />
        <Tile
          label="Refunds"
          value={money(summary.refunds.amount)}
          hint={`${summary.refunds.count} refund${summary.refunds.count === 1 ? "" : "s"}`}
          testId="tile-refunds"
        />
        <Tile
          label="Disputes"
          value={money(summary.disputes.amount)}
          hint={`${summary.disputes.count} opened · lost ${money(summary.disputes.losses)}`}
          testId="tile-disputes"
        />
      </SimpleGrid>
      <SubscriptionTiles summary={summary} locale={locale} />
      <Title order={4}>Balances at the end of the period</Title>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Tile
          label="Funds held"
          value={money(summary.balances.fundsHeld)}
          hint="Paid by clients, not yet released or refunded"
          testId="tile-funds-held"
        />
        <Tile
          label="Payable"
          value={money(summary.balances.payable)}
          hint="Released to advisors, not yet in a payout"
          testId="tile-payable"
        />
        <Tile
          label="In transit"
          value={money(summary.balances.inTransit)}
          hint="In payouts Stripe hasn't confirmed"
          testId="tile-in-transit"
        />
        <Tile
          label="Receivable"
          value={money(summary.balances.receivable)}
          hint="Owed back by advisors"
          testId="tile-receivable"
        />
      </SimpleGrid>
    </Stack>
  );
}

function Chart({ summary, locale }: { summary: Summary; locale: ConsoleLocale }) {
  const days = summary.daily.map((d) => d.day);
  const series: ChartSeries[] = [
    {
      key: "gmv",
      label: "GMV",
      color: "var(--mantine-color-indigo-5)",
      kind: "bar",
      values: summary.daily.map((d) => d.gmv),
    },
    {
      key: "paidOut",
      label: "Paid out",
      color: "var(--mantine-color-teal-5)",
      kind: "bar",
      values: summary.daily.map((d) => d.paidOut),
    },
    {
      key: "fees",
      label: "Fees earned",
      color: "var(--mantine-color-orange-6)",
      kind: "line",
      values: summary.daily.map((d) => d.fees),
    },
  ];
  const dayFormat = new Intl.DateTimeFormat(locale, {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
  const money = (amount: number) => formatMoney(amount, summary.currency, locale);
  const busiest = summary.daily.reduce<(typeof summary.daily)[number] | null>(
    (best, d) => (best === null || d.gmv > best.gmv ? d : best),
    null,
  );
  return (
    <Card withBorder padding="md" component="section" aria-label="Daily chart">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Per day</Title>
          <Group gap="md" aria-hidden>
            {series.map((s) => (
              <Group key={s.key} gap={6}>
                <svg width={14} height={14} aria-hidden>
                  {s.kind === "bar" ? (
                    <rect width={14} height={14} fill={s.color} />
                  ) : (
                    <line x1={0} x2={14} y1={7} y2={7} stroke={s.color} strokeWidth={3} />
                  )}
                </svg>
                <Text size="sm">{s.label}</Text>
              </Group>
            ))}
          </Group>
        </Group>
        <DailyChart
          title={`GMV, paid out and fees per day in ${summary.currency}`}
          description={`${days.length} days from ${days[0] ?? "—"} to ${days.at(-1) ?? "—"}: GMV ${money(summary.gmv)}, paid out ${money(summary.paidOut)}, fees ${money(summary.fees)} in total${busiest && busiest.gmv > 0 ? `; the busiest day was ${busiest.day} with ${money(busiest.gmv)}` : ""}.`}
          days={days}
          series={series}
          formatValue={money}
          formatDay={(day) => dayFormat.format(dayStartUtc(day))}
          yLabel={`Amount (${summary.currency})`}
        />
      </Stack>
    </Card>
  );
}

/**
 * The platform's money from the ledger: GMV, fees, refunds, disputes, payouts over a period,
 * the balances at its end, and a chart per day.
 */
export function FinancePage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const today = utcDay(new Date());
  const [from, setFrom] = useState(searchParams.get("from") ?? addDays(today, -(DEFAULT_DAYS - 1)));
  const [to, setTo] = useState(searchParams.get("to") ?? today);
  const currencyParam = searchParams.get("currency") ?? "USD";
  const currency = isCurrencyCode(currencyParam) ? currencyParam : "USD";
  const span =
    from && to ? (dayStartUtc(to).getTime() - dayStartUtc(from).getTime()) / DAY_MS + 1 : 0;
  const valid = Number.isFinite(span) && span >= 1 && span <= MAX_DAYS;
  const summary = useQuery(
    trpc.finance.getSummary.queryOptions(
      valid
        ? {
            from: dayStartUtc(from).toISOString(),
            // The last day is included: the period ends at the next day's start.
            to: dayStartUtc(addDays(to, 1)).toISOString(),
            currency,
          }
        : skipToken,
      { placeholderData: keepPreviousData },
    ),
  );
  const setParam = (key: string, value: string) => {
    const next = new URLSearchParams(searchParams);
    next.set(key, value);
    setSearchParams(next, { replace: true });
  };

  return (
    <Stack gap="lg" maw={1200}>
      <Stack gap={0}>
        <Title order={2}>Finance</Title>
        <Text size="sm" c="dimmed">
          From the ledger, in one currency, by UTC day.
        </Text>
      </Stack>
      <Group align="flex-end">
        <TextInput
          type="date"
          label="From (UTC day)"
          value={from}
          max={to}
          onChange={(event) => {
            setFrom(event.currentTarget.value);
            setParam("from", event.currentTarget.value);
          }}
        />
        <TextInput
          type="date"
          label="To (UTC day, included)"
          value={to}
          min={from}
          onChange={(event) => {
            setTo(event.currentTarget.value);
            setParam("to", event.currentTarget.value);
          }}
        />
        <NativeSelect
          label="Currency"
          value={currency}
          // The currencies the ledger holds money in, and the one shown (any ISO code the
          // platform knows can be asked for in the address).
          data={[...new Set([...(summary.data?.currencies ?? []), currency])].sort()}
          onChange={(event) => setParam("currency", event.currentTarget.value)}
        />
        {summary.isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
      </Group>
      {!valid ? (
        <Alert color="yellow" title="Pick a period">
          From must be on or before To, and the period at most {MAX_DAYS} days.
        </Alert>
      ) : summary.isPending || (summary.isError && !summary.data) ? (
        <DetailStates query={summary} noun="finance summary" />
      ) : summary.data ? (
        <>
          <Tiles summary={summary.data} locale={locale} />
          <CurrencyBalances rows={summary.data.byCurrency} locale={locale} />
          <Chart summary={summary.data} locale={locale} />
        </>
      ) : null}
    </Stack>
  );
}
