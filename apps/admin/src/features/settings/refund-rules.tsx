import type { RefundPolicyRuleSet } from "@an/domain";
import { ScrollTable } from "../../components/scroll-table";
import { Button, Group, Stack, Table, Text, TextInput } from "@mantine/core";
import { useMemo, useState } from "react";
import { useT } from "../../lib/i18n";
import { refundDraftOf, refundRulesFrom, type TierRow } from "./rule-drafts";
import { ChangeControls, RulesCard, useProblemText } from "./rules-section";

/** What a client gets back when cancelling, by how long before the start. */
export function RefundSection() {
  const t = useT();
  return (
    <RulesCard
      kind="refund_policy"
      title={t("console.settings.refunds.title")}
      hint={t("console.settings.refunds.hint")}
    >
      {(inForce) => (
        <RefundForm key={inForce.version} version={inForce.version} rules={inForce.rules} />
      )}
    </RulesCard>
  );
}

function RefundForm({ version, rules }: { version: number; rules: RefundPolicyRuleSet }) {
  const t = useT();
  const problemText = useProblemText();
  const [rows, setRows] = useState<TierRow[]>(() => refundDraftOf(rules));
  const built = useMemo(() => refundRulesFrom(rows), [rows]);
  const edit = (index: number, field: keyof TierRow, value: string) =>
    setRows((all) => all.map((row, i) => (i === index ? { ...row, [field]: value } : row)));
  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t("console.settings.refunds.tiersHint")}
      </Text>
      <ScrollTable minWidth={420} label={t("console.settings.refunds.table")}>
        <Table aria-label={t("console.settings.refunds.table")} verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t("console.settings.fields.minHoursBefore")}</Table.Th>
              <Table.Th>{t("console.settings.fields.refundBps")}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              // Tiers have no identity but their place in the order.
              <Table.Tr key={i}>
                <Table.Td>{i + 1}</Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    inputMode="decimal"
                    aria-label={t("console.settings.refunds.hoursOf", { n: i + 1 })}
                    value={row.hoursBefore}
                    onChange={(event) => edit(i, "hoursBefore", event.currentTarget.value)}
                    error={problemText(built.problems[`${i}.hoursBefore`])}
                  />
                </Table.Td>
                <Table.Td>
                  <TextInput
                    size="xs"
                    inputMode="decimal"
                    rightSection="%"
                    aria-label={t("console.settings.refunds.percentOf", { n: i + 1 })}
                    value={row.refundPercent}
                    onChange={(event) => edit(i, "refundPercent", event.currentTarget.value)}
                    error={problemText(built.problems[`${i}.refundPercent`])}
                  />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="subtle"
                    color="red"
                    disabled={rows.length === 1}
                    aria-label={t("console.settings.refunds.removeTier", { n: i + 1 })}
                    onClick={() => setRows((all) => all.filter((_, j) => j !== i))}
                  >
                    {t("console.settings.rules.remove")}
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollTable>
      <Group>
        <Button
          variant="default"
          disabled={rows.length >= 10}
          onClick={() => setRows((all) => [...all, { hoursBefore: "", refundPercent: "" }])}
        >
          {t("console.settings.refunds.addTier")}
        </Button>
      </Group>
      <ChangeControls kind="refund_policy" version={version} built={built} />
    </Stack>
  );
}
