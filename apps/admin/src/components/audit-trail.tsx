import { Code, Stack, Table, Text, Title } from "@mantine/core";
import { ScrollTable } from "./scroll-table";
import { Fragment } from "react";
import { type AuditField, auditFields } from "../lib/audit-diff";
import { i18n, useT } from "../lib/i18n";
import { useLocale } from "../lib/session";
import type { RouterOutputs } from "../lib/trpc";
import { Data, DateTime } from "./formatted";

export type AuditEntry = RouterOutputs["users"]["get"]["audit"][number];

/** A field's name in the operator's language where the catalog has one, else as stored. */
function FieldName({ path }: { path: string[] }) {
  return (
    <>
      {path.map((key, index) => {
        const labelKey = `console.common.auditField.${key}`;
        return (
          <Fragment key={index}>
            {index > 0 ? " › " : null}
            {i18n.exists(labelKey) ? i18n.t(labelKey) : <Code fz="xs">{key}</Code>}
          </Fragment>
        );
      })}
    </>
  );
}

function FieldValue({ field }: { field: AuditField }) {
  if (field.kind === "json") return <Code fz="xs">{field.text}</Code>;
  return <Data>{field.text}</Data>;
}

function Side({ fields, sign, color }: { fields: AuditField[]; sign: string; color: string }) {
  return (
    <Text size="xs" c={color} style={{ overflowWrap: "anywhere" }}>
      <span aria-hidden>{sign} </span>
      {fields.map((field, index) => (
        <Fragment key={field.path.join(".") || index}>
          {index > 0 ? "; " : null}
          {field.path.length > 0 ? (
            <>
              <FieldName path={field.path} />
              {": "}
            </>
          ) : null}
          <FieldValue field={field} />
        </Fragment>
      ))}
    </Text>
  );
}

/** The before and after of one record: amounts formatted with their currency, never raw. */
function Change({ before, after }: { before: unknown; after: unknown }) {
  const t = useT();
  const locale = useLocale();
  const was = auditFields(before, locale);
  const now = auditFields(after, locale);
  if (!was && !now) return <Text size="xs">—</Text>;
  return (
    <Stack gap={2}>
      {was ? (
        <div>
          <Text span size="xs" fw={600}>
            {t("console.common.audit.before")}
          </Text>
          <Side fields={was} sign="−" color="red" />
        </div>
      ) : null}
      {now ? (
        <div>
          <Text span size="xs" fw={600}>
            {t("console.common.audit.after")}
          </Text>
          <Side fields={now} sign="+" color="teal" />
        </div>
      ) : null}
    </Stack>
  );
}

/** The audit records about one subject (a user, an application), newest first. */
export function AuditTrail({ audit }: { audit: readonly AuditEntry[] }) {
  const t = useT();
  return (
    <Stack gap="xs">
      <Title order={4}>{t("console.common.audit.title")}</Title>
      {audit.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.common.audit.empty")}
        </Text>
      ) : (
        <ScrollTable minWidth={760} label={t("console.common.audit.title")}>
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.common.audit.title")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t("console.common.audit.when")}</Table.Th>
                <Table.Th scope="col">{t("console.common.audit.actor")}</Table.Th>
                <Table.Th scope="col">{t("console.common.audit.action")}</Table.Th>
                <Table.Th scope="col">{t("console.common.audit.change")}</Table.Th>
                <Table.Th scope="col">{t("console.common.audit.request")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {audit.map((entry) => (
                <Table.Tr key={entry.id}>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={entry.at} />
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: "anywhere" }}>
                    {(entry.actorId ?? entry.actorLabel) ? (
                      <Data>{entry.actorId ?? entry.actorLabel}</Data>
                    ) : (
                      "—"
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Code>{entry.action}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Change before={entry.before} after={entry.after} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                      {entry.requestId ? <Data>{entry.requestId}</Data> : "—"}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}
