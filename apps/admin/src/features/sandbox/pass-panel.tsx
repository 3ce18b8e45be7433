import {
  Alert,
  Anchor,
  Button,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorNote } from "./error-note";
import { PAYABLE_PATH } from "./payout-step";
import { PayoutSteps } from "./payout-steps";
import { POLL_MS, type SandboxApi, sandboxQueryClient } from "./sandbox-api";
import { Sentence } from "./sentence";
import { withLocale } from "./sim-links";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";

/** Pass lengths the sandbox offers, in days (the platform allows 1 to 30). */
const PASS_DAYS = [1, 2, 3, 5, 7] as const;

/**
 * The client buys an async advice pass from an advisor who accepted the invitation, pays it
 * on the simulated checkout, and (as the admin) ends its window early and carries it to a
 * payout with the same steps as a booking.
 */
export function PassPanel({
  api,
  projectId,
  advisors,
}: {
  api: SandboxApi;
  projectId: string;
  /** Advisors with an accepted invitation to the project. */
  advisors: { id: string; name: string }[];
}) {
  const t = useT();
  const locale = useLocale();
  const [advisorId, setAdvisorId] = useState("");
  const [days, setDays] = useState<(typeof PASS_DAYS)[number]>(3);
  const [asked, setAsked] = useState(false);
  const advisor = advisors.find((a) => a.id === advisorId) ?? advisors[0];
  const quote = useQuery(
    api.passes.quote.queryOptions(
      asked && advisor ? { advisorId: advisor.id, projectId, days } : skipToken,
    ),
    sandboxQueryClient,
  );
  const passes = useQuery(
    api.passes.listForProject.queryOptions({ projectId }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const buy = useMutation(
    api.passes.purchase.mutationOptions({
      onSuccess: () => {
        setAsked(false);
        void passes.refetch();
      },
    }),
    sandboxQueryClient,
  );

  return (
    <Stack gap="xs" data-testid="sandbox-pass">
      <Title order={5}>{t("console.sandbox.pass.title")}</Title>
      {advisors.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.sandbox.pass.noAdvisor")}
        </Text>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
            <NativeSelect
              label={t("console.sandbox.pass.advisor")}
              value={advisor?.id ?? ""}
              data={advisors.map((a) => ({ value: a.id, label: a.name }))}
              onChange={(event) => {
                setAdvisorId(event.currentTarget.value);
                setAsked(false);
              }}
            />
            <NativeSelect
              label={t("console.sandbox.pass.days")}
              value={String(days)}
              data={PASS_DAYS.map((d) => ({ value: String(d), label: formatNumber(d, locale) }))}
              onChange={(event) => {
                const next = PASS_DAYS.find((d) => String(d) === event.currentTarget.value);
                if (next) setDays(next);
                setAsked(false);
              }}
            />
          </SimpleGrid>
          <Group gap="xs" wrap="wrap">
            <Button size="xs" variant="light" onClick={() => setAsked(true)}>
              {t("console.sandbox.pass.quote")}
            </Button>
            {quote.data ? (
              <Button
                size="xs"
                loading={buy.isPending}
                onClick={() => {
                  if (advisor) buy.mutate({ advisorId: advisor.id, projectId, days });
                }}
              >
                {t("console.sandbox.pass.buy")}
              </Button>
            ) : null}
          </Group>
          {quote.data ? (
            <Text size="sm" data-testid="sandbox-pass-quote">
              <Sentence
                k="console.sandbox.pass.quoted"
                values={{
                  days: formatNumber(quote.data.days, locale),
                  advisor: quote.data.advisorName,
                  price: quote.data.formatted,
                  hours: formatNumber(quote.data.replyWithinHours, locale),
                }}
              />
            </Text>
          ) : null}
          <ErrorNote error={quote.error} title={t("console.sandbox.pass.quoteFailed")} />
          <ErrorNote error={buy.error} title={t("console.sandbox.pass.buyFailed")} />
        </>
      )}
      {(passes.data?.items ?? []).map((p) => (
        <PassItem key={p.consultationId} api={api} pass={p} />
      ))}
      <ErrorNote error={passes.error} title={t("console.sandbox.chat.loadFailed")} />
    </Stack>
  );
}

type PassRow = {
  consultationId: string;
  advisorName: string;
  days: number | null;
  price: number;
  currency: string;
  startsAt: string;
  endsAt: string;
};

/** One pass: as its client sees it (status, checkout), then the admin's shortcuts and payout. */
function PassItem({ api, pass }: { api: SandboxApi; pass: PassRow }) {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const consultationId = pass.consultationId;
  const view = useQuery(
    api.consultations.get.queryOptions({ consultationId }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const admin = useQuery(
    trpc.consultations.getForAdmin.queryOptions({ consultationId }, { refetchInterval: POLL_MS }),
  );
  const endWindow = useMutation(
    trpc.sandbox.endPassWindow.mutationOptions({
      onSuccess: () => {
        notifySuccess(t("console.sandbox.pass.ended"));
        void view.refetch();
        void admin.refetch();
      },
    }),
  );
  const c = view.data;
  const status = c?.status ?? admin.data?.consultation.status;
  const detail = admin.data;
  return (
    <Stack
      gap={6}
      data-testid="sandbox-pass-item"
      data-consultation-id={consultationId}
      p="xs"
      style={{ border: "1px solid var(--mantine-color-default-border)" }}
    >
      <Group gap="xs" wrap="wrap">
        {status ? <ConsultationStatusBadge status={status} testId="sandbox-pass-status" /> : null}
        <Text size="sm">
          <Sentence
            k="console.sandbox.pass.line"
            values={{
              advisor: pass.advisorName,
              days: pass.days === null ? "—" : formatNumber(pass.days, locale),
              price: formatMoney(pass.price, pass.currency, locale),
            }}
          />
        </Text>
      </Group>
      <Text size="xs" c="dimmed">
        <Sentence
          k="console.sandbox.pass.window"
          values={{
            from: formatDateTime(c?.startsAt ?? pass.startsAt, locale),
            to: formatDateTime(c?.endsAt ?? pass.endsAt, locale),
          }}
        />
      </Text>
      {c?.checkoutUrl ? (
        <Alert color="blue" title={t("console.sandbox.pass.awaitingPayment")}>
          <Anchor
            href={withLocale(c.checkoutUrl, locale)}
            target="_blank"
            rel="noopener"
            data-testid="sandbox-pass-checkout-link"
          >
            {t("console.sandbox.pass.pay")}
          </Anchor>
        </Alert>
      ) : status === "awaiting_payment" ? (
        <Text size="xs" c="dimmed">
          {t("console.sandbox.pass.checkoutOpening")}
        </Text>
      ) : null}
      {status === "confirmed" ? (
        <Group gap="xs" wrap="wrap">
          <Button
            size="xs"
            variant="light"
            loading={endWindow.isPending}
            onClick={() => endWindow.mutate({ consultationId })}
          >
            {t("console.sandbox.pass.endWindow")}
          </Button>
          <Text size="xs" c="dimmed">
            {t("console.sandbox.pass.endWindowHint")}
          </Text>
        </Group>
      ) : null}
      <ErrorNote error={endWindow.error} title={t("console.sandbox.pass.endFailed")} />
      <ErrorNote error={view.error ?? admin.error} title={t("console.sandbox.chat.loadFailed")} />
      {/* A refunded pass stays shown once it was paid out: the reversal is the point. */}
      {detail &&
      (PAYABLE_PATH.includes(detail.consultation.status) ||
        detail.ledger.some((e) => e.kind === "transfer")) ? (
        <PayoutSteps key={detail.consultation.id} detail={detail} />
      ) : null}
    </Stack>
  );
}
