import type { PlatformRuleKind, PlatformRulesOf } from "@an/domain";
import { ScrollTable } from "../../components/scroll-table";
import { Alert, Button, Card, Group, Stack, Table, Text, Textarea, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Fragment, type ReactNode, useState } from "react";
import { JsonBlock } from "../../components/json-block";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC, useTRPCClient } from "../../lib/trpc";
import type { Built, InputProblem } from "./rule-drafts";
import { fieldLabel, formatRuleValue } from "./rule-values";

/** The money rule kinds, each edited as a whole set with a preview before it is saved. */
export type MoneyRuleKind = Exclude<PlatformRuleKind, "advisor_onboarding">;

type RulesAnswer = RouterOutputs["platformRules"]["get"];
type Preview = RouterOutputs["platformRules"]["preview"];

/** The version in force of `kind` and its history (`get` answers for any kind: typed here). */
export function useRulesInForce<K extends MoneyRuleKind>(kind: K) {
  const trpc = useTRPC();
  const query = useQuery(trpc.platformRules.get.queryOptions({ kind }));
  const inForce = query.data
    ? { version: query.data.inForce.version, rules: query.data.inForce.rules as PlatformRulesOf[K] }
    : null;
  return { query, inForce };
}

/**
 * The currencies offered (the keys of the pricing rules in force), null while loading: the
 * commission and payout forms give each of them a row, so a fee or minimum can be set where
 * clients pay.
 */
export function useOfferedCurrencies(): string[] | null {
  const { inForce } = useRulesInForce("pricing");
  return inForce ? Object.keys(inForce.rules.currencies) : null;
}

/** A field's problem in the operator's language, for the input's `error`. */
export function useProblemText() {
  const t = useT();
  return (problem: InputProblem | undefined) =>
    problem
      ? t(`console.settings.input.${problem.code}`, { exponent: problem.exponent ?? 0 })
      : undefined;
}

/**
 * One money rule kind: the version in force (who, when, why), the form the caller renders
 * from the rules in force, and the saved versions with their rules.
 */
export function RulesCard<K extends MoneyRuleKind>({
  kind,
  title,
  hint,
  children,
}: {
  kind: K;
  title: string;
  hint: string;
  children: (inForce: { version: number; rules: PlatformRulesOf[K] }) => ReactNode;
}) {
  const t = useT();
  const { query, inForce } = useRulesInForce(kind);
  return (
    <Card withBorder data-testid={`rules-card-${kind}`}>
      <Stack>
        <Stack gap={2}>
          <Title order={3}>{title}</Title>
          <Text size="sm" c="dimmed">
            {hint}
          </Text>
        </Stack>
        {!query.data || !inForce ? (
          query.isError ? (
            <Alert color="red">{describeError(query.error).message}</Alert>
          ) : (
            <Text size="sm">{t("console.billing.loading")}</Text>
          )
        ) : (
          <>
            <InForceLine data={query.data} />
            {children(inForce)}
            <History data={query.data} />
          </>
        )}
      </Stack>
    </Card>
  );
}

function InForceLine({ data }: { data: RulesAnswer }) {
  const t = useT();
  const locale = useLocale();
  const v = data.inForce;
  return (
    <Alert color={v.version === 0 ? "gray" : "blue"} variant="light" data-testid="rules-in-force">
      {v.version === 0
        ? t("console.settings.rules.inForceDefault")
        : t("console.settings.rules.inForce", {
            version: v.version,
            when: formatDateTime(v.createdAt ? String(v.createdAt) : null, locale),
            who: v.createdBy ?? "—",
            reason: v.reason,
          })}
    </Alert>
  );
}

function History({ data }: { data: RulesAnswer }) {
  const t = useT();
  const locale = useLocale();
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Stack gap="xs">
      <Title order={4}>{t("console.settings.history")}</Title>
      {data.history.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.settings.noHistory")}
        </Text>
      ) : (
        <ScrollTable minWidth={560} label={t("console.settings.history")}>
          <Table aria-label={t("console.settings.history")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.settings.version")}</Table.Th>
                <Table.Th>{t("console.settings.when")}</Table.Th>
                <Table.Th>{t("console.settings.who")}</Table.Th>
                <Table.Th>{t("console.billing.reason")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.history.map((v) => (
                <Fragment key={v.version}>
                  <Table.Tr>
                    <Table.Td>{v.version}</Table.Td>
                    <Table.Td>{formatDateTime(String(v.createdAt), locale)}</Table.Td>
                    <Table.Td>{v.createdBy ?? "—"}</Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap" }}>{v.reason}</Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        aria-expanded={open === v.version}
                        onClick={() => setOpen(open === v.version ? null : v.version)}
                      >
                        {t(
                          open === v.version
                            ? "console.settings.rules.hideRules"
                            : "console.settings.rules.showRules",
                          { version: v.version },
                        )}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {open === v.version ? (
                    <Table.Tr>
                      <Table.Td colSpan={5}>
                        <JsonBlock
                          value={v.rules}
                          label={t("console.settings.rules.rulesOf", { version: v.version })}
                        />
                      </Table.Td>
                    </Table.Tr>
                  ) : null}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      )}
    </Stack>
  );
}

type PreviewState =
  | { status: "idle" }
  | { status: "loading"; key: string }
  | { status: "done"; key: string; preview: Preview }
  | { status: "refused"; key: string; message: string };

/**
 * A reason, "Preview changes" (what saving would change, field by field, or the refusal:
 * nothing is saved), then "Save as version N+1", offered only for the rules previewed.
 */
export function ChangeControls<K extends MoneyRuleKind>({
  kind,
  version,
  built,
}: {
  kind: K;
  /** The version in force; saving makes the next. */
  version: number;
  built: Built<PlatformRulesOf[K]>;
}) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const client = useTRPCClient();
  const invalidate = useInvalidate();
  const [reason, setReason] = useState("");
  const [preview, setPreview] = useState<PreviewState>({ status: "idle" });
  const key = built.rules ? JSON.stringify(built.rules) : null;
  // A preview stands only for the rules it was asked about: an edit since hides it.
  const current = preview.status !== "idle" && preview.key === key ? preview : null;
  const save = useMutation(
    trpc.platformRules.set.mutationOptions({
      onSuccess: async (saved) => {
        await invalidate(trpc.platformRules.pathKey());
        notifySuccess(t("console.settings.rules.saved", { version: saved.version }));
      },
    }),
  );
  const runPreview = async () => {
    if (!built.rules || key === null) return;
    setPreview({ status: "loading", key });
    try {
      // Asked directly, not through the cache: a refusal is shown here, not as a failure.
      const answer = await client.platformRules.preview.query({ kind, rules: built.rules });
      setPreview({ status: "done", key, preview: answer });
    } catch (error) {
      setPreview({ status: "refused", key, message: describeError(error).message });
    }
  };
  const tooShort = reason.trim().length < MIN_REASON_LENGTH;
  const hasChanges = current?.status === "done" && current.preview.changes.length > 0;
  const problems = Object.keys(built.problems).length;
  return (
    <Stack>
      {problems > 0 ? (
        <Text size="sm" c="red">
          {t("console.settings.rules.fixFields", { count: problems })}
        </Text>
      ) : null}
      <Group>
        <Button
          variant="light"
          onClick={() => void runPreview()}
          disabled={!built.rules}
          loading={current?.status === "loading"}
        >
          {t("console.settings.rules.preview")}
        </Button>
      </Group>
      {current?.status === "refused" ? (
        <Alert color="red" title={t("console.settings.rules.refused")} role="alert">
          {current.message}
        </Alert>
      ) : null}
      {current?.status === "done" && current.preview.changes.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.settings.rules.noChanges")}
        </Text>
      ) : null}
      {current?.status === "done" && current.preview.changes.length > 0 ? (
        <Stack gap="xs">
          <Text size="sm" fw={500}>
            {t("console.settings.rules.changesTitle", {
              from: current.preview.fromVersion,
              to: current.preview.toVersion,
            })}
          </Text>
          <ScrollTable minWidth={480} label={t("console.settings.rules.changes")}>
            <Table aria-label={t("console.settings.rules.changes")} striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("console.settings.rules.field")}</Table.Th>
                  <Table.Th>{t("console.settings.rules.before")}</Table.Th>
                  <Table.Th>{t("console.settings.rules.after")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {current.preview.changes.map((change) => (
                  <Table.Tr key={change.field}>
                    <Table.Td>{fieldLabel(change.field, t)}</Table.Td>
                    <Table.Td>{formatRuleValue(change.field, change.before, t, locale)}</Table.Td>
                    <Table.Td>{formatRuleValue(change.field, change.after, t, locale)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
          <PricingImpactNote impact={current.preview.pricingImpact} />
        </Stack>
      ) : null}
      <Textarea
        label={t("console.billing.reason")}
        description={t("console.billing.reasonHint")}
        required
        maxLength={500}
        value={reason}
        onChange={(event) => setReason(event.currentTarget.value)}
        error={
          reason !== "" && tooShort
            ? t("console.settings.rules.reasonTooShort", { min: MIN_REASON_LENGTH })
            : undefined
        }
      />
      {save.isError ? <Alert color="red">{describeError(save.error).message}</Alert> : null}
      <Group>
        <Button
          onClick={() => {
            if (built.rules && hasChanges && !tooShort) {
              save.mutate({ kind, rules: built.rules, reason: reason.trim() });
            }
          }}
          loading={save.isPending}
          disabled={!hasChanges || tooShort}
        >
          {t("console.settings.rules.save", { version: version + 1 })}
        </Button>
        {!hasChanges ? (
          <Text size="xs" c="dimmed">
            {t("console.settings.rules.previewFirst")}
          </Text>
        ) : null}
      </Group>
    </Stack>
  );
}

/**
 * Which advisors a pricing change leaves out (a currency no longer offered, or a rate
 * outside the new limits): they keep their booked consultations, but new bookings with them
 * are refused until they reprice.
 */
function PricingImpactNote({ impact }: { impact: Preview["pricingImpact"] }) {
  const t = useT();
  const affected = (impact ?? []).filter((i) => i.removed || i.outsideLimits > 0);
  if (affected.length === 0) return null;
  return (
    <Alert
      color="yellow"
      title={t("console.settings.rules.impact.title")}
      data-testid="pricing-impact"
    >
      <Stack gap={4}>
        {affected.map((i) => (
          <Text size="sm" key={i.currency}>
            {i.removed
              ? t("console.settings.rules.impact.removed", {
                  currency: i.currency,
                  count: i.advisors,
                })
              : t("console.settings.rules.impact.outside", {
                  currency: i.currency,
                  count: i.outsideLimits,
                })}
          </Text>
        ))}
        <Text size="xs" c="dimmed">
          {t("console.settings.rules.impact.hint")}
        </Text>
      </Stack>
    </Alert>
  );
}
