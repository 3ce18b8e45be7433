import {
  Alert,
  Anchor,
  Badge,
  Button,
  Center,
  Code,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { skipToken, useQuery } from "@tanstack/react-query";
import { type FormEvent, Fragment, useState } from "react";
import { Trans } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { CodedLabel, familyOf, LedgerEntries } from "./ledger-entries";
import { advisorPayoutsPath } from "../payouts/payout-tables";
import { Data, Money } from "../../components/formatted";
import { formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { KEYBOARD_SCROLL } from "../../lib/payouts";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Balances = RouterOutputs["ledger"]["listBalances"];
type AccountBalance = Balances["accounts"][number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The account families of the domain's chart of accounts, in balance-sheet order, and the
 * side of the balance sheet each is on. Balances are debit positive: assets and expenses
 * carry positive balances, liabilities and revenue negative ones. Each family's name and
 * meaning are `console.ledger.account.<family>` and `console.ledger.meaning.<family>`.
 */
const FAMILIES: { family: string; kind: string; perOwner?: true }[] = [
  { family: "stripe_balance", kind: "asset" },
  { family: "disputed_funds", kind: "asset" },
  { family: "advisor_receivable", perOwner: true, kind: "asset" },
  { family: "client_funds_held", perOwner: true, kind: "liability" },
  { family: "advisor_payable", perOwner: true, kind: "liability" },
  { family: "advisor_payout_in_transit", perOwner: true, kind: "liability" },
  { family: "unapplied_payment", perOwner: true, kind: "liability" },
  { family: "platform_fee_revenue", kind: "revenue" },
  { family: "subscription_revenue", kind: "revenue" },
  { family: "processing_fees", kind: "expense" },
  { family: "dispute_losses", kind: "expense" },
  { family: "fx_conversion", kind: "clearing" },
];

function ownerOf(account: string): string | null {
  const colon = account.indexOf(":");
  return colon === -1 ? null : account.slice(colon + 1);
}

/** The per-owner part of an account, linked to what it belongs to. */
function Owner({ account }: { account: string }) {
  const owner = ownerOf(account);
  if (owner === null) return null;
  const family = familyOf(account);
  if (family === "client_funds_held" && UUID.test(owner)) {
    return (
      <Anchor
        component={Link}
        to={`/consultations/${owner}`}
        size="xs"
        ff="monospace"
        style={{ overflowWrap: "anywhere" }}
      >
        <Data>{owner}</Data>
      </Anchor>
    );
  }
  if (family === "advisor_payout_in_transit") {
    return (
      <Anchor
        component={Link}
        to={advisorPayoutsPath(owner)}
        size="xs"
        ff="monospace"
        style={{ overflowWrap: "anywhere" }}
      >
        <Data>{owner}</Data>
      </Anchor>
    );
  }
  if (family === "advisor_payable" || family === "advisor_receivable") {
    return (
      <Anchor
        component={Link}
        to={`/consultations?advisor=${encodeURIComponent(owner)}`}
        size="xs"
        ff="monospace"
        style={{ overflowWrap: "anywhere" }}
      >
        <Data>{owner}</Data>
      </Anchor>
    );
  }
  return (
    <Text span size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
      <Data>{owner}</Data>
    </Text>
  );
}

/** Debit and credit cells for a signed balance (debit positive). */
function DebitCredit({ balance, currency }: { balance: number; currency: string }) {
  return (
    <>
      <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
        {balance > 0 ? <Money amount={balance} currency={currency} /> : null}
      </Table.Td>
      <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
        {balance < 0 ? <Money amount={-balance} currency={currency} /> : null}
        {balance === 0 ? (
          <Text span size="sm" c="dimmed">
            <Money amount={0} currency={currency} />
          </Text>
        ) : null}
      </Table.Td>
    </>
  );
}

function sumByCurrency(rows: readonly AccountBalance[]): [string, number][] {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(r.currency, (sums.get(r.currency) ?? 0) + r.balance);
  return [...sums.entries()];
}

/** Balances grouped by account family, each with a subtotal, and the grand totals. */
function BalancesTable({ data, hideZero }: { data: Balances; hideZero: boolean }) {
  const t = useT();
  const accounts = hideZero ? data.accounts.filter((a) => a.balance !== 0) : data.accounts;
  const known = new Set(FAMILIES.map((f) => f.family));
  const extra = [...new Set(accounts.map((a) => familyOf(a.account)))]
    .filter((f) => !known.has(f))
    .map((family) => ({ family, kind: "other" }));
  const groups = [...FAMILIES, ...extra]
    .map((f) => ({ ...f, rows: accounts.filter((a) => familyOf(a.account) === f.family) }))
    .filter((g) => g.rows.length > 0);
  return (
    <Table.ScrollContainer minWidth={800} scrollAreaProps={KEYBOARD_SCROLL}>
      <Table verticalSpacing={4} fz="sm" aria-label={t("console.ledger.balancesLabel")}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t("console.ledger.columns.account")}</Table.Th>
            <Table.Th>{t("console.ledger.columns.currency")}</Table.Th>
            <Table.Th ta="end">{t("console.ledger.columns.debitBalance")}</Table.Th>
            <Table.Th ta="end">{t("console.ledger.columns.creditBalance")}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {groups.map((group) => (
            <Fragment key={group.family}>
              <Table.Tr bg="var(--mantine-color-gray-light)" data-family={group.family}>
                <Table.Td colSpan={2}>
                  <Group gap="xs" wrap="wrap">
                    <CodedLabel
                      code={group.family}
                      catalogKey={`console.ledger.account.${group.family}`}
                    />
                    <Badge size="xs" variant="outline" color="gray">
                      {t(`console.ledger.familyKind.${group.kind}`)}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {t(`console.ledger.meaning.${group.family}`, { defaultValue: "" })}
                    </Text>
                  </Group>
                </Table.Td>
                <Table.Td colSpan={2} />
              </Table.Tr>
              {group.rows.map((row) => (
                <Table.Tr
                  key={`${row.account}:${row.currency}`}
                  data-account={row.account}
                  data-currency={row.currency}
                  data-balance={row.balance}
                >
                  <Table.Td ps="lg">
                    {ownerOf(row.account) === null ? (
                      <Text size="sm" ff="monospace">
                        <Data>{row.account}</Data>
                      </Text>
                    ) : (
                      <Owner account={row.account} />
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Data>{row.currency}</Data>
                  </Table.Td>
                  <DebitCredit balance={row.balance} currency={row.currency} />
                </Table.Tr>
              ))}
              {group.rows.length > 1
                ? sumByCurrency(group.rows).map(([currency, balance]) => (
                    <Table.Tr key={`${group.family}:subtotal:${currency}`}>
                      <Table.Td ps="lg">
                        <Text size="xs" c="dimmed">
                          {t("console.ledger.subtotal", {
                            name: t(`console.ledger.account.${group.family}`, {
                              defaultValue: group.family,
                            }),
                          })}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Data>{currency}</Data>
                      </Table.Td>
                      <DebitCredit balance={balance} currency={currency} />
                    </Table.Tr>
                  ))
                : null}
            </Fragment>
          ))}
          {groups.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={4}>
                <Text size="sm" c="dimmed" ta="center" p="md">
                  {t("console.ledger.nothingPosted")}
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
        <Table.Tfoot>
          {data.totals.map((total) => (
            <Table.Tr key={total.currency} data-total-currency={total.currency}>
              <Table.Th>{t("console.ledger.grandTotal")}</Table.Th>
              <Table.Th>
                <Data>{total.currency}</Data>
              </Table.Th>
              <Table.Th ta="end" colSpan={2} data-testid={`total-${total.currency}`}>
                <Money amount={total.balance} currency={total.currency} />
              </Table.Th>
            </Table.Tr>
          ))}
        </Table.Tfoot>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Is the ledger whole: every entry balances, and debits equal credits in every currency. */
function BalancedIndicator({
  data,
  filtered,
  locale,
}: {
  data: Balances;
  /** Only one family is shown: its totals need not be zero, the entries still must balance. */
  filtered: boolean;
  locale: ConsoleLocale;
}) {
  const t = useT();
  const offTotals = filtered ? [] : data.totals.filter((total) => total.balance !== 0);
  if (data.balanced && offTotals.length === 0) {
    return (
      <Alert
        color="teal"
        title={t("console.ledger.balancedTitle")}
        data-testid="ledger-balanced"
        data-balanced="true"
      >
        {filtered ? (
          t("console.ledger.balancedFiltered")
        ) : data.totals.length > 0 ? (
          <Trans
            t={t}
            i18nKey="console.ledger.balancedIn"
            values={{
              currencies: new Intl.ListFormat(locale, { type: "unit" }).format(
                data.totals.map((total) => total.currency),
              ),
            }}
            components={{ bdi: <bdi /> }}
          />
        ) : (
          t("console.ledger.balancedAll")
        )}
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      title={t("console.ledger.notBalancedTitle")}
      data-testid="ledger-balanced"
      data-balanced="false"
    >
      <Stack gap={4}>
        {offTotals.map((total) => (
          <Text key={total.currency} size="sm">
            <Trans
              t={t}
              i18nKey="console.ledger.differBy"
              values={{
                currency: total.currency,
                amount: formatMoney(total.balance, total.currency, locale),
              }}
              components={{ bdi: <bdi /> }}
            />
          </Text>
        ))}
        {data.unbalancedEntryIds.length > 0 ? (
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {t("console.ledger.unbalancedEntries")}{" "}
            {data.unbalancedEntryIds.map((id) => (
              <Code key={id} me={4}>
                {id}
              </Code>
            ))}
          </Text>
        ) : null}
      </Stack>
    </Alert>
  );
}

/** One consultation's journal entries, looked up by id (`?consultation=`). */
function ConsultationEntries() {
  const t = useT();
  const trpc = useTRPC();
  const [searchParams, setSearchParams] = useSearchParams();
  const consultationId = searchParams.get("consultation") ?? "";
  const [text, setText] = useState(consultationId);
  const valid = UUID.test(consultationId);
  const entries = useQuery(
    trpc.ledger.listForConsultation.queryOptions(valid ? { consultationId } : skipToken),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(searchParams);
    if (text.trim()) next.set("consultation", text.trim());
    else next.delete("consultation");
    setSearchParams(next);
  };
  return (
    <Stack gap="sm" component="section" aria-label={t("console.ledger.oneConsultation")}>
      <Title order={3}>{t("console.ledger.oneConsultation")}</Title>
      <form onSubmit={submit}>
        <Group align="flex-end" wrap="wrap">
          <TextInput
            label={t("console.ledger.consultationId")}
            placeholder={t("console.ledger.consultationIdPlaceholder")}
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            error={
              text.trim() && !UUID.test(text.trim())
                ? t("console.ledger.notAConsultationId")
                : undefined
            }
            w={{ base: "100%", xs: 380 }}
          />
          <Button type="submit" variant="default">
            {t("console.ledger.showEntries")}
          </Button>
          {valid ? (
            <Anchor component={Link} to={`/consultations/${consultationId}`} size="sm">
              {t("console.ledger.openConsultation")}
            </Anchor>
          ) : null}
        </Group>
      </form>
      {!valid ? null : entries.isPending ? (
        <Loader size="sm" aria-label={t("console.ledger.loadingEntries")} />
      ) : entries.isError ? (
        <Alert color="red" title={t("console.ledger.entriesFailed")}>
          {describeError(entries.error).message}
        </Alert>
      ) : (
        <Stack gap="xs">
          <Text size="sm" data-testid="held-for-consultation">
            {t("console.ledger.stillHeld")}{" "}
            {entries.data.held.length === 0
              ? t("console.ledger.nothing")
              : entries.data.held.map((h, index) => (
                  <Fragment key={h.currency}>
                    {index > 0 ? t("console.ledger.listSeparator") : null}
                    <Money amount={h.amount} currency={h.currency} />
                  </Fragment>
                ))}
          </Text>
          <LedgerEntries entries={entries.data.entries} title={t("console.ledger.entriesShort")} />
        </Stack>
      )}
    </Stack>
  );
}

/** The ledger: balances per account family with totals, whether it balances, one consultation's entries. */
export function LedgerPage() {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const [prefix, setPrefix] = useState("");
  const [hideZero, setHideZero] = useState(false);
  const balances = useQuery(
    trpc.ledger.listBalances.queryOptions(
      { prefix: prefix || undefined },
      { refetchInterval: 15_000 },
    ),
  );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.ledger.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.ledger.subtitle")}
          </Text>
        </Stack>
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t("console.ledger.familyFilter")}
            value={prefix}
            data={[
              { value: "", label: t("console.ledger.allAccounts") },
              ...FAMILIES.map((f) => ({
                value: f.perOwner ? `${f.family}:` : f.family,
                label: t(`console.ledger.account.${f.family}`),
              })),
            ]}
            onChange={(event) => setPrefix(event.currentTarget.value)}
          />
          <Switch
            label={t("console.ledger.hideZero")}
            checked={hideZero}
            onChange={(event) => setHideZero(event.currentTarget.checked)}
            mb={8}
          />
          <Button
            variant="default"
            loading={balances.isFetching}
            onClick={() => void balances.refetch()}
          >
            {t("console.ledger.refresh")}
          </Button>
        </Group>
      </Group>

      {balances.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("console.ledger.loadingBalances")} />
        </Center>
      ) : balances.isError ? (
        <Alert color="red" title={t("console.ledger.balancesFailed")}>
          {describeError(balances.error).message}
        </Alert>
      ) : (
        <Stack gap="md">
          <BalancedIndicator data={balances.data} filtered={prefix !== ""} locale={locale} />
          {prefix ? (
            <Text size="xs" c="dimmed">
              <Trans
                t={t}
                i18nKey="console.ledger.showingOnly"
                values={{ prefix }}
                components={{ code: <Code /> }}
              />
            </Text>
          ) : null}
          <BalancesTable data={balances.data} hideZero={hideZero} />
        </Stack>
      )}

      <ConsultationEntries />
    </Stack>
  );
}
