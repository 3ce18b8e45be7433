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
import { Link, useSearchParams } from "react-router";
import { LedgerEntries } from "./ledger-entries";
import { advisorPayoutsPath } from "../payouts/payout-tables";
import { formatMoney } from "../../lib/format";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Balances = RouterOutputs["ledger"]["listBalances"];
type AccountBalance = Balances["accounts"][number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The account families of the domain's chart of accounts, in balance-sheet order, with
 * what each holds. Balances are debit positive: assets and expenses carry positive
 * balances, liabilities and revenue negative ones.
 */
const FAMILIES: { family: string; kind: string; meaning: string; perOwner?: true }[] = [
  { family: "stripe_balance", kind: "asset", meaning: "The platform's balance at Stripe." },
  {
    family: "disputed_funds",
    kind: "asset",
    meaning: "Money Stripe withdrew for open chargebacks, pending the outcome.",
  },
  {
    family: "advisor_receivable",
    perOwner: true,
    kind: "asset",
    meaning: "What advisors owe back (clawbacks), per advisor.",
  },
  {
    family: "client_funds_held",
    perOwner: true,
    kind: "liability",
    meaning: "Paid, not yet released or refunded, per consultation.",
  },
  {
    family: "advisor_payable",
    perOwner: true,
    kind: "liability",
    meaning: "Released advisor shares not yet in a payout, per advisor.",
  },
  {
    family: "advisor_payout_in_transit",
    perOwner: true,
    kind: "liability",
    meaning: "Advisor shares in payout items Stripe hasn't confirmed yet, per advisor.",
  },
  {
    family: "unapplied_payment",
    perOwner: true,
    kind: "liability",
    meaning:
      "Charges no consultation accepted, owed back to the client until refunded, per payment.",
  },
  { family: "platform_fee_revenue", kind: "revenue", meaning: "Commission earned." },
  { family: "processing_fees", kind: "expense", meaning: "Stripe's fees on charges." },
  { family: "dispute_losses", kind: "expense", meaning: "Chargebacks lost." },
  {
    family: "fx_conversion",
    kind: "clearing",
    meaning:
      "Where Stripe converted one currency into another (a charge outside the settlement currencies, its refunds and payouts); per currency, the platform's exposure.",
  },
];

function familyOf(account: string): string {
  const colon = account.indexOf(":");
  return colon === -1 ? account : account.slice(0, colon);
}

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
      <Anchor component={Link} to={`/consultations/${owner}`} size="xs" ff="monospace">
        {owner}
      </Anchor>
    );
  }
  if (family === "advisor_payout_in_transit") {
    return (
      <Anchor component={Link} to={advisorPayoutsPath(owner)} size="xs" ff="monospace">
        {owner}
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
      >
        {owner}
      </Anchor>
    );
  }
  return (
    <Text span size="xs" ff="monospace">
      {owner}
    </Text>
  );
}

/** Debit and credit cells for a signed balance (debit positive). */
function DebitCredit({
  balance,
  currency,
  locale,
}: {
  balance: number;
  currency: string;
  locale: ConsoleLocale;
}) {
  return (
    <>
      <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
        {balance > 0 ? formatMoney(balance, currency, locale) : ""}
      </Table.Td>
      <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
        {balance < 0 ? formatMoney(-balance, currency, locale) : ""}
        {balance === 0 ? (
          <Text span size="sm" c="dimmed">
            {formatMoney(0, currency, locale)}
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
function BalancesTable({
  data,
  hideZero,
  locale,
}: {
  data: Balances;
  hideZero: boolean;
  locale: ConsoleLocale;
}) {
  const accounts = hideZero ? data.accounts.filter((a) => a.balance !== 0) : data.accounts;
  const known = new Set(FAMILIES.map((f) => f.family));
  const extra = [...new Set(accounts.map((a) => familyOf(a.account)))]
    .filter((f) => !known.has(f))
    .map((family) => ({ family, kind: "other", meaning: "" }));
  const groups = [...FAMILIES, ...extra]
    .map((f) => ({ ...f, rows: accounts.filter((a) => familyOf(a.account) === f.family) }))
    .filter((g) => g.rows.length > 0);
  return (
    <Table.ScrollContainer minWidth={800}>
      <Table verticalSpacing={4} fz="sm" aria-label="Account balances">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Account</Table.Th>
            <Table.Th>Currency</Table.Th>
            <Table.Th ta="end">Debit balance</Table.Th>
            <Table.Th ta="end">Credit balance</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {groups.map((group) => (
            <Fragment key={group.family}>
              <Table.Tr bg="var(--mantine-color-gray-light)" data-family={group.family}>
                <Table.Td colSpan={2}>
                  <Group gap="xs">
                    <Code fw={600}>{group.family}</Code>
                    <Badge size="xs" variant="outline" color="gray">
                      {group.kind}
                    </Badge>
                    <Text size="xs" c="dimmed">
                      {group.meaning}
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
                        {row.account}
                      </Text>
                    ) : (
                      <Owner account={row.account} />
                    )}
                  </Table.Td>
                  <Table.Td>{row.currency}</Table.Td>
                  <DebitCredit balance={row.balance} currency={row.currency} locale={locale} />
                </Table.Tr>
              ))}
              {group.rows.length > 1
                ? sumByCurrency(group.rows).map(([currency, balance]) => (
                    <Table.Tr key={`${group.family}:subtotal:${currency}`}>
                      <Table.Td ps="lg">
                        <Text size="xs" c="dimmed">
                          {group.family} subtotal
                        </Text>
                      </Table.Td>
                      <Table.Td>{currency}</Table.Td>
                      <DebitCredit balance={balance} currency={currency} locale={locale} />
                    </Table.Tr>
                  ))
                : null}
            </Fragment>
          ))}
          {groups.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={4}>
                <Text size="sm" c="dimmed" ta="center" p="md">
                  Nothing posted yet.
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : null}
        </Table.Tbody>
        <Table.Tfoot>
          {data.totals.map((total) => (
            <Table.Tr key={total.currency} data-total-currency={total.currency}>
              <Table.Th>Total (debits − credits)</Table.Th>
              <Table.Th>{total.currency}</Table.Th>
              <Table.Th ta="end" colSpan={2} data-testid={`total-${total.currency}`}>
                {formatMoney(total.balance, total.currency, locale)}
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
  const offTotals = filtered ? [] : data.totals.filter((t) => t.balance !== 0);
  if (data.balanced && offTotals.length === 0) {
    return (
      <Alert
        color="teal"
        title="Ledger balanced"
        data-testid="ledger-balanced"
        data-balanced="true"
      >
        Every journal entry sums to zero
        {filtered
          ? "."
          : `, and debits equal credits in every currency${data.totals.length > 0 ? ` (${data.totals.map((t) => t.currency).join(", ")})` : ""}.`}
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      title="Ledger NOT balanced"
      data-testid="ledger-balanced"
      data-balanced="false"
    >
      <Stack gap={4}>
        {offTotals.map((t) => (
          <Text key={t.currency} size="sm">
            {t.currency}: debits and credits differ by {formatMoney(t.balance, t.currency, locale)}.
          </Text>
        ))}
        {data.unbalancedEntryIds.length > 0 ? (
          <Text size="sm">
            Unbalanced entries:{" "}
            {data.unbalancedEntryIds.map((id) => (
              <Code key={id} mr={4}>
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
  const trpc = useTRPC();
  const locale = useLocale();
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
    <Stack gap="sm" component="section" aria-label="One consultation's entries">
      <Title order={3}>One consultation&apos;s entries</Title>
      <form onSubmit={submit}>
        <Group align="flex-end">
          <TextInput
            label="Consultation id"
            placeholder="e.g. 3f2a9c1e-…"
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            error={text.trim() && !UUID.test(text.trim()) ? "Not a consultation id." : undefined}
            w={380}
          />
          <Button type="submit" variant="default">
            Show entries
          </Button>
          {valid ? (
            <Anchor component={Link} to={`/consultations/${consultationId}`} size="sm">
              Open the consultation
            </Anchor>
          ) : null}
        </Group>
      </form>
      {!valid ? null : entries.isPending ? (
        <Loader size="sm" aria-label="Loading entries" />
      ) : entries.isError ? (
        <Alert color="red" title="Couldn't load the entries">
          {describeError(entries.error).message}
        </Alert>
      ) : (
        <Stack gap="xs">
          <Text size="sm" data-testid="held-for-consultation">
            Still held for it:{" "}
            {entries.data.held.length === 0
              ? "nothing"
              : entries.data.held.map((h) => formatMoney(h.amount, h.currency, locale)).join(", ")}
          </Text>
          <LedgerEntries entries={entries.data.entries} title="Entries" />
        </Stack>
      )}
    </Stack>
  );
}

/** The ledger: balances per account family with totals, whether it balances, one consultation's entries. */
export function LedgerPage() {
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
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Ledger</Title>
          <Text size="sm" c="dimmed">
            Double-entry balances, debit positive. Amounts in each currency&apos;s own units.
          </Text>
        </Stack>
        <Group align="flex-end">
          <NativeSelect
            label="Account family"
            value={prefix}
            data={[
              { value: "", label: "All accounts" },
              ...FAMILIES.map((f) => ({
                value: f.perOwner ? `${f.family}:` : f.family,
                label: f.family,
              })),
            ]}
            onChange={(event) => setPrefix(event.currentTarget.value)}
          />
          <Switch
            label="Hide zero balances"
            checked={hideZero}
            onChange={(event) => setHideZero(event.currentTarget.checked)}
            mb={8}
          />
          <Button
            variant="default"
            loading={balances.isFetching}
            onClick={() => void balances.refetch()}
          >
            Refresh
          </Button>
        </Group>
      </Group>

      {balances.isPending ? (
        <Center p="xl">
          <Loader aria-label="Loading balances" />
        </Center>
      ) : balances.isError ? (
        <Alert color="red" title="Couldn't load the balances">
          {describeError(balances.error).message}
        </Alert>
      ) : (
        <Stack gap="md">
          <BalancedIndicator data={balances.data} filtered={prefix !== ""} locale={locale} />
          {prefix ? (
            <Text size="xs" c="dimmed">
              Showing <Code>{prefix}</Code> only: its total need not be zero.
            </Text>
          ) : null}
          <BalancesTable data={balances.data} hideZero={hideZero} locale={locale} />
        </Stack>
      )}

      <ConsultationEntries />
    </Stack>
  );
}
