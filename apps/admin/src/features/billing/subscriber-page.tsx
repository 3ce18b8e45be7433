import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  Modal,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { ScrollTable } from "../../components/scroll-table";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Data, DateTime, Money } from "../../components/formatted";
import { type FormEvent, useState } from "react";
import { Link, useParams } from "react-router";
import {
  EntitlementsText,
  Fact,
  MAX_BILLING_REASON,
  ReasonField,
  reasonOk,
  SubscriptionStatusBadge,
} from "./billing-parts";
import { ErrorNote } from "../sandbox/error-note";
import { JsonBlock } from "../../components/json-block";
import { DetailStates } from "../../components/list-states";
import { ReasonModal } from "../../components/reason-modal";
import { formatDateTime, formatMoney, userLabel } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";

type Subscriber = RouterOutputs["billingAdmin"]["getSubscriber"];
type Resync = RouterOutputs["billingAdmin"]["resync"];

/** Days a complimentary grant lasts unless the operator picks another end. */
const DEFAULT_GRANT_DAYS = 30;
const DAY_MS = 86_400_000;

/** `yyyy-mm-dd` for a date input, `days` from now. */
function dateInputIn(days: number): string {
  return new Date(Date.now() + days * DAY_MS).toISOString().slice(0, 10);
}

function StatusCard({ data, locale }: { data: Subscriber; locale: ConsoleLocale }) {
  const t = useT();
  const s = data.status.subscription;
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.billing.subscriber.statusCard")}
      data-testid="subscriber-status"
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.billing.subscriber.statusCard")}</Title>
        {s ? (
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Fact label={t("console.billing.plan")} testId="subscriber-plan">
              <Data>{s.planName ?? s.planKey ?? "—"}</Data>{" "}
              {s.planKey ? <Code fz="xs">{s.planKey}</Code> : null}
            </Fact>
            <Fact label={t("console.billing.statusLabel")}>
              <SubscriptionStatusBadge status={s.status} testId="subscriber-status-badge" />
            </Fact>
            <Fact label={t("console.billing.price")}>
              <Money amount={s.amount} currency={s.currency} />
              {s.interval ? ` / ${t(`console.billing.interval.${s.interval}`)}` : ""}
            </Fact>
            <Fact label={t("console.billing.periodEnd")}>
              <DateTime value={s.currentPeriodEnd} />
            </Fact>
            <Fact label={t("console.billing.cancelAtPeriodEnd")} testId="subscriber-canceling">
              {s.cancelAtPeriodEnd ? t("console.billing.yes") : t("console.billing.no")}
            </Fact>
            <Fact label={t("console.billing.trialEnd")}>
              <DateTime value={s.trialEnd} />
            </Fact>
            <Fact label={t("console.billing.card")}>
              {s.card ? `${s.card.brand} •••• ${s.card.last4}` : "—"}
            </Fact>
            <Fact label={t("console.billing.pastDueSince")}>
              {s.pastDueSince
                ? t("console.billing.pastDueGrace", {
                    since: formatDateTime(s.pastDueSince, locale),
                    until: formatDateTime(s.graceEndsAt, locale),
                  })
                : "—"}
            </Fact>
            <Fact label={t("console.billing.allowlisted")}>
              {s.allowlisted ? (
                t("console.billing.yes")
              ) : (
                <Badge color="red">{t("console.billing.notAllowlisted")}</Badge>
              )}
            </Fact>
            {s.pending ? (
              <Fact label={t("console.billing.pendingChange")}>
                {t("console.billing.pendingAt", {
                  plan: s.pending.planName ?? s.pending.planKey ?? "—",
                  at: formatDateTime(s.pending.at, locale),
                })}
              </Fact>
            ) : null}
            {s.hostedInvoiceUrl ? (
              <Fact label={t("console.billing.openInvoice")}>
                <Anchor href={s.hostedInvoiceUrl} target="_blank" rel="noopener">
                  {s.actionRequired
                    ? t("console.billing.actionRequired")
                    : t("console.billing.hostedInvoice")}
                </Anchor>
              </Fact>
            ) : null}
          </SimpleGrid>
        ) : (
          <Text size="sm" c="dimmed">
            {t("console.billing.noSubscription")}
          </Text>
        )}
        <Fact label={t("console.billing.entitlementsNow")} testId="subscriber-entitlements">
          <EntitlementsText entitlements={data.status.entitlements} /> (
          {t(`console.billing.source.${data.status.source}`)})
        </Fact>
        <Fact label={t("console.billing.subscriber.customer")}>
          {data.customer ? (
            <>
              <Code fz="xs">{data.customer.stripeCustomerId ?? "—"}</Code> ·{" "}
              {t("console.billing.subscriber.syncedAt", {
                at: formatDateTime(data.customer.syncedAt, locale),
              })}
              {data.customer.lastSyncError ? (
                <Text size="xs" c="red">
                  {data.customer.lastSyncError}
                </Text>
              ) : null}
            </>
          ) : (
            "—"
          )}
        </Fact>
      </Stack>
    </Card>
  );
}

function Invoices({ data, locale }: { data: Subscriber; locale: ConsoleLocale }) {
  const t = useT();
  return (
    <Card withBorder padding="md" component="section" aria-label={t("console.billing.invoices")}>
      <Stack gap="sm">
        <Title order={4}>{t("console.billing.invoices")}</Title>
        <ScrollTable minWidth={800} label={t("console.billing.invoices")}>
          <Table
            striped
            aria-label={t("console.billing.invoices")}
            data-testid="subscriber-invoices"
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.billing.invoice.created")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.status")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.reason")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.due")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.paid")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.reversed")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.period")}</Table.Th>
                <Table.Th>{t("console.billing.invoice.id")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.invoices.map((invoice) => (
                <Table.Tr
                  key={invoice.stripeInvoiceId}
                  data-invoice-status={invoice.status}
                  data-amount-paid={invoice.amountPaid}
                >
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={invoice.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Code fz="xs">{invoice.status}</Code>
                  </Table.Td>
                  <Table.Td>{invoice.billingReason ?? "—"}</Table.Td>
                  <Table.Td>
                    <Money amount={invoice.amountDue} currency={invoice.currency} />
                  </Table.Td>
                  <Table.Td>
                    <Money amount={invoice.amountPaid} currency={invoice.currency} />
                  </Table.Td>
                  <Table.Td>
                    {invoice.amountReversed > 0
                      ? formatMoney(invoice.amountReversed, invoice.currency, locale)
                      : "—"}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={invoice.periodStart} /> –{" "}
                    <DateTime value={invoice.periodEnd} />
                  </Table.Td>
                  <Table.Td>
                    {invoice.hostedInvoiceUrl ? (
                      <Anchor href={invoice.hostedInvoiceUrl} target="_blank" rel="noopener">
                        <Code fz="xs">{invoice.stripeInvoiceId}</Code>
                      </Anchor>
                    ) : (
                      <Code fz="xs">{invoice.stripeInvoiceId}</Code>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
              {data.invoices.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={8}>
                    <Text size="sm" c="dimmed">
                      {t("console.billing.noInvoices")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Stack>
    </Card>
  );
}

function Events({ data }: { data: Subscriber }) {
  const t = useT();
  return (
    <Card withBorder padding="md" component="section" aria-label={t("console.billing.events")}>
      <Stack gap="xs">
        <Title order={4}>{t("console.billing.events")}</Title>
        {data.events.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.billing.noEvents")}
          </Text>
        ) : (
          <Stack gap={6} data-testid="subscriber-events">
            {data.events.map((event) => (
              <Group key={event.id} gap="sm" wrap="wrap" align="flex-start" data-kind={event.kind}>
                <Text
                  size="xs"
                  c="dimmed"
                  style={{ whiteSpace: "nowrap", flexShrink: 0 }}
                  miw={150}
                >
                  <DateTime value={event.at} />
                </Text>
                <Stack gap={0}>
                  <Text size="sm">
                    <Data>{event.summary}</Data>
                  </Text>
                  <Text size="xs" c="dimmed">
                    <Data>{event.kind}</Data> · <Data>{event.source}</Data>
                  </Text>
                </Stack>
              </Group>
            ))}
          </Stack>
        )}
      </Stack>
    </Card>
  );
}

function GrantForm({ userId, onClose }: { userId: string; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const plans = useQuery(trpc.billingAdmin.listPlans.queryOptions());
  const choices = (plans.data?.plans ?? []).filter((p) => p.status === "active");
  const [planKey, setPlanKey] = useState("");
  const [endsOn, setEndsOn] = useState(dateInputIn(DEFAULT_GRANT_DAYS));
  const [reason, setReason] = useState("");
  const picked = planKey || choices[0]?.key || "";
  const grant = useMutation(
    trpc.billingAdmin.grantComplimentary.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.billingAdmin.pathKey());
        notifySuccess(t("console.billing.grants.granted"));
        onClose();
      },
    }),
  );
  const endsAt = new Date(`${endsOn}T23:59:59Z`);
  const complete =
    picked && !Number.isNaN(endsAt.getTime()) && endsAt.getTime() > Date.now() && reasonOk(reason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    grant.mutate({ userId, planKey: picked, endsAt: endsAt.toISOString(), reason: reason.trim() });
  };
  return (
    <form onSubmit={submit} aria-label={t("console.billing.grants.grant")}>
      <Stack>
        <NativeSelect
          label={t("console.billing.plan")}
          value={picked}
          data={choices.map((p) => ({ value: p.key, label: p.key }))}
          onChange={(event) => setPlanKey(event.currentTarget.value)}
        />
        <TextInput
          type="date"
          label={t("console.billing.grants.endsOn")}
          required
          value={endsOn}
          onChange={(event) => setEndsOn(event.currentTarget.value)}
          w={220}
        />
        <ReasonField value={reason} onChange={setReason} />
        <ErrorNote error={grant.error} title={t("console.billing.grants.grantFailed")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("console.billing.cancel")}
          </Button>
          <Button type="submit" loading={grant.isPending} disabled={!complete}>
            {t("console.billing.grants.grant")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Grants({ data, locale }: { data: Subscriber; locale: ConsoleLocale }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [granting, setGranting] = useState(false);
  const [revoking, setRevoking] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.billingAdmin.revokeComplimentary.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.billingAdmin.pathKey());
        notifySuccess(t("console.billing.grants.revoked"));
        setRevoking(null);
      },
    }),
  );
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.billing.grants.title")}
    >
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t("console.billing.grants.title")}</Title>
          <Button size="xs" variant="light" onClick={() => setGranting(true)}>
            {t("console.billing.grants.grant")}
          </Button>
        </Group>
        {data.grants.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.billing.grants.none")}
          </Text>
        ) : (
          <Table striped aria-label={t("console.billing.grants.title")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.billing.plan")}</Table.Th>
                <Table.Th>{t("console.billing.grants.period")}</Table.Th>
                <Table.Th>{t("console.billing.reason")}</Table.Th>
                <Table.Th>{t("console.billing.grants.state")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.grants.map((grant) => {
                const ended = grant.revokedAt !== null || Date.parse(grant.endsAt) <= Date.now();
                return (
                  <Table.Tr key={grant.id}>
                    <Table.Td>
                      <Code fz="xs">{grant.planKey}</Code>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <DateTime value={grant.startsAt} /> – <DateTime value={grant.endsAt} />
                    </Table.Td>
                    <Table.Td style={{ overflowWrap: "anywhere" }}>
                      <Data>{grant.reason}</Data>
                    </Table.Td>
                    <Table.Td>
                      {grant.revokedAt
                        ? t("console.billing.grants.revokedAt", {
                            at: formatDateTime(grant.revokedAt, locale),
                            reason: grant.revokeReason ?? "",
                          })
                        : ended
                          ? t("console.billing.grants.ended")
                          : t("console.billing.grants.current")}
                    </Table.Td>
                    <Table.Td>
                      {ended ? null : (
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setRevoking(grant.id)}
                        >
                          {t("console.billing.grants.revoke")}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
      <Modal
        opened={granting}
        onClose={() => setGranting(false)}
        title={t("console.billing.grants.grantTitle")}
        size="lg"
      >
        {granting ? <GrantForm userId={data.user.id} onClose={() => setGranting(false)} /> : null}
      </Modal>
      <ReasonModal
        opened={revoking !== null}
        title={t("console.billing.grants.revokeTitle")}
        label={t("console.billing.reason")}
        confirmLabel={t("console.billing.grants.revoke")}
        color="red"
        maxLength={MAX_BILLING_REASON}
        pending={revoke.isPending}
        onConfirm={(reason) => revoking && revoke.mutate({ grantId: revoking, reason })}
        onClose={() => setRevoking(null)}
      >
        <Text size="sm">{t("console.billing.grants.revokeHint")}</Text>
      </ReasonModal>
    </Card>
  );
}

/** What a re-sync found different from Stripe, or that nothing was. */
function ResyncResult({ result }: { result: Resync }) {
  const t = useT();
  return (
    <Alert
      color={result.changed ? "yellow" : "teal"}
      title={
        result.changed ? t("console.billing.resync.changed") : t("console.billing.resync.same")
      }
      data-testid="subscriber-resync-result"
    >
      {result.differences.length > 0 ? <JsonBlock value={result.differences} /> : null}
    </Alert>
  );
}

/**
 * One subscriber for admins: the subscription as last synced from Stripe, its invoices and
 * the timeline of what happened, complimentary grants, and a re-sync that reads Stripe again
 * and says what differed.
 */
export function SubscriberPage() {
  const { userId = "" } = useParams();
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const subscriber = useQuery(trpc.billingAdmin.getSubscriber.queryOptions({ userId }));
  const [resynced, setResynced] = useState<Resync | null>(null);
  const resync = useMutation(
    trpc.billingAdmin.resync.mutationOptions({
      onSuccess: async (result) => {
        setResynced(result);
        await invalidate(trpc.billingAdmin.pathKey());
      },
    }),
  );

  const back = { to: "/subscribers", label: t("console.nav.subscribers") };
  if (subscriber.isPending || subscriber.isError) {
    return (
      <DetailStates
        query={subscriber}
        noun={t("console.billing.subscribers.singular")}
        back={back}
      />
    );
  }
  const data = subscriber.data;
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to={back.to} size="sm">
        {t("console.common.back", { label: back.label })}
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Title order={2}>
            <Data>{userLabel(data.user)}</Data>
          </Title>
          <Text size="sm" c="dimmed">
            <Data>{data.user.email ?? "—"}</Data> · <Code fz="xs">{data.user.id}</Code>
          </Text>
        </Stack>
        <Button
          variant="light"
          loading={resync.isPending}
          disabled={!data.customer}
          onClick={() => resync.mutate({ userId })}
        >
          {t("console.billing.resync.button")}
        </Button>
      </Group>
      {resynced ? <ResyncResult result={resynced} /> : null}
      <StatusCard data={data} locale={locale} />
      <Invoices data={data} locale={locale} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Events data={data} />
        <Grants data={data} locale={locale} />
      </SimpleGrid>
    </Stack>
  );
}
