import { Badge, Code, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { formatDateTime, formatMoney } from "../../lib/format";
import { type ConsoleLocale, useLocale } from "../../lib/session";

/** A journal entry as the API sends it: postings are debit positive, credit negative. */
export type LedgerEntryView = {
  id: string;
  kind: string;
  memo: string | null;
  postedAt: string;
  postings: readonly { account: string; amount: number; currency: string }[];
};

/** Sum of the postings per currency; every sum is zero when the entry balances. */
export function sumsByCurrency(
  postings: readonly { amount: number; currency: string }[],
): Map<string, number> {
  const sums = new Map<string, number>();
  for (const p of postings) sums.set(p.currency, (sums.get(p.currency) ?? 0) + p.amount);
  return sums;
}

export function isEntryBalanced(entry: Pick<LedgerEntryView, "postings">): boolean {
  return [...sumsByCurrency(entry.postings).values()].every((sum) => sum === 0);
}

/** An account name with its owner id shortened: `client_funds_held:3f2a…`. */
export function AccountName({ account }: { account: string }) {
  const [family, owner] = account.split(/:(.*)/s, 2);
  return (
    <Text size="sm" ff="monospace" title={account} style={{ overflowWrap: "anywhere" }}>
      {family}
      {owner ? (
        <Text span c="dimmed" ff="monospace" size="sm">
          :{owner.length > 20 ? `${owner.slice(0, 8)}…` : owner}
        </Text>
      ) : null}
    </Text>
  );
}

function Entry({ entry, locale }: { entry: LedgerEntryView; locale: ConsoleLocale }) {
  const balanced = isEntryBalanced(entry);
  const totals = [...sumsByCurrency(entry.postings.filter((p) => p.amount > 0)).entries()];
  return (
    <Paper withBorder p="sm" data-ledger-entry={entry.kind} data-entry-id={entry.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Code>{entry.kind}</Code>
            <Text size="xs" c="dimmed">
              {formatDateTime(entry.postedAt, locale)}
            </Text>
          </Group>
          <Badge color={balanced ? "teal" : "red"} variant="light" size="sm">
            {balanced ? "Balanced" : "Does not balance"}
          </Badge>
        </Group>
        {entry.memo ? (
          <Text size="xs" c="dimmed">
            {entry.memo}
          </Text>
        ) : null}
        <Table verticalSpacing={2} fz="sm" aria-label={`Postings of ${entry.kind}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Account</Table.Th>
              <Table.Th ta="end">Debit</Table.Th>
              <Table.Th ta="end">Credit</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entry.postings.map((p, index) => (
              <Table.Tr key={`${p.account}:${p.currency}:${index}`}>
                <Table.Td>
                  <AccountName account={p.account} />
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                  {p.amount > 0 ? formatMoney(p.amount, p.currency, locale) : ""}
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                  {p.amount < 0 ? formatMoney(-p.amount, p.currency, locale) : ""}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            {totals.map(([currency, total]) => (
              <Table.Tr key={currency}>
                <Table.Th>Total {currency}</Table.Th>
                <Table.Th ta="end">{formatMoney(total, currency, locale)}</Table.Th>
                <Table.Th ta="end">
                  {formatMoney(
                    -entry.postings
                      .filter((p) => p.currency === currency && p.amount < 0)
                      .reduce((sum, p) => sum + p.amount, 0),
                    currency,
                    locale,
                  )}
                </Table.Th>
              </Table.Tr>
            ))}
          </Table.Tfoot>
        </Table>
      </Stack>
    </Paper>
  );
}

/** A consultation's journal entries, oldest first, each with its postings and balance check. */
export function LedgerEntries({
  entries,
  title = "Ledger entries",
}: {
  entries: readonly LedgerEntryView[];
  title?: string;
}) {
  const locale = useLocale();
  const allBalanced = entries.every(isEntryBalanced);
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Group justify="space-between">
        <Title order={4}>{title}</Title>
        {entries.length > 0 ? (
          <Badge color={allBalanced ? "teal" : "red"} variant="outline">
            {allBalanced ? "Every entry balances" : "Unbalanced entry"}
          </Badge>
        ) : null}
      </Group>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          Nothing posted yet.
        </Text>
      ) : (
        entries.map((entry) => <Entry key={entry.id} entry={entry} locale={locale} />)
      )}
    </Stack>
  );
}
