import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Code,
  Group,
  List,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Trans } from "react-i18next";
import { Link, useParams } from "react-router";
import { EmptyRow } from "../../components/list-states";
import { BatchesTable, PayoutItemsTable, ReversalsTable } from "./payout-tables";
import { ConfirmModal, ReasonModal } from "../../components/reason-modal";
import { Data, DateTime, Money } from "../../components/formatted";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { describeSchedule, KEYBOARD_SCROLL } from "../../lib/payouts";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { BackToPayouts } from "./payout-batch-page";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { DetailStates } from "../../components/list-states";

type Detail = RouterOutputs["payoutAdmin"]["getAdvisor"];

/** Off-cycle batches are built by the worker: refresh soon after asking. */
const REFRESH_MS = 5_000;
/** The API's longest hold reason. */
const HOLD_REASON_MAX = 500;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

function Requirements({
  title,
  keys,
  color,
}: {
  title: string;
  keys: readonly { key: string; label: string }[];
  color?: string;
}) {
  if (keys.length === 0) return null;
  return (
    <Stack gap={2}>
      <Text size="sm" fw={500} c={color}>
        {title}
      </Text>
      <List size="sm" spacing={2}>
        {keys.map((r) => (
          <List.Item key={r.key}>
            <Data>{r.label}</Data>{" "}
            {r.label !== r.key ? (
              <Code fz="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                {r.key}
              </Code>
            ) : null}
          </List.Item>
        ))}
      </List>
    </Stack>
  );
}

/** The Stripe Connect account as Stripe last reported it, and what it still needs. */
function AccountCard({ detail }: { detail: Detail }) {
  const t = useT();
  const account = detail.account;
  const yesNo = (value: boolean) => (value ? t("console.payouts.yes") : t("console.payouts.no"));
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.payouts.account.title")}
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap">
          <Title order={4}>{t("console.payouts.account.title")}</Title>
          <Badge
            color={detail.ready ? "teal" : account ? "yellow" : "gray"}
            variant="light"
            data-testid="payout-account-state"
            data-ready={detail.ready}
          >
            {detail.ready
              ? t("console.payouts.account.ready")
              : account
                ? t("console.payouts.account.notReady")
                : t("console.payouts.account.notOnboarded")}
          </Badge>
        </Group>
        {account ? (
          <>
            <SimpleGrid cols={2}>
              <Field label={t("console.payouts.account.account")}>
                <Code style={{ overflowWrap: "anywhere" }}>{account.providerAccountId}</Code>
              </Field>
              <Field label={t("console.payouts.account.transfersCapability")}>
                <Text size="sm">
                  {account.transfersCapability ? (
                    <Code>{account.transfersCapability}</Code>
                  ) : (
                    t("console.payouts.account.notRequested")
                  )}
                </Text>
              </Field>
              <Field label={t("console.payouts.account.detailsSubmitted")}>
                <Text size="sm">{yesNo(account.detailsSubmitted)}</Text>
              </Field>
              <Field label={t("console.payouts.account.payoutsEnabled")}>
                <Text size="sm">{yesNo(account.payoutsEnabled)}</Text>
              </Field>
              <Field label={t("console.payouts.account.syncedAt")}>
                <Text size="sm">
                  <DateTime value={account.syncedAt} />
                </Text>
              </Field>
              {account.disabledReason ? (
                <Field label={t("console.payouts.account.disabledReason")}>
                  <Code style={{ overflowWrap: "anywhere" }}>{account.disabledReason}</Code>
                </Field>
              ) : null}
            </SimpleGrid>
            <Requirements
              title={t("console.payouts.account.pastDue")}
              keys={account.pastDue}
              color="red"
            />
            <Requirements
              title={t("console.payouts.account.currentlyDue")}
              keys={account.currentlyDue}
            />
            <Requirements
              title={t("console.payouts.account.eventuallyDue")}
              keys={account.eventuallyDue}
              color="dimmed"
            />
            {account.currentlyDue.length === 0 && account.pastDue.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("console.payouts.account.nothingDue")}
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t("console.payouts.account.notStarted")}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

/** Schedule, next run and hold, with the actions on them. */
function ScheduleCard({
  detail,
  locale,
  onHold,
  onRelease,
  onPayNow,
}: {
  detail: Detail;
  locale: ConsoleLocale;
  onHold: () => void;
  onRelease: () => void;
  onPayNow: () => void;
}) {
  const t = useT();
  const { schedule, hold } = detail;
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.payouts.schedule.title")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.payouts.schedule.title")}</Title>
        <SimpleGrid cols={2}>
          <Field label={t("console.payouts.schedule.runs")}>
            <Text size="sm">{describeSchedule(schedule, t, locale)}</Text>
            <Text size="xs" c="dimmed">
              <Data>{schedule.timeZone}</Data>
            </Text>
          </Field>
          <Field label={t("console.payouts.schedule.nextRun")}>
            <Text size="sm">
              {hold ? (
                t("console.payouts.schedule.held")
              ) : (
                <DateTime value={schedule.nextPayoutAt} />
              )}
            </Text>
          </Field>
        </SimpleGrid>
        {hold ? (
          <Alert color="orange" title={t("console.payouts.hold.title")} data-testid="payout-hold">
            <Text size="sm">
              {hold.reason ? <Data>{hold.reason}</Data> : t("console.payouts.hold.noReason")}
            </Text>
            <Text size="xs" c="dimmed">
              <Trans
                t={t}
                i18nKey={hold.by ? "console.payouts.hold.sinceBy" : "console.payouts.hold.since"}
                values={{ date: formatDateTime(hold.at, locale), name: hold.by }}
                components={{ bdi: <bdi /> }}
              />
            </Text>
          </Alert>
        ) : null}
        <Group gap="xs" wrap="wrap">
          {hold ? (
            <Button variant="light" color="teal" onClick={onRelease}>
              {t("console.payouts.hold.lift")}
            </Button>
          ) : (
            <Button variant="light" color="orange" onClick={onHold}>
              {t("console.payouts.hold.hold")}
            </Button>
          )}
          <Button
            variant="light"
            onClick={onPayNow}
            disabled={hold !== null || !detail.ready}
            title={
              hold
                ? t("console.payouts.payNow.liftFirst")
                : !detail.ready
                  ? t("console.payouts.payNow.notReady")
                  : undefined
            }
          >
            {t("console.payouts.payNow.title")}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Per currency: pending, released, in transit, paid out, owed. */
function BalancesCard({ detail }: { detail: Detail }) {
  const t = useT();
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.payouts.balances.title")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.payouts.balances.title")}</Title>
        <Table.ScrollContainer minWidth={640} scrollAreaProps={KEYBOARD_SCROLL}>
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.payouts.balances.label")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.payouts.balances.currency")}</Table.Th>
                <Table.Th ta="end">{t("console.payouts.balances.pending")}</Table.Th>
                <Table.Th ta="end">{t("console.payouts.balances.released")}</Table.Th>
                <Table.Th ta="end">{t("console.payouts.balances.inTransit")}</Table.Th>
                <Table.Th ta="end">{t("console.payouts.balances.paidOut")}</Table.Th>
                <Table.Th ta="end">{t("console.payouts.balances.owed")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {detail.balances.map((b) => (
                <Table.Tr key={b.currency} data-currency={b.currency}>
                  <Table.Td>
                    <Data>{b.currency}</Data>
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={b.pending} currency={b.currency} />
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={b.released} currency={b.currency} />
                  </Table.Td>
                  <Table.Td ta="end">
                    <Money amount={b.inTransit} currency={b.currency} />
                  </Table.Td>
                  <Table.Td ta="end" data-testid={`paid-out-${b.currency}`}>
                    <Money amount={b.paidOut} currency={b.currency} />
                  </Table.Td>
                  <Table.Td ta="end" c={b.owed > 0 ? "red" : undefined}>
                    <Money amount={b.owed} currency={b.currency} />
                  </Table.Td>
                </Table.Tr>
              ))}
              {detail.balances.length === 0 ? (
                <EmptyRow colSpan={6}>{t("console.payouts.balances.empty")}</EmptyRow>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        <Text size="xs" c="dimmed">
          {t("console.payouts.balances.hint")}
        </Text>
      </Stack>
    </Card>
  );
}

type Dialog = "hold" | "release" | "pay" | null;

/** One advisor's payouts: account, schedule and hold, balances, batches, items, reversals. */
export function AdvisorPayoutsPage() {
  const { advisorId = "" } = useParams();
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const locale = useLocale();
  const [dialog, setDialog] = useState<Dialog>(null);
  const detail = useQuery(
    trpc.payoutAdmin.getAdvisor.queryOptions({ advisorId }, { refetchInterval: REFRESH_MS }),
  );
  const done = (message: string) => async () => {
    await invalidate(trpc.payoutAdmin.pathKey());
    setDialog(null);
    notifySuccess(message);
  };
  const hold = useMutation(
    trpc.payoutAdmin.hold.mutationOptions({ onSuccess: done(t("console.payouts.hold.held")) }),
  );
  const release = useMutation(
    trpc.payoutAdmin.releaseHold.mutationOptions({
      onSuccess: done(t("console.payouts.hold.lifted")),
    }),
  );
  const payNow = useMutation(
    trpc.payoutAdmin.runOffCycle.mutationOptions({
      onSuccess: done(t("console.payouts.payNow.requested")),
    }),
  );
  const open = (next: Dialog) => {
    hold.reset();
    release.reset();
    payNow.reset();
    setDialog(next);
  };
  const back = { to: "/payouts", label: t("console.payouts.title") };
  if (detail.isPending || detail.isError) {
    return (
      <DetailStates query={detail} noun={t("console.payouts.nouns.advisorPayouts")} back={back} />
    );
  }
  const d = detail.data;
  const failure = hold.error ?? release.error ?? payNow.error;

  return (
    <Stack gap="lg" data-testid="advisor-payouts" data-advisor-id={d.advisorId}>
      <BackToPayouts />
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={2}>
            <Trans
              t={t}
              i18nKey="console.payouts.advisor.heading"
              values={{ name: d.displayName }}
              components={{ bdi: <bdi /> }}
            />
          </Title>
          <Text size="sm" c="dimmed" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            <Data>{d.advisorId}</Data>
          </Text>
        </Stack>
        <Anchor
          component={Link}
          to={`/consultations?advisor=${encodeURIComponent(d.advisorId)}`}
          size="sm"
        >
          {t("console.payouts.advisor.consultations")}
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <AccountCard detail={d} />
        <ScheduleCard
          detail={d}
          locale={locale}
          onHold={() => open("hold")}
          onRelease={() => open("release")}
          onPayNow={() => open("pay")}
        />
      </SimpleGrid>
      <BalancesCard detail={d} />
      <Stack gap="xs">
        <Title order={4}>{t("console.payouts.advisor.recentBatches")}</Title>
        <BatchesTable
          batches={d.recentBatches}
          showAdvisor={false}
          label={t("console.payouts.advisor.recentBatches")}
          busy={detail.isFetching}
        />
      </Stack>
      <Stack gap="xs">
        <Title order={4}>{t("console.payouts.advisor.openItems")}</Title>
        <PayoutItemsTable
          items={d.openItems}
          label={t("console.payouts.advisor.openItemsLabel")}
          busy={detail.isFetching}
          empty={t("console.payouts.advisor.nothingOpen")}
        />
      </Stack>
      <Stack gap="xs">
        <Title order={4}>{t("console.payouts.reversalsLabel")}</Title>
        <ReversalsTable
          reversals={d.reversals}
          showAdvisor={false}
          label={t("console.payouts.advisor.reversalsLabel")}
          busy={detail.isFetching}
        />
      </Stack>

      <ReasonModal
        opened={dialog === "hold"}
        title={t("console.payouts.hold.dialogTitle", { name: d.displayName })}
        label={t("console.payouts.reason")}
        description={t("console.payouts.hold.description")}
        confirmLabel={t("console.payouts.hold.hold")}
        color="orange"
        maxLength={HOLD_REASON_MAX}
        pending={hold.isPending}
        onConfirm={(reason) => hold.mutate({ advisorId: d.advisorId, reason })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">{t("console.payouts.hold.body")}</Text>
        <FailureNote error={failure} />
      </ReasonModal>
      <ConfirmModal
        opened={dialog === "release"}
        title={t("console.payouts.hold.liftTitle")}
        confirmLabel={t("console.payouts.hold.lift")}
        color="teal"
        pending={release.isPending}
        onConfirm={() => release.mutate({ advisorId: d.advisorId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">{t("console.payouts.hold.liftBody")}</Text>
        <FailureNote error={failure} />
      </ConfirmModal>
      <ConfirmModal
        opened={dialog === "pay"}
        title={t("console.payouts.payNow.title")}
        confirmLabel={t("console.payouts.payNow.confirm")}
        pending={payNow.isPending}
        onConfirm={() => payNow.mutate({ advisorId: d.advisorId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">{t("console.payouts.payNow.body")}</Text>
        <FailureNote error={failure} />
      </ConfirmModal>
    </Stack>
  );
}

function FailureNote({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  return (
    <Alert color="red" title={t("console.payouts.refused")} role="alert">
      {describeError(error).message}
    </Alert>
  );
}
