import { currencyExponent, isCurrencyCode } from "@an/domain";
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
import { Trans } from "react-i18next";
import { useSearchParams } from "react-router";
import { CurrencyBalances } from "./currency-balances";
import { type ChartSeries, DailyChart } from "./daily-chart";
import { DetailStates } from "../../components/list-states";
import { Money } from "../../components/formatted";
import { formatMoney, formatNumber } from "../../lib/format";
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
  value: ReactNode;
  hint?: ReactNode;
  testId: string;
}) {
  return (
    <Card withBorder padding="sm" data-testid={testId}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={600} data-testid={`${testId}-value`} style={{ overflowWrap: "anywhere" }}>
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

/** A catalog sentence whose `<bdi>` parts (amounts, counts) keep their own direction. */
function Sentence({ i18nKey, values }: { i18nKey: string; values: Record<string, unknown> }) {
  const t = useT();
  return <Trans t={t} i18nKey={i18nKey} values={values} components={{ bdi: <bdi /> }} />;
}

/**
 * The platform's own subscription revenue in the same currency and period, beside the
 * consultations' fees: net of refunds and credit notes, with what was paid, given back and
 * what Stripe kept (not in the consultations' processing fees above).
 */
function SubscriptionTiles({ summary, locale }: { summary: Summary; locale: ConsoleLocale }) {
  const t = useT();
  const money = (amount: number) => <Money amount={amount} currency={summary.currency} />;
  const s = summary.subscriptions;
  return (
    <>
      <Title order={4}>{t("console.billing.finance.title")}</Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Tile
          label={t("console.billing.finance.revenue")}
          value={money(s.net)}
          hint={t("console.billing.finance.revenueHint", { n: formatNumber(s.count, locale) })}
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
  const t = useT();
  const money = (amount: number) => <Money amount={amount} currency={summary.currency} />;
  const text = (amount: number) => formatMoney(amount, summary.currency, locale);
  return (
    <Stack gap="sm">
      <Title order={4}>{t("console.finance.inPeriod")}</Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Tile
          label={t("console.finance.gmv")}
          value={money(summary.gmv)}
          hint={t("console.finance.gmvHint")}
          testId="tile-gmv"
        />
        <Tile
          label={t("console.finance.fees")}
          value={money(summary.fees)}
          hint={
            <Sentence
              i18nKey="console.finance.feesHint"
              values={{ amount: text(summary.processingFees) }}
            />
          }
          testId="tile-fees"
        />
        <Tile
          label={t("console.finance.paidOut")}
          value={money(summary.paidOut)}
          hint={t("console.finance.paidOutHint")}
          testId="tile-paid-out"
        />
        <Tile
          label={t("console.finance.refunds")}
          value={money(summary.refunds.amount)}
          hint={
            <Sentence
              i18nKey="console.finance.refundsHint"
              values={{
                count: summary.refunds.count,
                n: formatNumber(summary.refunds.count, locale),
              }}
            />
          }
          testId="tile-refunds"
        />
        <Tile
          label={t("console.finance.disputes")}
          value={money(summary.disputes.amount)}
          hint={
            <Sentence
              i18nKey="console.finance.disputesHint"
              values={{
                count: summary.disputes.count,
                n: formatNumber(summary.disputes.count, locale),
                amount: text(summary.disputes.losses),
              }}
            />
          }
          testId="tile-disputes"
        />
      </SimpleGrid>
      <SubscriptionTiles summary={summary} locale={locale} />
      <Title order={4}>{t("console.finance.balancesAtEnd")}</Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }}>
        <Tile
          label={t("console.finance.fundsHeld")}
          value={money(summary.balances.fundsHeld)}
          hint={t("console.finance.fundsHeldHint")}
          testId="tile-funds-held"
        />
        <Tile
          label={t("console.finance.payable")}
          value={money(summary.balances.payable)}
          hint={t("console.finance.payableHint")}
          testId="tile-payable"
        />
        <Tile
          label={t("console.finance.inTransit")}
          value={money(summary.balances.inTransit)}
          hint={t("console.finance.inTransitHint")}
          testId="tile-in-transit"
        />
        <Tile
          label={t("console.finance.receivable")}
          value={money(summary.balances.receivable)}
          hint={t("console.finance.receivableHint")}
          testId="tile-receivable"
        />
      </SimpleGrid>
    </Stack>
  );
}

/**
 * An amount on the chart's value axis: the number in the currency's own units and the
 * locale's digits, without the symbol (the axis title names the currency).
 */
function axisNumber(amount: number, currency: string, locale: ConsoleLocale): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency })
    .formatToParts(amount / 10 ** (isCurrencyCode(currency) ? currencyExponent(currency) : 2))
    .filter((part) => part.type !== "currency")
    .map((part) => part.value)
    .join("")
    .trim();
}

function Chart({ summary, locale }: { summary: Summary; locale: ConsoleLocale }) {
  const t = useT();
  const days = summary.daily.map((d) => d.day);
  const series: ChartSeries[] = [
    {
      key: "gmv",
      label: t("console.finance.gmv"),
      color: "var(--mantine-color-indigo-5)",
      kind: "bar",
      values: summary.daily.map((d) => d.gmv),
    },
    {
      key: "paidOut",
      label: t("console.finance.paidOut"),
      color: "var(--mantine-color-teal-5)",
      kind: "bar",
      values: summary.daily.map((d) => d.paidOut),
    },
    {
      key: "fees",
      label: t("console.finance.fees"),
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
  const formatDay = (day: string) => dayFormat.format(dayStartUtc(day));
  const money = (amount: number) => formatMoney(amount, summary.currency, locale);
  const busiest = summary.daily.reduce<(typeof summary.daily)[number] | null>(
    (best, d) => (best === null || d.gmv > best.gmv ? d : best),
    null,
  );
  const description = [
    t("console.finance.chart.description", {
      count: days.length,
      n: formatNumber(days.length, locale),
      from: days[0] ? formatDay(days[0]) : "—",
      to: days.at(-1) ? formatDay(days.at(-1) ?? "") : "—",
      gmv: money(summary.gmv),
      paidOut: money(summary.paidOut),
      fees: money(summary.fees),
    }),
    busiest && busiest.gmv > 0
      ? t("console.finance.chart.busiest", {
          day: formatDay(busiest.day),
          amount: money(busiest.gmv),
        })
      : null,
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <Card withBorder padding="md" component="section" aria-label={t("console.finance.chart.card")}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={4}>{t("console.finance.chart.title")}</Title>
          <Group gap="md" wrap="wrap" aria-hidden>
            {series.map((s) => (
              <Group key={s.key} gap={6} wrap="nowrap">
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
          title={t("console.finance.chart.name", { currency: summary.currency })}
          description={description}
          days={days}
          series={series}
          formatValue={money}
          formatTick={(amount) => axisNumber(amount, summary.currency, locale)}
          formatDay={formatDay}
          xLabel={t("console.finance.chart.xLabel")}
          yLabel={t("console.finance.chart.yLabel", { currency: summary.currency })}
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
  const t = useT();
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
        <Title order={2}>{t("console.finance.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.finance.subtitle")}
        </Text>
      </Stack>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          type="date"
          label={t("console.finance.from")}
          value={from}
          max={to}
          onChange={(event) => {
            setFrom(event.currentTarget.value);
            setParam("from", event.currentTarget.value);
          }}
        />
        <TextInput
          type="date"
          label={t("console.finance.to")}
          value={to}
          min={from}
          onChange={(event) => {
            setTo(event.currentTarget.value);
            setParam("to", event.currentTarget.value);
          }}
        />
        <NativeSelect
          label={t("console.finance.currency")}
          value={currency}
          // The currencies the ledger holds money in, and the one shown (any ISO code the
          // platform knows can be asked for in the address).
          data={[...new Set([...(summary.data?.currencies ?? []), currency])].sort()}
          onChange={(event) => setParam("currency", event.currentTarget.value)}
        />
        {summary.isFetching ? (
          <Loader size="xs" aria-label={t("console.finance.refreshing")} />
        ) : null}
      </Group>
      {!valid ? (
        <Alert color="yellow" title={t("console.finance.pickPeriod")}>
          {t("console.finance.pickPeriodBody", { max: formatNumber(MAX_DAYS, locale) })}
        </Alert>
      ) : summary.isPending || (summary.isError && !summary.data) ? (
        <DetailStates query={summary} noun={t("console.finance.noun")} />
      ) : summary.data ? (
        <>
          <Tiles summary={summary.data} locale={locale} />
          <CurrencyBalances rows={summary.data.byCurrency} />
          <Chart summary={summary.data} locale={locale} />
        </>
      ) : null}
    </Stack>
  );
}
