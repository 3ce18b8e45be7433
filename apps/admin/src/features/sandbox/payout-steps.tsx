import { Anchor, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ErrorNote } from "./error-note";
import { PayoutStep } from "./payout-step";
import { type AdminDetail, POLL_MS } from "./sandbox-api";
import { Sentence } from "./sentence";
import { withLocale } from "./sim-links";
import { LedgerEntries } from "../ledger/ledger-entries";
import { PayoutItemStatusBadge, ReversalStatusBadge } from "../payouts/payout-status";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { createApiClient, useTRPC } from "../../lib/trpc";

/**
 * Signs in as the advisor (dev sign-in, like the client) and mints a Stripe onboarding link
 * as them. The link is single-use and short-lived: it is opened at once, never kept.
 */
async function onboardingLinkAs(email: string, locale: ConsoleLocale): Promise<string> {
  const signedIn = await createApiClient(() => null).sandbox.signIn.mutate({ email });
  const link = await createApiClient(() => signedIn.token).payouts.createOnboardingLink.mutate({});
  return withLocale(link.url, locale);
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
        const url = await onboardingLinkAs(advisorEmail ?? "", locale);
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
      onSuccess: () => notifySuccess(t("console.sandbox.payout.holdEnded")),
    }),
  );
  const payNow = useMutation(
    trpc.payoutAdmin.runOffCycle.mutationOptions({
      onSuccess: () => notifySuccess(t("console.sandbox.payout.requested")),
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
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.sandbox.payout.section")}
    >
      <Stack gap="md" data-testid="sandbox-payout">
        <Group justify="space-between" wrap="wrap">
          <Title order={4}>{t("console.sandbox.payout.title")}</Title>
          <Anchor
            component={Link}
            to={`/payouts/advisors/${encodeURIComponent(advisorId)}`}
            size="sm"
          >
            {t("console.sandbox.payout.advisorPayouts")}
          </Anchor>
        </Group>

        <PayoutStep n={1} title={t("console.sandbox.payout.onboardStep")} done={ready}>
          <Group gap="xs" wrap="wrap">
            <Text size="sm">
              <Sentence
                k="console.sandbox.payout.account"
                values={{ advisor: detail.advisor.displayName }}
              />{" "}
              <b data-testid="sandbox-account-state">
                {payouts.isPending
                  ? "…"
                  : ready
                    ? t("console.sandbox.payout.ready")
                    : setup?.account
                      ? t("console.sandbox.payout.notReady", {
                          capability: t(
                            `console.sandbox.payout.capability.${setup.account.transfersCapability ?? "none"}`,
                            { defaultValue: setup.account.transfersCapability ?? "" },
                          ),
                        })
                      : t("console.sandbox.payout.notOnboarded")}
              </b>
            </Text>
          </Group>
          {!ready ? (
            <Group gap="xs" wrap="wrap">
              <Button
                size="xs"
                variant="light"
                loading={onboard.isPending}
                disabled={!advisorEmail}
                onClick={() => onboard.mutate()}
              >
                {t("console.sandbox.payout.onboardStep")}
              </Button>
              <Text size="xs" c="dimmed">
                {t("console.sandbox.payout.onboardHint")}
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={onboard.error} title={t("console.sandbox.payout.onboardFailed")} />
          <ErrorNote error={payouts.error} title={t("console.sandbox.payout.loadFailed")} />
        </PayoutStep>

        <PayoutStep n={2} title={t("console.sandbox.payout.holdStep")} done={released}>
          {c.status === "completed" ? (
            <Group gap="xs" wrap="wrap">
              <Button
                size="xs"
                variant="light"
                loading={endHold.isPending}
                onClick={() => endHold.mutate({ consultationId: c.id })}
              >
                {t("console.sandbox.payout.endHold")}
              </Button>
              <Text size="xs" c="dimmed">
                <Sentence
                  k="console.sandbox.payout.holdHint"
                  values={{
                    hours: formatNumber(c.holdWindowHours, locale),
                    at: formatDateTime(c.holdEndsAt, locale),
                  }}
                />
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={endHold.error} title={t("console.sandbox.payout.endHoldFailed")} />
        </PayoutStep>

        <PayoutStep n={3} title={t("console.sandbox.payout.payStep")} done={item !== undefined}>
          {item === undefined ? (
            <Group gap="xs" wrap="wrap">
              <Button
                size="xs"
                variant="light"
                loading={payNow.isPending}
                disabled={!released || !ready || held}
                onClick={() => payNow.mutate({ advisorId })}
              >
                {t("console.sandbox.payout.payNow")}
              </Button>
              <Text size="xs" c="dimmed">
                {held
                  ? t("console.sandbox.payout.held")
                  : !ready
                    ? t("console.sandbox.payout.onboardFirst")
                    : !released
                      ? t("console.sandbox.payout.endHoldFirst")
                      : t("console.sandbox.payout.payHint")}
              </Text>
            </Group>
          ) : null}
          <ErrorNote error={payNow.error} title={t("console.sandbox.payout.payFailed")} />
        </PayoutStep>

        <PayoutStep
          n={4}
          title={t("console.sandbox.payout.payoutStep")}
          done={c.status === "paid_out" || item?.status === "sent"}
        >
          {item ? (
            <Group gap="xs" wrap="wrap" data-testid="sandbox-payout-item" data-status={item.status}>
              <Text size="sm">
                <Sentence
                  k="console.sandbox.payout.item"
                  values={{ amount: formatMoney(item.amount, item.currency, locale) }}
                />
              </Text>
              <PayoutItemStatusBadge status={item.status} />
              <Anchor component={Link} to={`/payouts/batches/${item.batchId}`} size="sm">
                {t("console.sandbox.payout.openBatch")}
              </Anchor>
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              {t("console.sandbox.payout.noItem")}
            </Text>
          )}
          {transfers.length > 0 ? (
            <Stack gap={4} data-testid="sandbox-transfer-entry">
              <Text size="sm">{t("console.sandbox.payout.transferEntry")}</Text>
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
                <Group
                  key={r.id}
                  gap="xs"
                  wrap="wrap"
                  data-testid="sandbox-reversal"
                  data-status={r.status}
                >
                  <Text size="sm">
                    <Sentence
                      k="console.sandbox.reversalOf"
                      values={{ amount: formatMoney(r.amount, r.currency, locale) }}
                    />
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
            <ErrorNote
              error={reversals.error}
              title={t("console.sandbox.payout.reversalsFailed")}
            />
          </PayoutStep>
        ) : null}
      </Stack>
    </Card>
  );
}
