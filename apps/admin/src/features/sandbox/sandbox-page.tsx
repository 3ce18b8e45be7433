import type { AppRouter } from "@an/api/router";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  Center,
  Grid,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { type FormEvent, type ReactNode, useMemo, useState } from "react";
import { Link } from "react-router";
import { ConsultationActions } from "../consultations/consultation-actions";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { ConsultationTimeline } from "../consultations/consultation-timeline";
import { LedgerEntries } from "../ledger/ledger-entries";
import { PayoutItemStatusBadge, ReversalStatusBadge } from "../payouts/payout-status";
import { formatDateTime, formatMoney, fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { createQuietQueryClient } from "../../lib/query-client";
import { createApiClient, describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Prepared = RouterOutputs["bookings"]["prepare"];
type ClientConsultation = RouterOutputs["consultations"]["get"];
type AdminDetail = RouterOutputs["consultations"]["getForAdmin"];

/** Live views poll this often, so a webhook's effect shows within a couple of seconds. */
const POLL_MS = 2_000;
/** The lengths `bookings.prepare` accepts, in minutes. */
const DURATIONS = [30, 45, 60, 90, 120] as const;
const SESSION_KEY = "an.admin.sandbox.client";

/** The demo client the sandbox acts as: their own token, never the admin's. */
type ClientSession = {
  token: string;
  email: string;
  name: string;
};

/**
 * The sandbox client's answers live in their own cache: they never mix with the admin's,
 * and a failure as the client (an expired demo token's 401, say) never signs the admin out.
 */
const sandboxQueryClient = createQuietQueryClient();

function loadSession(): ClientSession | null {
  try {
    const raw = window.sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<ClientSession>;
    return typeof parsed.token === "string" &&
      typeof parsed.email === "string" &&
      typeof parsed.name === "string"
      ? { token: parsed.token, email: parsed.email, name: parsed.name }
      : null;
  } catch {
    return null;
  }
}

function saveSession(session: ClientSession | null): void {
  try {
    if (session) window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else window.sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

function useSandboxApi(token: string | null) {
  return useMemo(
    () =>
      createTRPCOptionsProxy<AppRouter>({
        // A tRPC client of its own, carrying the demo client's token (or none, for signing in).
        client: createApiClient(() => token),
        queryClient: sandboxQueryClient,
      }),
    [token],
  );
}

type SandboxApi = ReturnType<typeof useSandboxApi>;

function ErrorNote({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const failure = describeError(error);
  return (
    <Alert color="red" title={title} role="alert">
      <Text size="sm">{failure.message}</Text>
      {failure.requestId ? (
        <Text size="xs" c="dimmed">
          Request id: {failure.requestId}
        </Text>
      ) : null}
    </Alert>
  );
}

/** Step 1: pick a demo client and sign in as them, into the sandbox's own client. */
function PickClient({
  session,
  onSession,
}: {
  session: ClientSession | null;
  onSession: (session: ClientSession | null) => void;
}) {
  const trpc = useTRPC();
  const anonymous = useSandboxApi(null);
  const users = useQuery(trpc.sandbox.listUsers.queryOptions());
  const clients = (users.data ?? []).filter((u) => u.roles.includes("client"));
  const [email, setEmail] = useState("");
  // A plain client by default: advisors and admins are clients too, but less telling.
  const picked =
    clients.find((u) => u.email === email) ??
    clients.find((u) => u.roles.length === 1) ??
    clients[0];
  const signIn = useMutation(
    anonymous.sandbox.signIn.mutationOptions({
      onSuccess: (result) => {
        const name = fullName({
          firstName: result.user.firstName,
          lastName: picked?.lastName ?? null,
        });
        onSession({ token: result.token, email: result.user.email ?? email, name });
      },
    }),
    sandboxQueryClient,
  );

  return (
    <Card withBorder padding="md" component="section" aria-label="Client">
      <Stack gap="sm">
        <Title order={4}>1. Act as a client</Title>
        {users.isPending ? (
          <Loader size="sm" aria-label="Loading demo users" />
        ) : users.isError ? (
          <Alert color="red" title="Dev sign-in is unavailable">
            {describeError(users.error).message}
          </Alert>
        ) : session ? (
          <Group justify="space-between">
            <Text size="sm" data-testid="sandbox-acting-as">
              Acting as <b>{session.name}</b> ({session.email})
            </Text>
            <Button variant="default" size="xs" onClick={() => onSession(null)}>
              Switch client
            </Button>
          </Group>
        ) : (
          <Group align="flex-end">
            <NativeSelect
              label="Demo client"
              value={picked?.email ?? ""}
              data={clients.map((u) => ({
                value: u.email,
                label: `${fullName(u)} (${u.email})`,
              }))}
              onChange={(event) => setEmail(event.currentTarget.value)}
              w={360}
            />
            <Button
              loading={signIn.isPending}
              disabled={!picked}
              onClick={() => {
                if (picked) signIn.mutate({ email: picked.email });
              }}
            >
              Act as this client
            </Button>
          </Group>
        )}
        <ErrorNote error={signIn.error} title="Couldn't sign in as the client" />
        <Text size="xs" c="dimmed">
          The client gets a token of their own, used only on this page: your admin session stays as
          it is.
        </Text>
      </Stack>
    </Card>
  );
}

/** Step 2: pick an advisor and a length, prepare the booking and open its booking page. */
function Book({
  api,
  onPrepared,
  prepared,
}: {
  api: SandboxApi;
  prepared: Prepared | null;
  onPrepared: (prepared: Prepared | null) => void;
}) {
  const locale = useLocale();
  const advisors = useQuery(api.discovery.search.queryOptions({ limit: 50 }), sandboxQueryClient);
  const [advisorId, setAdvisorId] = useState("");
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>(60);
  const [project, setProject] = useState("");
  const items = advisors.data?.items ?? [];
  const advisor = items.find((a) => a.userId === advisorId) ?? items[0];
  const prepare = useMutation(
    // The previous link goes while a new one is prepared: it would book the old quote.
    api.bookings.prepare.mutationOptions({
      onMutate: () => onPrepared(null),
      onSuccess: onPrepared,
    }),
    sandboxQueryClient,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!advisor) return;
    prepare.mutate({
      advisorId: advisor.userId,
      durationMinutes: duration,
      project: project.trim() || undefined,
    });
  };
  return (
    <Card withBorder padding="md" component="section" aria-label="Book">
      <Stack gap="sm">
        <Title order={4}>2. Book an advisor</Title>
        {advisors.isPending ? (
          <Loader size="sm" aria-label="Loading advisors" />
        ) : advisors.isError ? (
          <ErrorNote error={advisors.error} title="Couldn't load advisors" />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No bookable advisor yet: approve an application first (or run the quick start&apos;s
            marketplace seed).
          </Text>
        ) : (
          <form onSubmit={submit}>
            <Stack gap="sm">
              <Group align="flex-end" grow>
                <NativeSelect
                  label="Advisor"
                  value={advisor?.userId ?? ""}
                  data={items.map((a) => ({
                    value: a.userId,
                    label: `${a.displayName} · ${formatMoney(a.hourlyRate, a.currency, locale)}/h`,
                  }))}
                  onChange={(event) => setAdvisorId(event.currentTarget.value)}
                />
                <NativeSelect
                  label="Length"
                  value={String(duration)}
                  data={DURATIONS.map((d) => ({ value: String(d), label: `${d} minutes` }))}
                  onChange={(event) => {
                    const next = DURATIONS.find((d) => String(d) === event.currentTarget.value);
                    if (next) setDuration(next);
                  }}
                />
              </Group>
              <TextInput
                label="Project (optional)"
                maxLength={200}
                value={project}
                onChange={(event) => setProject(event.currentTarget.value)}
              />
              <Group>
                <Button type="submit" loading={prepare.isPending}>
                  Prepare booking
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        <ErrorNote error={prepare.error} title="Couldn't prepare the booking" />
        {prepared ? (
          <Stack gap="xs" data-testid="sandbox-prepared" data-intent-id={prepared.intentId}>
            <Text size="sm">
              Quote frozen: <b>{prepared.quote.formatted}</b> for {prepared.quote.durationMinutes}{" "}
              minutes · refund policy {prepared.refundPolicy.version} · link valid until{" "}
              {formatDateTime(prepared.expiresAt, locale)}
            </Text>
            <Group>
              <Button
                component="a"
                href={prepared.bookingUrl}
                target="_blank"
                rel="noopener"
                variant="light"
              >
                Open the booking page
              </Button>
              <Text size="xs" c="dimmed">
                Opens the simulated Cal.com in a new tab (its pages refuse to be framed). Book
                there; the consultation appears below.
              </Text>
            </Group>
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}

/** The API's origin (where the simulator pages live), from any absolute URL it gave us. */
function originOf(...urls: (string | null | undefined)[]): string | null {
  for (const url of urls) {
    if (!url) continue;
    try {
      return new URL(url).origin;
    } catch {
      // Not absolute: try the next.
    }
  }
  return null;
}

type PartyDialog = "cancel" | "no_show" | "dispute" | null;

/** A party action's dialog: an optional or required reason, as the API wants it. */
function PartyActionModal({
  dialog,
  pending,
  error,
  onConfirm,
  onClose,
}: {
  dialog: PartyDialog;
  pending: boolean;
  error: unknown;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const [reason, setReason] = useState("");
  const minLength = dialog === "dispute" ? 10 : 0;
  const short = reason.trim().length < minLength;
  const title =
    dialog === "cancel"
      ? "Cancel the consultation"
      : dialog === "no_show"
        ? "Report the advisor absent"
        : "Open a dispute";
  return (
    <Modal
      opened={dialog !== null}
      onClose={onClose}
      title={title}
      centered
      onExitTransitionEnd={() => setReason("")}
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!short) onConfirm(reason.trim());
        }}
      >
        <Stack>
          <Text size="sm">
            {dialog === "cancel"
              ? "The frozen refund policy decides what goes back to the client; the booking is cancelled on the (simulated) Cal.com."
              : dialog === "no_show"
                ? "The money stays held until an admin decides."
                : "The money stays held; admins are told and decide."}
          </Text>
          <Textarea
            label={minLength > 0 ? "What went wrong" : "Reason (optional)"}
            required={minLength > 0}
            description={minLength > 0 ? `At least ${minLength} characters.` : undefined}
            autosize
            minRows={2}
            maxLength={dialog === "cancel" ? 500 : 2000}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            data-autofocus
          />
          <ErrorNote error={error} title="Refused" />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={pending}>
              Back
            </Button>
            <Button type="submit" color="red" loading={pending} disabled={short}>
              {dialog === "cancel"
                ? "Cancel consultation"
                : dialog === "no_show"
                  ? "Report no-show"
                  : "Open dispute"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** The selected consultation as its client sees it, with what the client can do. */
function ClientView({
  api,
  consultationId,
  adminDetail,
  prepared,
}: {
  api: SandboxApi;
  consultationId: string;
  adminDetail: AdminDetail | undefined;
  prepared: Prepared | null;
}) {
  const locale = useLocale();
  const t = useT();
  const [dialog, setDialog] = useState<PartyDialog>(null);
  const view = useQuery(
    api.consultations.get.queryOptions({ consultationId }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const onDone =
    (done: string) => (result: { status: string; refunded: number; currency: string }) => {
      setDialog(null);
      void view.refetch();
      notifySuccess(
        `${done}${result.refunded > 0 ? ` ${formatMoney(result.refunded, result.currency, locale)} goes back to the client.` : ""}`,
      );
    };
  const cancel = useMutation(
    api.consultations.cancel.mutationOptions({ onSuccess: onDone("Cancelled as the client.") }),
    sandboxQueryClient,
  );
  const noShow = useMutation(
    api.consultations.reportNoShow.mutationOptions({
      onSuccess: onDone("Reported the advisor absent."),
    }),
    sandboxQueryClient,
  );
  const dispute = useMutation(
    api.consultations.openDispute.mutationOptions({ onSuccess: onDone("Dispute opened.") }),
    sandboxQueryClient,
  );
  const open = (next: PartyDialog) => {
    cancel.reset();
    noShow.reset();
    dispute.reset();
    setDialog(next);
  };

  if (view.isPending) return <Loader size="sm" aria-label="Loading the client's view" />;
  if (view.isError) return <ErrorNote error={view.error} title="Couldn't load the consultation" />;
  const c: ClientConsultation = view.data;
  const partyButtons = [
    {
      key: "cancel",
      dialog: "cancel",
      label: "Cancel",
      color: "red",
      reason: c.actions.reasons.cancel,
    },
    {
      key: "no-show",
      dialog: "no_show",
      label: "Report advisor no-show",
      color: "orange",
      reason: c.actions.reasons.reportNoShow,
    },
    {
      key: "dispute",
      dialog: "dispute",
      label: "Open dispute",
      color: "grape",
      reason: c.actions.reasons.dispute,
    },
  ] as const;
  const bookingUid = adminDetail?.consultation.bookingUid ?? null;
  const apiOrigin = originOf(
    c.checkoutUrl,
    ...(adminDetail?.payments.map((p) => p.url) ?? []),
    prepared?.bookingUrl,
  );
  const simBookingUrl =
    apiOrigin && bookingUid ? `${apiOrigin}/sim/bookings/${encodeURIComponent(bookingUid)}` : null;

  return (
    <Stack gap="sm" aria-label="Client's view" data-testid="sandbox-client-view">
      <Group gap="xs">
        <Text size="sm">Status as the client sees it:</Text>
        <ConsultationStatusBadge status={c.status} testId="sandbox-client-status" />
      </Group>
      <Text size="sm">
        {c.advisor.displayName} · {formatDateTime(c.startsAt, locale)} · {c.durationMinutes} min ·{" "}
        {c.quote.price.formatted} · refundable {c.refundable.formatted}
      </Text>
      {c.checkoutUrl ? (
        <Alert color="blue" title="Waiting for payment">
          <Anchor
            href={c.checkoutUrl}
            target="_blank"
            rel="noopener"
            data-testid="sandbox-checkout-link"
          >
            Pay on the simulated checkout
          </Anchor>
          {c.paymentExpiresAt ? (
            <Text size="xs" c="dimmed">
              Due by {formatDateTime(c.paymentExpiresAt, locale)}
            </Text>
          ) : null}
        </Alert>
      ) : null}
      {c.refunds.length > 0 ? (
        <Text size="sm" data-testid="sandbox-client-refunds">
          Refunds: {c.refunds.map((r) => `${r.formatted} (${r.status})`).join(", ")}
        </Text>
      ) : null}
      <Group gap="xs">
        {partyButtons.map((b) => (
          <Button
            key={b.key}
            size="xs"
            color={b.color}
            variant="light"
            disabled={b.reason !== null}
            aria-describedby={b.reason !== null ? `sandbox-why-${b.key}` : undefined}
            onClick={() => open(b.dialog)}
          >
            {b.label}
          </Button>
        ))}
      </Group>
      {/* The API says why an action is off; the console only shows it. */}
      {partyButtons.some((b) => b.reason !== null) ? (
        <Stack gap={2} aria-label={t("console.sandbox.whyDisabled")}>
          {partyButtons.map((b) =>
            b.reason !== null ? (
              <Text
                key={b.key}
                size="xs"
                c="dimmed"
                id={`sandbox-why-${b.key}`}
                data-testid={`sandbox-why-${b.key}`}
              >
                <b>{b.label}:</b> {b.reason}
              </Text>
            ) : null,
          )}
        </Stack>
      ) : null}
      {simBookingUrl ? (
        <Stack gap={2}>
          <Text size="sm">
            As Cal.com would:{" "}
            <Anchor
              href={simBookingUrl}
              target="_blank"
              rel="noopener"
              data-testid="sandbox-sim-booking-link"
            >
              the simulated booking page
            </Anchor>
          </Text>
          <Text size="xs" c="dimmed">
            End the meeting, mark the client absent (host no-show), reschedule, request a reschedule
            or cancel as the attendee there; the webhooks come back here.
          </Text>
        </Stack>
      ) : null}
      <PartyActionModal
        dialog={dialog}
        pending={cancel.isPending || noShow.isPending || dispute.isPending}
        error={cancel.error ?? noShow.error ?? dispute.error}
        onClose={() => setDialog(null)}
        onConfirm={(reason) => {
          if (dialog === "cancel") cancel.mutate({ consultationId, reason: reason || undefined });
          if (dialog === "no_show") noShow.mutate({ consultationId, reason: reason || undefined });
          if (dialog === "dispute") dispute.mutate({ consultationId, reason });
        }}
      />
    </Stack>
  );
}

/** The same consultation as the admin sees it: status, timeline, ledger, live. */
function AdminView({ detail }: { detail: AdminDetail }) {
  const locale = useLocale();
  const t = useT();
  const c = detail.consultation;
  const held = detail.ledger
    .flatMap((e) => e.postings)
    .filter((p) => p.account === `client_funds_held:${c.id}`)
    .reduce((sum, p) => sum - p.amount, 0);
  // What the client actually paid, from the payment rows: the price is only what is due.
  const paid = detail.payments
    .filter((p) => p.status === "paid")
    .reduce((sum, p) => sum + p.amount, 0);
  return (
    <Stack gap="md" data-testid="sandbox-admin-view">
      <Group justify="space-between">
        <Group gap="xs">
          <Text size="sm">Status:</Text>
          <ConsultationStatusBadge status={c.status} testId="sandbox-admin-status" />
        </Group>
        <Anchor component={Link} to={`/consultations/${c.id}`} size="sm">
          Open in the console
        </Anchor>
      </Group>
      <Text size="sm">
        <span data-testid="sandbox-paid" data-paid={paid}>
          {paid > 0
            ? t("console.sandbox.paid", { amount: formatMoney(paid, c.currency, locale) })
            : t("console.sandbox.notPaid", { price: formatMoney(c.price, c.currency, locale) })}
        </span>{" "}
        ·{" "}
        {t("console.sandbox.refundable", {
          amount: formatMoney(c.refundablePrice, c.currency, locale),
        })}{" "}
        · {t("console.sandbox.heldNow")}{" "}
        <span data-testid="sandbox-held">{formatMoney(held, c.currency, locale)}</span>
      </Text>
      <Stack gap={4} component="section" aria-label={t("console.sandbox.adminDecisions")}>
        <Text size="sm" fw={500}>
          {t("console.sandbox.adminDecisions")}
        </Text>
        <ConsultationActions detail={detail} />
        {detail.refundable && c.refundablePrice > 0 ? (
          <Text size="xs" c="dimmed">
            {t("console.sandbox.refundHint")}
          </Text>
        ) : null}
      </Stack>
      <ConsultationTimeline timeline={detail.timeline} compact />
      <LedgerEntries entries={detail.ledger} />
    </Stack>
  );
}

/** Statuses from which the sandbox offers to carry a consultation on to a payout. */
const PAYABLE_PATH: readonly string[] = ["completed", "released", "paid_out"];

/** One step of the payout walk-through: its number, what it does, and whether it's done. */
function PayoutStep({
  n,
  title,
  done,
  children,
}: {
  n: number;
  title: string;
  done: boolean;
  children: ReactNode;
}) {
  return (
    <Stack gap={4} data-payout-step={n} data-done={done}>
      <Group gap="xs">
        <Badge color={done ? "teal" : "gray"} variant={done ? "filled" : "light"} circle>
          {n}
        </Badge>
        <Text size="sm" fw={500}>
          {title}
        </Text>
        {done ? (
          <Text size="xs" c="teal">
            done
          </Text>
        ) : null}
      </Group>
      <Stack gap={4} pl={34}>
        {children}
      </Stack>
    </Stack>
  );
}

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
function PayoutSteps({ detail }: { detail: AdminDetail }) {
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

/** Step 3: the client's consultations (live), and the selected one side by side with the admin's view. */
function Watch({ api, prepared }: { api: SandboxApi; prepared: Prepared | null }) {
  const trpc = useTRPC();
  const locale = useLocale();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery(
    api.consultations.list.queryOptions({ as: "client", limit: 20 }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const items = list.data?.items ?? [];
  // The newest booking is followed until another one is picked.
  const selectedId = selected ?? items[0]?.id ?? null;
  const admin = useQuery(
    trpc.consultations.getForAdmin.queryOptions(
      selectedId ? { consultationId: selectedId } : skipToken,
      {
        refetchInterval: POLL_MS,
      },
    ),
  );

  return (
    <Stack gap="md">
      <Card withBorder padding="md" component="section" aria-label="The client's consultations">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>3. The client&apos;s consultations</Title>
            {list.isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
          </Group>
          {list.isPending ? (
            <Loader size="sm" aria-label="Loading the client's consultations" />
          ) : list.isError ? (
            <ErrorNote error={list.error} title="Couldn't load the client's consultations" />
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet. Book on the booking page: the consultation shows up here once the simulated
              Cal.com&apos;s webhook is processed.
            </Text>
          ) : (
            <Table verticalSpacing={4} fz="sm" highlightOnHover aria-label="Sandbox consultations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Starts</Table.Th>
                  <Table.Th>Advisor</Table.Th>
                  <Table.Th>Price</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr
                    key={item.id}
                    data-consultation-id={item.id}
                    data-status={item.status}
                    bg={item.id === selectedId ? "var(--mantine-primary-color-light)" : undefined}
                  >
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {formatDateTime(item.startsAt, locale)}
                    </Table.Td>
                    <Table.Td>{item.advisor.displayName}</Table.Td>
                    <Table.Td>{formatMoney(item.price, item.currency, locale)}</Table.Td>
                    <Table.Td>
                      <ConsultationStatusBadge status={item.status} />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant={item.id === selectedId ? "filled" : "default"}
                        onClick={() => setSelected(item.id)}
                        aria-pressed={item.id === selectedId}
                        aria-label={`Watch the consultation on ${formatDateTime(item.startsAt, locale)}`}
                      >
                        Watch
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>

      {selectedId ? (
        // The admin's side gets more room: its timeline and ledger are tables.
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Card withBorder padding="md" component="section" aria-label="As the client" h="100%">
              <Stack gap="sm">
                <Title order={4}>As the client</Title>
                <ClientView
                  key={selectedId}
                  api={api}
                  consultationId={selectedId}
                  adminDetail={admin.data}
                  prepared={prepared}
                />
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Card withBorder padding="md" component="section" aria-label="As the admin">
              <Stack gap="sm">
                <Title order={4}>As the admin</Title>
                {admin.isPending ? (
                  <Loader size="sm" aria-label="Loading the admin's view" />
                ) : admin.isError ? (
                  <ErrorNote error={admin.error} title="Couldn't load the admin's view" />
                ) : (
                  <AdminView detail={admin.data} />
                )}
              </Stack>
            </Card>
          </Grid.Col>
        </Grid>
      ) : null}
      {/* Still shown once a paid-out consultation is refunded: the reversal is the point. */}
      {admin.data &&
      (PAYABLE_PATH.includes(admin.data.consultation.status) ||
        admin.data.ledger.some((e) => e.kind === "transfer")) ? (
        <PayoutSteps key={admin.data.consultation.id} detail={admin.data} />
      ) : null}
    </Stack>
  );
}

/**
 * Development only: act as a demo client through the whole booking flow — prepare,
 * book on the simulated Cal.com, pay on the simulated Stripe checkout, end the meeting,
 * cancel, report a no-show or dispute — and watch the consultation and its ledger change
 * as the admin sees them; then onboard the advisor to the simulated Stripe Connect and pay
 * the consultation out.
 */
export function SandboxPage() {
  const [session, setSession] = useState<ClientSession | null>(loadSession);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const api = useSandboxApi(session?.token ?? null);
  const changeSession = (next: ClientSession | null) => {
    saveSession(next);
    setSession(next);
    setPrepared(null);
    sandboxQueryClient.clear();
  };

  return (
    <Stack gap="lg" maw={1400}>
      <Stack gap={4}>
        <Group gap="sm">
          <Title order={2}>Sandbox</Title>
          <Badge color="orange" variant="light">
            development only
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          Book, pay and finish a consultation as a demo client on the simulated Cal.com and Stripe
          pages, watch what the admin sees change (status, timeline, ledger), then carry it to a
          payout to the advisor.
        </Text>
      </Stack>
      <PickClient session={session} onSession={changeSession} />
      {session ? (
        <>
          <Book api={api} prepared={prepared} onPrepared={setPrepared} />
          <Watch key={session.token} api={api} prepared={prepared} />
        </>
      ) : (
        <Center p="md">
          <Text size="sm" c="dimmed">
            Pick a demo client to start.
          </Text>
        </Center>
      )}
    </Stack>
  );
}
