import type { PayoutRuleSet } from "@an/domain";
import { ScrollTable } from "../../components/scroll-table";
import { Stack, Table, Text, TextInput } from "@mantine/core";
import { Data } from "../../components/formatted";
import { useMemo, useState } from "react";
import { useT } from "../../lib/i18n";
import { AddCurrency } from "./add-currency";
import { type PayoutDraft, payoutDraftOf, payoutRulesFrom } from "./rule-drafts";
import { ChangeControls, RulesCard, useOfferedCurrencies, useProblemText } from "./rules-section";

/** How long released money is held, and the smallest payout per currency. */
export function PayoutSection() {
  const t = useT();
  const offered = useOfferedCurrencies();
  return (
    <RulesCard
      kind="payouts"
      title={t("console.settings.payouts.title")}
      hint={t("console.settings.payouts.hint")}
    >
      {(inForce) =>
        offered ? (
          <PayoutForm
            key={`${inForce.version}:${offered.join()}`}
            version={inForce.version}
            rules={inForce.rules}
            offered={offered}
          />
        ) : (
          <Text size="sm">{t("console.billing.loading")}</Text>
        )
      }
    </RulesCard>
  );
}

function PayoutForm({
  version,
  rules,
  offered,
}: {
  version: number;
  rules: PayoutRuleSet;
  offered: string[];
}) {
  const t = useT();
  const problemText = useProblemText();
  const [draft, setDraft] = useState<PayoutDraft>(() => payoutDraftOf(rules, offered));
  const built = useMemo(() => payoutRulesFrom(draft), [draft]);
  return (
    <Stack>
      <TextInput
        label={t("console.settings.fields.holdWindowHours")}
        description={t("console.settings.payouts.holdHint")}
        inputMode="numeric"
        w={260}
        value={draft.holdWindowHours}
        onChange={(event) => {
          const holdWindowHours = event.currentTarget.value;
          setDraft((d) => ({ ...d, holdWindowHours }));
        }}
        error={problemText(built.problems.holdWindowHours)}
      />
      <Text size="sm" c="dimmed">
        {t("console.settings.payouts.minimumHint")}
      </Text>
      <ScrollTable minWidth={320} label={t("console.settings.payouts.table")}>
        <Table aria-label={t("console.settings.payouts.table")} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("console.settings.fields.currency")}</Table.Th>
              <Table.Th>{t("console.settings.fields.minimumPayout")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.minimums.map((row) => (
              <Table.Tr key={row.currency}>
                <Table.Td fw={600}>
                  <Data>{row.currency}</Data>
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    w={200}
                    inputMode="decimal"
                    placeholder="—"
                    aria-label={`${row.currency} ${t("console.settings.fields.minimumPayout")}`}
                    value={row.amount}
                    onChange={(event) => {
                      const amount = event.currentTarget.value;
                      setDraft((d) => ({
                        ...d,
                        minimums: d.minimums.map((m) =>
                          m.currency === row.currency ? { ...m, amount } : m,
                        ),
                      }));
                    }}
                    error={problemText(built.problems[`${row.currency}.amount`])}
                  />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <AddCurrency
        label={t("console.settings.rules.addCurrencyRow")}
        present={draft.minimums.map((row) => row.currency)}
        onAdd={(currency) =>
          setDraft((d) => ({ ...d, minimums: [...d.minimums, { currency, amount: "" }] }))
        }
      />
      <ChangeControls kind="payouts" version={version} built={built} />
    </Stack>
  );
}
