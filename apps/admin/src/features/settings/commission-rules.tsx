import type { CommissionRuleSet } from "@an/domain";
import { ScrollTable } from "../../components/scroll-table";
import { Stack, Table, Text, TextInput } from "@mantine/core";
import { Data } from "../../components/formatted";
import { useMemo, useState } from "react";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";
import { AddCurrency } from "./add-currency";
import {
  type CommissionDraft,
  commissionDraftOf,
  commissionRulesFrom,
  FEE_FIELDS,
  type FeeRow,
} from "./rule-drafts";
import { formatPercentOfBps } from "./rule-values";
import { ChangeControls, RulesCard, useOfferedCurrencies, useProblemText } from "./rules-section";

/** The platform's fee: a percentage, then a fixed part, a minimum and a maximum per currency. */
export function CommissionSection() {
  const t = useT();
  const offered = useOfferedCurrencies();
  return (
    <RulesCard
      kind="commission"
      title={t("console.settings.commission.title")}
      hint={t("console.settings.commission.hint")}
    >
      {(inForce) =>
        offered ? (
          <CommissionForm
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

function CommissionForm({
  version,
  rules,
  offered,
}: {
  version: number;
  rules: CommissionRuleSet;
  offered: string[];
}) {
  const t = useT();
  const locale = useLocale();
  const problemText = useProblemText();
  const [draft, setDraft] = useState<CommissionDraft>(() => commissionDraftOf(rules, offered));
  const built = useMemo(() => commissionRulesFrom(draft), [draft]);
  const edit = (currency: string, field: keyof FeeRow, value: string) =>
    setDraft((d) => ({
      ...d,
      fees: d.fees.map((row) => (row.currency === currency ? { ...row, [field]: value } : row)),
    }));
  return (
    <Stack>
      <TextInput
        label={t("console.settings.commission.percent")}
        description={t("console.settings.commission.percentHint", {
          current: formatPercentOfBps(rules.bps, locale),
        })}
        inputMode="decimal"
        rightSection="%"
        w={260}
        value={draft.percent}
        onChange={(event) => {
          const percent = event.currentTarget.value;
          setDraft((d) => ({ ...d, percent }));
        }}
        error={problemText(built.problems.percent)}
      />
      <Text size="sm" c="dimmed">
        {t("console.settings.commission.feesHint")}
      </Text>
      <ScrollTable minWidth={560} label={t("console.settings.commission.table")}>
        <Table aria-label={t("console.settings.commission.table")} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t("console.settings.fields.currency")}</Table.Th>
              {FEE_FIELDS.map((field) => (
                <Table.Th key={field}>{t(`console.settings.fields.${field}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {draft.fees.map((row) => (
              <Table.Tr key={row.currency}>
                <Table.Td fw={600}>
                  <Data>{row.currency}</Data>
                </Table.Td>
                {FEE_FIELDS.map((field) => (
                  <Table.Td key={field}>
                    <TextInput
                      size="xs"
                      w={160}
                      inputMode="decimal"
                      aria-label={`${row.currency} ${t(`console.settings.fields.${field}`)}`}
                      placeholder="—"
                      value={row[field]}
                      onChange={(event) => edit(row.currency, field, event.currentTarget.value)}
                      error={problemText(built.problems[`${row.currency}.${field}`])}
                    />
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <AddCurrency
        label={t("console.settings.rules.addCurrencyRow")}
        present={draft.fees.map((row) => row.currency)}
        onAdd={(currency) =>
          setDraft((d) => ({
            ...d,
            fees: [...d.fees, { currency, fixed: "", minFee: "", maxFee: "" }],
          }))
        }
      />
      <ChangeControls kind="commission" version={version} built={built} />
    </Stack>
  );
}
