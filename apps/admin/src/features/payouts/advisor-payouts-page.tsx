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
import { Link, useParams } from "react-router";
import { EmptyRow } from "../../components/list-states";
import { BatchesTable, PayoutItemsTable, ReversalsTable } from "./payout-tables";
import { ConfirmModal, ReasonModal } from "../../components/reason-modal";
import { formatDateTime, formatMoney } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { describeSchedule } from "../../lib/payouts";
import { type ConsoleLocale, useLocale } from "../../lib/session";
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
            {r.label}{" "}
            {r.label !== r.key ? (
              <Code fz="xs" c="dimmed">
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
function AccountCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const account = detail.account;
  return (
    <Card withBorder padding="md" component="section" aria-label="Stripe account">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Stripe account</Title>
          <Badge
            color={detail.ready ? "teal" : account ? "yellow" : "gray"}
            variant="light"
            data-testid="payout-account-state"
            data-ready={detail.ready}
          >
            {detail.ready ? "Ready for payouts" : account ? "Not ready" : "Not onboarded"}
          </Badge>
        </Group>
        {account ? (
          <>
            <SimpleGrid cols={2}>
              <Field label="Account">
                <Code>{account.providerAccountId}</Code>
              </Field>
              <Field label="Transfers capability">
                <Text size="sm">{account.transfersCapability ?? "not requested"}</Text>
              </Field>
              <Field label="Details submitted">
                <Text size="sm">{account.detailsSubmitted ? "Yes" : "No"}</Text>
              </Field>
              <Field label="Bank payouts enabled">
                <Text size="sm">{account.payoutsEnabled ? "Yes" : "No"}</Text>
              </Field>
              <Field label="Last read from Stripe">
                <Text size="sm">{formatDateTime(account.syncedAt, locale)}</Text>
              </Field>
              {account.disabledReason ? (
                <Field label="Disabled because">
                  <Code>{account.disabledReason}</Code>
                </Field>
              ) : null}
            </SimpleGrid>
            <Requirements title="Past due" keys={account.pastDue} color="red" />
            <Requirements title="Stripe still needs" keys={account.currentlyDue} />
            <Requirements title="Needed later" keys={account.eventuallyDue} color="dimmed" />
            {account.currentlyDue.length === 0 && account.pastDue.length === 0 ? (
              <Text size="sm" c="dimmed">
                Stripe needs nothing more right now.
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm" c="dimmed">
            The advisor hasn&apos;t started Stripe onboarding: nothing can be paid to them yet.
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
  const { schedule, hold } = detail;
  return (
    <Card withBorder padding="md" component="section" aria-label="Schedule">
      <Stack gap="sm">
        <Title order={4}>Schedule</Title>
        <SimpleGrid cols={2}>
          <Field label="Runs">
            <Text size="sm">{describeSchedule(schedule)}</Text>
            <Text size="xs" c="dimmed">
              {schedule.timeZone}
            </Text>
          </Field>
          <Field label="Next run">
            <Text size="sm">{hold ? "Held" : formatDateTime(schedule.nextPayoutAt, locale)}</Text>
          </Field>
        </SimpleGrid>
        {hold ? (
          <Alert color="orange" title="Payouts are held" data-testid="payout-hold">
            <Text size="sm">{hold.reason ?? "No reason given."}</Text>
            <Text size="xs" c="dimmed">
              Since {formatDateTime(hold.at, locale)}
              {hold.by ? ` by ${hold.by}` : ""}. Earnings keep accruing; nothing is paid until the
              hold is lifted.
            </Text>
          </Alert>
        ) : null}
        <Group gap="xs">
          {hold ? (
            <Button variant="light" color="teal" onClick={onRelease}>
              Lift hold
            </Button>
          ) : (
            <Button variant="light" color="orange" onClick={onHold}>
              Hold payouts
            </Button>
          )}
          <Button
            variant="light"
            onClick={onPayNow}
            disabled={hold !== null || !detail.ready}
            title={
              hold
                ? "Lift the hold first."
                : !detail.ready
                  ? "The Stripe account isn't ready for transfers."
                  : undefined
            }
          >
            Pay now (off-cycle)
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/** Per currency: pending, released, in transit, paid out, owed. */
function BalancesCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  return (
    <Card withBorder padding="md" component="section" aria-label="Balances">
      <Stack gap="sm">
        <Title order={4}>Balances</Title>
        <Table verticalSpacing={4} fz="sm" aria-label="Advisor balances">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Currency</Table.Th>
              <Table.Th ta="end">Pending (held)</Table.Th>
              <Table.Th ta="end">Released</Table.Th>
              <Table.Th ta="end">In transit</Table.Th>
              <Table.Th ta="end">Paid out</Table.Th>
              <Table.Th ta="end">Owed back</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {detail.balances.map((b) => (
              <Table.Tr key={b.currency} data-currency={b.currency}>
                <Table.Td>{b.currency}</Table.Td>
                <Table.Td ta="end">{formatMoney(b.pending, b.currency, locale)}</Table.Td>
                <Table.Td ta="end">{formatMoney(b.released, b.currency, locale)}</Table.Td>
                <Table.Td ta="end">{formatMoney(b.inTransit, b.currency, locale)}</Table.Td>
                <Table.Td ta="end" data-testid={`paid-out-${b.currency}`}>
                  {formatMoney(b.paidOut, b.currency, locale)}
                </Table.Td>
                <Table.Td ta="end" c={b.owed > 0 ? "red" : undefined}>
                  {formatMoney(b.owed, b.currency, locale)}
                </Table.Td>
              </Table.Tr>
            ))}
            {detail.balances.length === 0 ? (
              <EmptyRow colSpan={6}>No earnings yet.</EmptyRow>
            ) : null}
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          Pending: paid by clients, still refundable. Released: payable, not yet in a payout. In
          transit: in payout items not yet confirmed by Stripe. Owed back: refunds after payout not
          yet recovered.
        </Text>
      </Stack>
    </Card>
  );
}

type Dialog = "hold" | "release" | "pay" | null;

/** One advisor's payouts: account, schedule and hold, balances, batches, items, reversals. */
export function AdvisorPayoutsPage() {
  const { advisorId = "" } = useParams();
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
    trpc.payoutAdmin.hold.mutationOptions({ onSuccess: done("Payouts held.") }),
  );
  const release = useMutation(
    trpc.payoutAdmin.releaseHold.mutationOptions({ onSuccess: done("Hold lifted.") }),
  );
  const payNow = useMutation(
    trpc.payoutAdmin.runOffCycle.mutationOptions({
      onSuccess: done("Off-cycle payout requested: the batch appears here in a moment."),
    }),
  );
  const open = (next: Dialog) => {
    hold.reset();
    release.reset();
    payNow.reset();
    setDialog(next);
  };
  const back = { to: "/payouts", label: "Payouts" };
  if (detail.isPending || detail.isError) {
    return <DetailStates query={detail} noun="advisor's payouts" back={back} />;
  }
  const d = detail.data;
  const failure = hold.error ?? release.error ?? payNow.error;

  return (
    <Stack gap="lg" data-testid="advisor-payouts" data-advisor-id={d.advisorId}>
      <Anchor component={Link} to={back.to} size="sm">
        ← {back.label}
      </Anchor>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Payouts to {d.displayName}</Title>
          <Text size="sm" c="dimmed" ff="monospace">
            {d.advisorId}
          </Text>
        </Stack>
        <Anchor
          component={Link}
          to={`/consultations?advisor=${encodeURIComponent(d.advisorId)}`}
          size="sm"
        >
          Their consultations
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <AccountCard detail={d} locale={locale} />
        <ScheduleCard
          detail={d}
          locale={locale}
          onHold={() => open("hold")}
          onRelease={() => open("release")}
          onPayNow={() => open("pay")}
        />
      </SimpleGrid>
      <BalancesCard detail={d} locale={locale} />
      <Stack gap="xs">
        <Title order={4}>Recent batches</Title>
        <BatchesTable
          batches={d.recentBatches}
          showAdvisor={false}
          label="Recent batches"
          busy={detail.isFetching}
        />
      </Stack>
      <Stack gap="xs">
        <Title order={4}>Items not yet sent</Title>
        <PayoutItemsTable
          items={d.openItems}
          label="Open payout items"
          busy={detail.isFetching}
          empty="Nothing waiting or failing."
        />
      </Stack>
      <Stack gap="xs">
        <Title order={4}>Transfer reversals</Title>
        <ReversalsTable
          reversals={d.reversals}
          showAdvisor={false}
          label="Advisor transfer reversals"
          busy={detail.isFetching}
        />
      </Stack>

      <ReasonModal
        opened={dialog === "hold"}
        title={`Hold payouts to ${d.displayName}`}
        label="Reason"
        description="Kept with the hold and in the audit trail."
        confirmLabel="Hold payouts"
        color="orange"
        maxLength={HOLD_REASON_MAX}
        pending={hold.isPending}
        onConfirm={(reason) => hold.mutate({ advisorId: d.advisorId, reason })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          Earnings keep accruing; scheduled runs skip the advisor and unsent items wait until the
          hold is lifted.
        </Text>
        <FailureNote error={failure} />
      </ReasonModal>
      <ConfirmModal
        opened={dialog === "release"}
        title="Lift the hold"
        confirmLabel="Lift hold"
        color="teal"
        pending={release.isPending}
        onConfirm={() => release.mutate({ advisorId: d.advisorId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">Waiting items go out again and the next run includes the advisor.</Text>
        <FailureNote error={failure} />
      </ConfirmModal>
      <ConfirmModal
        opened={dialog === "pay"}
        title="Pay now (off-cycle)"
        confirmLabel="Pay now"
        pending={payNow.isPending}
        onConfirm={() => payNow.mutate({ advisorId: d.advisorId })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          Pays every released earning now, outside the schedule and without the minimum. The
          schedule stays as it is.
        </Text>
        <FailureNote error={failure} />
      </ConfirmModal>
    </Stack>
  );
}

function FailureNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <Alert color="red" title="Refused" role="alert">
      {describeError(error).message}
    </Alert>
  );
}
