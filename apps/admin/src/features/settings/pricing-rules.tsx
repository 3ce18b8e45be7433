import type { PricingRuleSet } from "@an/domain";
import { Data } from "../../components/formatted";
import { ScrollTable } from "../../components/scroll-table";
import { Button, Stack, Table, TextInput } from "@mantine/core";
import { useMemo, useState } from "react";
import { useT } from "../../lib/i18n";
import { AddCurrency } from "./add-currency";
import {
  emptyPricingRow,
  PRICING_AMOUNT_FIELDS,
  type PricingRow,
  pricingDraftOf,
  pricingRulesFrom,
} from "./rule-drafts";
import { ChangeControls, RulesCard, useProblemText } from "./rules-section";

const COLUMNS = [
  ...PRICING_AMOUNT_FIELDS.slice(0, 2),
  "allowedLengths",
  ...PRICING_AMOUNT_FIELDS.slice(2),
  "maxPassDays",
] as const;

/** Which currencies are offered and, in each, the limits on advisors' prices. */
export function PricingSection() {
  const t = useT();
  return (
    <RulesCard
      kind="pricing"
      title={t("console.settings.pricing.title")}
      hint={t("console.settings.pricing.hint")}
    >
      {(inForce) => (
        <PricingForm key={inForce.version} version={inForce.version} rules={inForce.rules} />
      )}
    </RulesCard>
  );
}

function PricingForm({ version, rules }: { version: number; rules: PricingRuleSet }) {
  const t = useT();
  const problemText = useProblemText();
  const [rows, setRows] = useState<PricingRow[]>(() => pricingDraftOf(rules));
  const built = useMemo(() => pricingRulesFrom(rows), [rows]);
  const edit = (currency: string, field: keyof PricingRow, value: string) =>
    setRows((all) =>
      all.map((row) => (row.currency === currency ? { ...row, [field]: value } : row)),
    );
  return (
    <Stack>
      <ScrollTable minWidth={1040} label={t("console.settings.pricing.table")}>
        <Table aria-label={t("console.settings.pricing.table")} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("console.settings.fields.currency")}</Table.Th>
              {COLUMNS.map((field) => (
                <Table.Th key={field}>{t(`console.settings.fields.${field}`)}</Table.Th>
              ))}
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr key={row.currency}>
                <Table.Td fw={600}>
                  <Data>{row.currency}</Data>
                </Table.Td>
                {COLUMNS.map((field) => (
                  <Table.Td key={field}>
                    <TextInput
                      size="xs"
                      inputMode={field === "allowedLengths" ? "text" : "decimal"}
                      aria-label={`${row.currency} ${t(`console.settings.fields.${field}`)}`}
                      value={row[field]}
                      onChange={(event) => edit(row.currency, field, event.currentTarget.value)}
                      error={problemText(built.problems[`${row.currency}.${field}`])}
                    />
                  </Table.Td>
                ))}
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    aria-label={t("console.settings.rules.removeCurrencyOf", {
                      currency: row.currency,
                    })}
                    onClick={() => setRows((all) => all.filter((r) => r.currency !== row.currency))}
                  >
                    {t("console.settings.rules.remove")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <AddCurrency
        label={t("console.settings.pricing.offerCurrency")}
        present={rows.map((row) => row.currency)}
        onAdd={(currency) => setRows((all) => [...all, emptyPricingRow(currency)])}
      />
      <ChangeControls kind="pricing" version={version} built={built} />
    </Stack>
  );
}
