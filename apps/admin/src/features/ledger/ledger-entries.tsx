import { Badge, Code, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { Data, DateTime, Money } from "../../components/formatted";
import { useT } from "../../lib/i18n";

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

/** The family part of an account (`client_funds_held` of `client_funds_held:<id>`). */
export function familyOf(account: string): string {
  const colon = account.indexOf(":");
  return colon === -1 ? account : account.slice(0, colon);
}

/**
 * An account's name in the console's language, with its code and owner id (shortened)
 * beside it in their own direction: "Client funds held `client_funds_held:3f2a…`". An
 * account the catalog doesn't know shows its code only.
 */
export function AccountName({ account }: { account: string }) {
  const t = useT();
  const [family = account, owner] = account.split(/:(.*)/s, 2);
  const label = t(`console.ledger.account.${family}`, { defaultValue: "" });
  return (
    <Text size="sm" title={account} style={{ overflowWrap: "anywhere" }}>
      {label ? <>{label} </> : null}
      <Text span ff="monospace" size={label ? "xs" : "sm"} c={label ? "dimmed" : undefined}>
        <Data>
          {family}
          {owner ? `:${owner.length > 20 ? `${owner.slice(0, 8)}…` : owner}` : null}
        </Data>
      </Text>
    </Text>
  );
}

/**
 * A ledger code (an entry kind, an account family) with its name in the console's language
 * beside it, e.g. "Release `release`"; a code the catalog doesn't name shows alone, in bold.
 */
export function CodedLabel({ code, catalogKey }: { code: string; catalogKey: string }) {
  const t = useT();
  const label = t(catalogKey, { defaultValue: "" });
  return (
    <Group gap={6} wrap="wrap">
      {label ? (
        <Text size="sm" fw={600}>
          {label}
        </Text>
      ) : null}
      <Code fw={label ? undefined : 600}>{code}</Code>
    </Group>
  );
}

function Entry({ entry }: { entry: LedgerEntryView }) {
  const t = useT();
  const balanced = isEntryBalanced(entry);
  const totals = [...sumsByCurrency(entry.postings.filter((p) => p.amount > 0)).entries()];
  const kindLabel = t(`console.ledger.entryKind.${entry.kind}`, { defaultValue: entry.kind });
  return (
    <Paper withBorder p="sm" data-ledger-entry={entry.kind} data-entry-id={entry.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <CodedLabel code={entry.kind} catalogKey={`console.ledger.entryKind.${entry.kind}`} />
            <Text size="xs" c="dimmed">
              <DateTime value={entry.postedAt} />
            </Text>
          </Group>
          <Badge color={balanced ? "teal" : "red"} variant="light" size="sm">
            {balanced ? t("console.ledger.balanced") : t("console.ledger.notBalanced")}
          </Badge>
        </Group>
        {entry.memo ? (
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            <Data>{entry.memo}</Data>
          </Text>
        ) : null}
        <Table
          verticalSpacing={2}
          fz="sm"
          aria-label={t("console.ledger.postingsOf", { kind: kindLabel })}
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("console.ledger.columns.account")}</Table.Th>
              <Table.Th ta="end">{t("console.ledger.columns.debit")}</Table.Th>
              <Table.Th ta="end">{t("console.ledger.columns.credit")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entry.postings.map((p, index) => (
              <Table.Tr key={`${p.account}:${p.currency}:${index}`}>
                <Table.Td>
                  <AccountName account={p.account} />
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                  {p.amount > 0 ? <Money amount={p.amount} currency={p.currency} /> : null}
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: "nowrap" }}>
                  {p.amount < 0 ? <Money amount={-p.amount} currency={p.currency} /> : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            {totals.map(([currency, total]) => (
              <Table.Tr key={currency}>
                <Table.Th>
                  {t("console.ledger.total")} <Data>{currency}</Data>
                </Table.Th>
                <Table.Th ta="end" style={{ whiteSpace: "nowrap" }}>
                  <Money amount={total} currency={currency} />
                </Table.Th>
                <Table.Th ta="end" style={{ whiteSpace: "nowrap" }}>
                  <Money
                    amount={
                      -entry.postings
                        .filter((p) => p.currency === currency && p.amount < 0)
                        .reduce((sum, p) => sum + p.amount, 0)
                    }
                    currency={currency}
                  />
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
  title,
}: {
  entries: readonly LedgerEntryView[];
  title?: string;
}) {
  const t = useT();
  const heading = title ?? t("console.ledger.entries");
  const allBalanced = entries.every(isEntryBalanced);
  return (
    <Stack gap="xs" component="section" aria-label={heading}>
      <Group justify="space-between" wrap="wrap">
        <Title order={4}>{heading}</Title>
        {entries.length > 0 ? (
          <Badge color={allBalanced ? "teal" : "red"} variant="outline">
            {allBalanced ? t("console.ledger.allBalanced") : t("console.ledger.unbalancedEntry")}
          </Badge>
        ) : null}
      </Group>
      {entries.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.ledger.nothingPosted")}
        </Text>
      ) : (
        entries.map((entry) => <Entry key={entry.id} entry={entry} />)
      )}
    </Stack>
  );
}
