import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  List,
  Loader,
  SimpleGrid,
  NativeSelect,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ErrorNote } from "./error-note";
import { type ClientSession, POLL_MS, type SandboxApi, sandboxQueryClient } from "./sandbox-api";
import { withLocale } from "./sim-links";
import { EntitlementsText, SubscriptionStatusBadge } from "../billing/billing-parts";
import { Data, DateTime, Money } from "../../components/formatted";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type CardBehaviour = "succeeds" | "declines" | "requires_action";
type Status = RouterOutputs["billing"]["status"];

const DAY_MS = 86_400_000;
const CARD_BEHAVIOURS: CardBehaviour[] = ["succeeds", "declines", "requires_action"];
/** The simulator's shortest clock step, in days (the API's minimum). */
const MIN_ADVANCE_DAYS = 0.01;
/** Past the period's end by this much, so the renewal is due when the clock gets there. */
const PAST_PERIOD_END_DAYS = 0.01;

/**
 * The sandbox's subscription: as the demo client, pick a plan and pay it on the simulated
 * Stripe Checkout, come back (access is there at once: `billing.syncAfterCheckout`), switch
 * plan or card on the simulated customer portal, cancel at the period's end or resume; as
 * the admin, move the customer's test clock through renewals, dunning and the end of access,
 * and decide how the card behaves, with the simulator's invoices beside what the client has.
 */
export function SubscriptionCard({ api, session }: { api: SandboxApi; session: ClientSession }) {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const plans = useQuery(api.billing.plans.queryOptions({}), sandboxQueryClient);
  const status = useQuery(
    api.billing.status.queryOptions(undefined, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  // In the sandbox's quiet cache (as the admin still): before the first checkout there is no
  // customer (NO_BILLING_CUSTOMER), which is a state to show, not a failure to announce at
  // every poll.
  const state = useQuery(
    trpc.sandbox.billingState.queryOptions(
      { userId: session.userId },
      { refetchInterval: POLL_MS },
    ),
    sandboxQueryClient,
  );
  const noCustomerYet = describeError(state.error).appCode === "NO_BILLING_CUSTOMER";
  const [planKey, setPlanKey] = useState("");
  const [priceChoice, setPriceChoice] = useState("");
  const [checkoutUrl, setCheckoutUrl] = useState<string | null>(null);
  const [portalUrl, setPortalUrl] = useState<string | null>(null);
  const [happened, setHappened] = useState<string[] | null>(null);

  const onStatus = (next: Status) => {
    sandboxQueryClient.setQueryData(api.billing.status.queryKey(), next);
    void state.refetch();
  };
  const checkout = useMutation(
    api.billing.checkout.mutationOptions({ onSuccess: (result) => setCheckoutUrl(result.url) }),
    sandboxQueryClient,
  );
  const sync = useMutation(
    api.billing.syncAfterCheckout.mutationOptions({
      onSuccess: (next) => {
        setCheckoutUrl(null);
        onStatus(next);
      },
    }),
    sandboxQueryClient,
  );
  const portal = useMutation(
    api.billing.portal.mutationOptions({ onSuccess: (result) => setPortalUrl(result.url) }),
    sandboxQueryClient,
  );
  const cancel = useMutation(
    api.billing.cancel.mutationOptions({
      onSuccess: (next) => {
        onStatus(next);
        notifySuccess(t("console.billing.sandbox.canceled"));
      },
    }),
    sandboxQueryClient,
  );
  const resume = useMutation(
    api.billing.resume.mutationOptions({
      onSuccess: (next) => {
        onStatus(next);
        notifySuccess(t("console.billing.sandbox.resumed"));
      },
    }),
    sandboxQueryClient,
  );
  const advance = useMutation(
    trpc.sandbox.billingAdvanceClock.mutationOptions({
      onSuccess: (result) => {
        setHappened(result.happened);
        void state.refetch();
        void status.refetch();
      },
    }),
  );
  const setCard = useMutation(
    trpc.sandbox.billingSetCard.mutationOptions({ onSuccess: () => void state.refetch() }),
  );

  // Back from Checkout (`?billing=returned&session_id=…`): sync at once rather than wait for
  // the webhook, then drop the parameters so a reload doesn't sync again.
  const returned = params.get("billing") === "returned" ? params.get("session_id") : null;
  const syncedReturn = useRef<string | null>(null);
  useEffect(() => {
    if (returned === null || syncedReturn.current === returned) return;
    syncedReturn.current = returned;
    sync.mutate({ sessionId: returned || undefined });
    const next = new URLSearchParams(params);
    next.delete("billing");
    next.delete("session_id");
    setParams(next, { replace: true });
  }, [returned, params, setParams, sync]);

  const offered = plans.data?.plans ?? [];
  const plan = offered.find((p) => p.key === planKey) ?? offered[0];
  const prices = plan?.prices ?? [];
  const price = prices.find((p) => `${p.currency}:${p.interval}` === priceChoice) ?? prices[0];
  const s = status.data?.subscription ?? null;
  const live = s !== null && s.status !== "canceled" && s.status !== "incomplete_expired";
  const sim = state.data;

  const daysToPeriodEnd =
    s?.currentPeriodEnd && sim
      ? (Date.parse(s.currentPeriodEnd) - Date.parse(sim.clock)) / DAY_MS + PAST_PERIOD_END_DAYS
      : null;

  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.billing.sandbox.title")}
      data-testid="sandbox-subscription"
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.billing.sandbox.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.billing.sandbox.intro")}
        </Text>

        {status.isPending ? (
          <Loader size="sm" aria-label={t("console.billing.loading")} />
        ) : s ? (
          <Stack gap={4} data-testid="sandbox-subscription-status">
            <Group gap="xs" wrap="wrap">
              <Text size="sm" fw={500} data-testid="sandbox-subscription-plan">
                <Data>{s.planName ?? s.planKey ?? "—"}</Data>
              </Text>
              <SubscriptionStatusBadge status={s.status} testId="sandbox-subscription-badge" />
              {s.cancelAtPeriodEnd ? (
                <Text size="sm" c="orange" data-testid="sandbox-subscription-canceling">
                  {t("console.billing.cancelsAtPeriodEnd")}
                </Text>
              ) : null}
            </Group>
            <Text size="sm">
              <Money amount={s.amount} currency={s.currency} />
              {s.interval ? ` / ${t(`console.billing.interval.${s.interval}`)}` : ""} ·{" "}
              {t("console.billing.periodEndsAt", {
                at: formatDateTime(s.currentPeriodEnd, locale),
              })}
              {s.trialEnd
                ? ` · ${t("console.billing.trialEndsAt", { at: formatDateTime(s.trialEnd, locale) })}`
                : ""}
            </Text>
            {s.card ? (
              <Text size="xs" c="dimmed">
                {t("console.billing.cardOnFile", { brand: s.card.brand, last4: s.card.last4 })}
              </Text>
            ) : null}
            {s.pending ? (
              <Text size="xs" c="dimmed">
                {t("console.billing.pendingAt", {
                  plan: s.pending.planName ?? s.pending.planKey ?? "—",
                  at: formatDateTime(s.pending.at, locale),
                })}
              </Text>
            ) : null}
            {s.pastDueSince ? (
              <Alert color="orange" title={t("console.billing.sandbox.pastDue")}>
                {t("console.billing.pastDueGrace", {
                  since: formatDateTime(s.pastDueSince, locale),
                  until: formatDateTime(s.graceEndsAt, locale),
                })}
              </Alert>
            ) : null}
            {s.hostedInvoiceUrl ? (
              <Anchor
                href={withLocale(s.hostedInvoiceUrl, locale)}
                target="_blank"
                rel="noopener"
                size="sm"
              >
                {s.actionRequired
                  ? t("console.billing.actionRequired")
                  : t("console.billing.hostedInvoice")}
              </Anchor>
            ) : null}
          </Stack>
        ) : (
          <Text size="sm" c="dimmed" data-testid="sandbox-subscription-none">
            {t("console.billing.noSubscription")}
          </Text>
        )}
        {status.data ? (
          <Text size="sm" data-testid="sandbox-subscription-entitlements">
            {t("console.billing.sandbox.mayNow")}{" "}
            <EntitlementsText entitlements={status.data.entitlements} /> (
            {t(`console.billing.source.${status.data.source}`)})
          </Text>
        ) : null}
        <ErrorNote error={status.error} title={t("console.billing.sandbox.loadFailed")} />

        {live ? null : (
          <Stack gap="xs">
            {plans.isPending ? (
              <Loader size="sm" aria-label={t("console.billing.loading")} />
            ) : offered.length === 0 ? (
              <Text size="sm" c="dimmed">
                {t("console.billing.sandbox.noPlans")}
              </Text>
            ) : (
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
                <NativeSelect
                  label={t("console.billing.plan")}
                  value={plan?.key ?? ""}
                  data={offered.map((p) => ({ value: p.key, label: p.name }))}
                  onChange={(event) => {
                    setPlanKey(event.currentTarget.value);
                    setPriceChoice("");
                    setCheckoutUrl(null);
                  }}
                />
                <NativeSelect
                  label={t("console.billing.price")}
                  value={price ? `${price.currency}:${price.interval}` : ""}
                  data={prices.map((p) => ({
                    value: `${p.currency}:${p.interval}`,
                    label: `${formatMoney(p.amount, p.currency, locale)} / ${t(`console.billing.interval.${p.interval}`)}${p.trialDays > 0 ? ` · ${t("console.billing.trialDays", { n: p.trialDays })}` : ""}`,
                  }))}
                  onChange={(event) => {
                    setPriceChoice(event.currentTarget.value);
                    setCheckoutUrl(null);
                  }}
                />
              </SimpleGrid>
            )}
            {plan ? (
              <Text size="xs" c="dimmed">
                {plan.description} · <EntitlementsText entitlements={plan.entitlements} />
              </Text>
            ) : null}
            <Group gap="xs" wrap="wrap">
              <Button
                size="xs"
                disabled={!plan || !price}
                loading={checkout.isPending}
                onClick={() =>
                  plan &&
                  price &&
                  checkout.mutate({
                    planKey: plan.key,
                    currency: price.currency,
                    interval: price.interval,
                  })
                }
              >
                {t("console.billing.sandbox.subscribe")}
              </Button>
              {checkoutUrl ? (
                <>
                  <Anchor
                    href={withLocale(checkoutUrl, locale)}
                    target="_blank"
                    rel="noopener"
                    size="sm"
                    data-testid="sandbox-subscription-checkout-link"
                  >
                    {t("console.billing.sandbox.payOnCheckout")}
                  </Anchor>
                  <Button
                    size="xs"
                    variant="light"
                    loading={sync.isPending}
                    onClick={() => sync.mutate({})}
                  >
                    {t("console.billing.sandbox.backFromCheckout")}
                  </Button>
                </>
              ) : null}
            </Group>
            <ErrorNote error={checkout.error} title={t("console.billing.sandbox.checkoutFailed")} />
          </Stack>
        )}
        <ErrorNote error={sync.error} title={t("console.billing.sandbox.syncFailed")} />

        {live && s ? (
          <Group gap="xs" wrap="wrap">
            <Button
              size="xs"
              variant="light"
              loading={portal.isPending}
              onClick={() => portal.mutate({})}
            >
              {t("console.billing.sandbox.portal")}
            </Button>
            {portalUrl ? (
              <Anchor
                href={withLocale(portalUrl, locale)}
                target="_blank"
                rel="noopener"
                size="sm"
                data-testid="sandbox-subscription-portal-link"
              >
                {t("console.billing.sandbox.openPortal")}
              </Anchor>
            ) : null}
            {s.cancelAtPeriodEnd ? (
              <Button
                size="xs"
                variant="light"
                color="teal"
                loading={resume.isPending}
                onClick={() => resume.mutate({})}
              >
                {t("console.billing.sandbox.resume")}
              </Button>
            ) : (
              <Button
                size="xs"
                variant="light"
                color="red"
                loading={cancel.isPending}
                onClick={() => cancel.mutate({ atPeriodEnd: true })}
              >
                {t("console.billing.sandbox.cancelAtPeriodEnd")}
              </Button>
            )}
          </Group>
        ) : null}
        <ErrorNote error={portal.error} title={t("console.billing.sandbox.portalFailed")} />
        <ErrorNote
          error={cancel.error ?? resume.error}
          title={t("console.billing.sandbox.cancelFailed")}
        />

        <Stack
          gap="xs"
          p="xs"
          style={{ border: "1px dashed var(--mantine-color-default-border)" }}
          data-testid="sandbox-subscription-simulator"
        >
          <Title order={5}>{t("console.billing.sandbox.simulator")}</Title>
          {sim ? (
            <>
              {sim.customerId ? null : (
                <Text size="sm" c="dimmed" data-testid="sandbox-subscription-no-customer">
                  {t("console.billing.sandbox.noCustomer")}
                </Text>
              )}
              <Text size="sm" data-testid="sandbox-subscription-clock">
                {t("console.billing.sandbox.clock", { at: formatDateTime(sim.clock, locale) })}
                {sim.customerId ? (
                  <>
                    {" "}
                    · <Code fz="xs">{sim.customerId}</Code>
                  </>
                ) : null}
              </Text>
              <Group gap="xs" align="flex-end" wrap="wrap">
                <Button
                  size="xs"
                  variant="default"
                  disabled={!sim.customerId}
                  loading={advance.isPending}
                  onClick={() => advance.mutate({ userId: session.userId, days: 1 })}
                >
                  {t("console.billing.sandbox.plusOneDay")}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  disabled={!sim.customerId}
                  loading={advance.isPending}
                  onClick={() => advance.mutate({ userId: session.userId, days: 7 })}
                >
                  {t("console.billing.sandbox.plusSevenDays")}
                </Button>
                <Button
                  size="xs"
                  variant="default"
                  disabled={daysToPeriodEnd === null}
                  loading={advance.isPending}
                  onClick={() =>
                    daysToPeriodEnd !== null &&
                    advance.mutate({
                      userId: session.userId,
                      days: Math.max(MIN_ADVANCE_DAYS, Number(daysToPeriodEnd.toFixed(2))),
                    })
                  }
                >
                  {t("console.billing.sandbox.toPeriodEnd")}
                </Button>
                <NativeSelect
                  label={t("console.billing.sandbox.cardBehaviour")}
                  size="xs"
                  value={sim.card}
                  disabled={!sim.customerId || setCard.isPending}
                  data={CARD_BEHAVIOURS.map((c) => ({
                    value: c,
                    label: t(`console.billing.sandbox.card.${c}`),
                  }))}
                  onChange={(event) =>
                    setCard.mutate({
                      userId: session.userId,
                      card: event.currentTarget.value as CardBehaviour,
                    })
                  }
                />
              </Group>
              {happened ? (
                <Stack gap={2} data-testid="sandbox-subscription-happened">
                  <Text size="xs" fw={500}>
                    {t("console.billing.sandbox.happened")}
                  </Text>
                  {happened.length === 0 ? (
                    <Text size="xs" c="dimmed">
                      {t("console.billing.sandbox.nothingHappened")}
                    </Text>
                  ) : (
                    <List size="xs">
                      {happened.map((line, index) => (
                        <List.Item key={index}>{line}</List.Item>
                      ))}
                    </List>
                  )}
                </Stack>
              ) : null}
              {sim.invoices.length > 0 ? (
                <Table.ScrollContainer
                  minWidth={520}
                  scrollAreaProps={{
                    viewportProps: {
                      tabIndex: 0,
                      role: "region",
                      "aria-label": t("console.billing.sandbox.simInvoices"),
                    },
                  }}
                >
                  <Table
                    fz="xs"
                    striped
                    aria-label={t("console.billing.sandbox.simInvoices")}
                    data-testid="sandbox-subscription-invoices"
                  >
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t("console.billing.invoice.id")}</Table.Th>
                        <Table.Th>{t("console.billing.invoice.status")}</Table.Th>
                        <Table.Th>{t("console.billing.invoice.due")}</Table.Th>
                        <Table.Th>{t("console.billing.invoice.paid")}</Table.Th>
                        <Table.Th>{t("console.billing.invoice.created")}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {sim.invoices.map((invoice) => (
                        <Table.Tr key={invoice.id} data-invoice-status={invoice.status}>
                          <Table.Td>
                            <Code fz="xs">{invoice.id}</Code>
                          </Table.Td>
                          <Table.Td>
                            {t(`console.sandbox.invoiceStatus.${invoice.status}`, {
                              defaultValue: invoice.status,
                            })}
                          </Table.Td>
                          <Table.Td>
                            <Money
                              amount={invoice.amountDue}
                              currency={invoice.currency.toUpperCase()}
                            />
                          </Table.Td>
                          <Table.Td>
                            <Money
                              amount={invoice.amountPaid}
                              currency={invoice.currency.toUpperCase()}
                            />
                          </Table.Td>
                          <Table.Td>
                            <DateTime value={invoice.created} />
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              ) : (
                <Text size="xs" c="dimmed">
                  {t("console.billing.sandbox.noSimInvoices")}
                </Text>
              )}
            </>
          ) : state.isPending ? (
            <Loader size="sm" aria-label={t("console.billing.loading")} />
          ) : noCustomerYet ? (
            <Text size="sm" c="dimmed">
              {t("console.billing.sandbox.noCustomer")}
            </Text>
          ) : null}
          {noCustomerYet ? null : (
            <ErrorNote error={state.error} title={t("console.billing.sandbox.loadFailed")} />
          )}
          <ErrorNote
            error={advance.error ?? setCard.error}
            title={t("console.billing.sandbox.simFailed")}
          />
        </Stack>
      </Stack>
    </Card>
  );
}
