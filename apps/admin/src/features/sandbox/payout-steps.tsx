import { Anchor, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ErrorNote } from "./error-note";
import { PayoutStep } from "./payout-step";
import { type AdminDetail, POLL_MS } from "./sandbox-api";
import { LedgerEntries } from "../ledger/ledger-entries";
import { PayoutItemStatusBadge, ReversalStatusBadge } from "../payouts/payout-status";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { createApiClient, useTRPC } from "../../lib/trpc";

/**
 * Signs in as the advisor (dev sign-in, like the client) and mints a Stripe onboarding link
 * as them. The link is single-use and short-lived: it is opened at once, never kept.
 */
async function onboardingLinkAs(email: string): Promise<string> {
  const signedIn = await createApiClient(() => null).sandbox.signIn.mutate({ email });
  const link = await createApiClient(() => signedIn.token).payouts.createOnboardingLink.mutate({});
  return link.url;
}

/**
 * Step 4: carries a completed consultation to a payout — onboard its advisor on the
 * simulated Stripe, end the hold window, pay now — and shows the payout and its ledger entry.
 */
export function PayoutSteps({ detail }: { detail: AdminDetail }) {
  const trpc = useTRPC();
  const locale = useLocale();
  const t = useT();
  const c = detail.consultation;
  const advisorId = detail.advisor.id;
  const advisorEmail = detail.advisor.email;
  const payouts = useQuery(
    trpc.payoutAdmin.getAdvisor.queryOptions({ advisorId }, { refetchInterval: POLL_MS }),
  );
  const items = useQuery(
    trpc.payoutAdmin.listItems.queryOptions(
      { advisorId, limit: 100 },
      { refetchInterval: POLL_MS },
    ),
  );
  const reversals = useQuery(
    trpc.payoutAdmin.listReversals.queryOptions(
      { advisorId, limit: 100 },
      { refetchInterval: POLL_MS },
    ),
  );
  const onboard = useMutation({
    mutationFn: async () => {
      // Opened now, while the click still counts as the user's: a window opened after the
      // request returns would be blocked as a pop-up.
      const tab = window.open("", "_blank");
      try {
        const url = await onboardingLinkAs(advisorEmail ?? "");
        if (tab) {
          tab.opener = null;
          tab.location.href = url;
        } else {
          window.location.assign(url);
        }
      } catch (error) {
        tab?.close();
        throw error;
      }
    },
  });
  const endHold = useMutation(
    trpc.sandbox.endHoldWindow.mutationOptions({
      onSuccess: () => notifySuccess("Hold window ended: the advisor's share is released."),
    }),
  );
  const payNow = useMutation(
    trpc.payoutAdmin.runOffCycle.mutationOptions({
      onSuccess: () => notifySuccess("Payout requested: the worker builds and sends it."),
    }),
  );

  const setup = payouts.data;
  const ready = setup?.ready ?? false;
  const held = setup?.hold != null;
  const mine = (items.data?.items ?? []).filter((i) => i.consultationId === c.id);
  const item = mine.find((i) => i.status !== "cancelled") ?? mine[0];
  const transfers = detail.ledger.filter((e) => e.kind === "transfer");
  const reversalEntries = detail.ledger.filter((e) => e.kind === "transfer_reversal");
  const myReversals = (reversals.data?.items ?? []).filter((r) => r.consultationId === c.id);
  const released = c.status === "released" || c.status === "paid_out" || item !== undefined;

  return (
    <Card withBorder padding="md" component="section" aria-label="Payout">
      <Stack gap="md" data-testid="sandbox-payout">
        <Group justify="space-between">
          <Title order={4}>4. Carry it to a payout</Title>
          <Anchor
            component={Link}
            to={`/payouts/advisors/${encodeURIComponent(advisorId)}`}
            size="sm"
          >
            The advisor&apos;s payouts
          </Anchor>
        </Group>

        <PayoutStep n={1} title="Onboard the advisor to Stripe (simulated)" done={ready}>
          <Group gap="xs">
            <Text size="sm">
              {detail.advisor.displayName}&apos;s Stripe account:{" "}
              <b data-testid="sandbox-account-state">
                {payouts.isPending
                  ? "…"
                  : ready
                    ? "ready for payouts"
                    : setup?.account
                      ? `not ready (transfers ${setup.account.transfersCapability ?? "not requested"})`
                      : "not onboarded"}
              </b>
            </Text>
          </Group>
          {!ready ? (
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                loading={onboard.isPending}
                disabled={!advisorEmail}
                onClick={() => onboard.mutate()}
              >
                Onboard the advisor to Stripe (simulated)
              </Button>
              <Text size="xs" c="dimmed">
                Signs in as the advisor and opens a fresh onboarding link on the simulated Stripe in
                a new tab; complete it there. Stripe&apos;s webhook then marks the account ready.
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={onboard.error} title="Couldn't open the onboarding page" />
          <ErrorNote error={payouts.error} title="Couldn't load the advisor's payouts" />
        </PayoutStep>

        <PayoutStep n={2} title="End the hold window now" done={released}>
          {c.status === "completed" ? (
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                loading={endHold.isPending}
                onClick={() => endHold.mutate({ consultationId: c.id })}
              >
                End hold window now
              </Button>
              <Text size="xs" c="dimmed">
                Normally the share is released {c.holdWindowHours} h after the meeting (
                {formatDateTime(c.holdEndsAt, locale)}), once no-shows and disputes are ruled out.
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={endHold.error} title="Couldn't end the hold window" />
        </PayoutStep>

        <PayoutStep n={3} title="Pay now (off-cycle)" done={item !== undefined}>
          {item === undefined ? (
            <Group gap="xs">
              <Button
                size="xs"
                variant="light"
                loading={payNow.isPending}
                disabled={!released || !ready || held}
                onClick={() => payNow.mutate({ advisorId })}
              >
                Pay now
              </Button>
              <Text size="xs" c="dimmed">
                {held
                  ? "The advisor's payouts are held."
                  : !ready
                    ? "Onboard the advisor first."
                    : !released
                      ? "End the hold window first."
                      : "Pays the advisor's released earnings now, outside their schedule."}
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={payNow.error} title="Couldn't request the payout" />
        </PayoutStep>

        <PayoutStep
          n={4}
          title="The payout"
          done={c.status === "paid_out" || item?.status === "sent"}
        >
          {item ? (
            <Group gap="xs" data-testid="sandbox-payout-item" data-status={item.status}>
              <Text size="sm">
                Payout item of {formatMoney(item.amount, item.currency, locale)}:
              </Text>
              <PayoutItemStatusBadge status={item.status} />
              <Anchor component={Link} to={`/payouts/batches/${item.batchId}`} size="sm">
                Open its batch
              </Anchor>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              No payout item for this consultation yet.
            </Text>
          )}
          {transfers.length > 0 ? (
            <Stack gap={4} data-testid="sandbox-transfer-entry">
              <Text size="sm">
                The transfer in the consultation&apos;s ledger (in transit → Stripe balance):
              </Text>
              <LedgerEntries entries={transfers} />
            </Stack>
          ) : null}
        </PayoutStep>

        {item !== undefined ? (
          <PayoutStep
            n={5}
            title={t("console.sandbox.reversalStep")}
            done={myReversals.some((r) => r.status === "succeeded")}
          >
            {myReversals.length > 0 ? (
              myReversals.map((r) => (
                <Group key={r.id} gap="xs" data-testid="sandbox-reversal" data-status={r.status}>
                  <Text size="sm">
                    {t("console.sandbox.reversalOf", {
                      amount: formatMoney(r.amount, r.currency, locale),
                    })}
                  </Text>
                  <ReversalStatusBadge status={r.status} />
                </Group>
              ))
            ) : (
              <Text size="sm" c="dimmed">
                {t("console.sandbox.noReversal")}
              </Text>
            )}
            {reversalEntries.length > 0 ? (
              <Stack gap={4} data-testid="sandbox-reversal-entry">
                <Text size="sm">{t("console.sandbox.reversalEntry")}</Text>
                <LedgerEntries entries={reversalEntries} />
              </Stack>
            ) : null}
            <ErrorNote error={reversals.error} title="Couldn't load the reversals" />
          </PayoutStep>
        ) : null}
      </Stack>
    </Card>
  );
}
