import { Card, Stack, Table, Text, Title } from "@mantine/core";
import { Data, Money } from "../../components/formatted";
import { useT } from "../../lib/i18n";
import { KEYBOARD_SCROLL } from "../../lib/payouts";
import type { RouterOutputs } from "../../lib/trpc";

type Row = RouterOutputs["finance"]["getSummary"]["byCurrency"][number];

/**
 * Every currency the ledger holds money in, beside each other: the Stripe balance per
 * currency (what reconciliation checks against Stripe) and the FX account, where a charge
 * in a non-settlement currency turned into the settlement currency.
 */
export function CurrencyBalances({ rows }: { rows: Row[] }) {
  const t = useT();
  const columns = ["stripeBalance", "fxConversion", "fundsHeld", "payable", "inTransit"] as const;
  return (
    <Card withBorder padding="md" component="section" aria-labelledby="currency-balances-title">
      <Stack gap="xs">
        <Title order={4} id="currency-balances-title">
          {t("console.financeCurrencies.title")}
        </Title>
        <Text size="xs" c="dimmed">
          {t("console.financeCurrencies.hint")}
        </Text>
        {rows.length === 0 ? (
          <Text size="sm">{t("console.financeCurrencies.empty")}</Text>
        ) : (
          <Table.ScrollContainer minWidth={560} scrollAreaProps={KEYBOARD_SCROLL}>
            <Table striped data-testid="currency-balances">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("console.financeCurrencies.currency")}</Table.Th>
                  {columns.map((c) => (
                    <Table.Th key={c} ta="end">
                      {t(`console.financeCurrencies.${c}`)}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.currency} data-testid={`currency-balances-${r.currency}`}>
                    <Table.Td>
                      <Data>{r.currency}</Data>
                    </Table.Td>
                    {columns.map((c) => (
                      <Table.Td
                        key={c}
                        ta="end"
                        style={{ whiteSpace: "nowrap" }}
                        data-testid={`currency-balances-${r.currency}-${c}`}
                      >
                        <Money amount={r[c]} currency={r.currency} />
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
    </Card>
  );
}
