import {
  Alert,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Code,
  Drawer,
  Group,
  useDirection,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedValue, useMediaQuery } from "@mantine/hooks";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Trans } from "react-i18next";
import { Data, DateTime, Num } from "../../components/formatted";
import { Link, useSearchParams } from "react-router";
import { JsonBlock } from "../../components/json-block";
import { DetailStates } from "../../components/list-states";
import { ReasonModal } from "../../components/reason-modal";
import {
  isWebhookProvider,
  isWebhookStatus,
  providerLabel,
  WEBHOOK_PROVIDERS,
  WEBHOOK_STATUSES,
  type WebhookProvider,
  type WebhookStatus,
  WebhookStatusBadge,
} from "./webhook-status";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type WebhookDetail = RouterOutputs["webhookEvents"]["get"];

const TYPE_DEBOUNCE_MS = 300;
/** The API's longest replay reason. */
const REPLAY_REASON_MAX = 500;

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

/** One delivery: its processing record, its body (or that it was purged), and replay. */
function DeliveryDetails({ event, onReplay }: { event: WebhookDetail; onReplay: () => void }) {
  const t = useT();
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs" wrap="wrap">
            <Code fz="sm" style={{ overflowWrap: "anywhere" }}>
              {event.eventType}
            </Code>
            <WebhookStatusBadge status={event.status} />
          </Group>
          <Text size="sm" c="dimmed">
            <Trans
              i18nKey="console.webhooks.receivedFrom"
              values={{ provider: providerLabel(event.provider) }}
              components={{ data: <bdi />, at: <DateTime value={event.receivedAt} /> }}
            />
          </Text>
        </Stack>
        <Button
          color="orange"
          variant="light"
          onClick={onReplay}
          disabled={event.bodyPurged}
          title={event.bodyPurged ? t("console.webhooks.purgedNoReplay") : undefined}
        >
          {t("console.webhooks.replay")}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Field label={t("console.webhooks.outcome")}>
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {event.outcome ? <Data>{event.outcome}</Data> : "—"}
          </Text>
        </Field>
        <Field label={t("console.webhooks.attempts")}>
          <Text size="sm">
            <Num value={event.attempts} />
          </Text>
        </Field>
        <Field label={t("console.webhooks.processed")}>
          <Text size="sm">
            <DateTime value={event.processedAt} />
          </Text>
        </Field>
        <Field label={t("console.webhooks.consultation")}>
          {event.consultationId ? (
            <Anchor
              component={Link}
              to={`/consultations/${event.consultationId}`}
              size="sm"
              style={{ overflowWrap: "anywhere" }}
            >
              <Data>{event.consultationId}</Data>
            </Anchor>
          ) : (
            <Text size="sm">—</Text>
          )}
        </Field>
        <Field label={t("console.webhooks.subject")}>
          <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.subject ? <Data>{event.subject}</Data> : "—"}
          </Text>
        </Field>
        <Field label={t("console.webhooks.providerEventId")}>
          <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.providerEventId ? <Data>{event.providerEventId}</Data> : "—"}
          </Text>
        </Field>
        <Field label={t("console.webhooks.dedupeKey")}>
          <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            <Data>{event.dedupeKey}</Data>
          </Text>
        </Field>
        <Field label={t("console.webhooks.bodySha256")}>
          <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            <Data>{event.bodySha256}</Data>
          </Text>
        </Field>
        <Field label={t("console.webhooks.replayed")}>
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            {event.replayedAt ? (
              <Trans
                i18nKey="console.webhooks.replayedBy"
                values={{ who: event.replayedBy ?? "—" }}
                components={{ data: <bdi />, at: <DateTime value={event.replayedAt} /> }}
              />
            ) : (
              "—"
            )}
          </Text>
        </Field>
      </SimpleGrid>
      <Field label={t("console.webhooks.processingDetails")}>
        <JsonBlock value={event.details} label={t("console.webhooks.processingDetails")} />
      </Field>
      <Field label={t("console.webhooks.body")}>
        {event.bodyPurged || event.body === null ? (
          <Alert color="gray" title={t("console.webhooks.bodyPurged")}>
            {event.bodyPurgedAt ? (
              <Trans
                i18nKey="console.webhooks.bodyPurgedOn"
                components={{ at: <DateTime value={event.bodyPurgedAt} /> }}
              />
            ) : (
              t("console.webhooks.bodyPurgedText")
            )}
          </Alert>
        ) : (
          <JsonBlock value={event.body} label={t("console.webhooks.body")} />
        )}
      </Field>
    </Stack>
  );
}

/** The delivery drawer, with replay behind a reason. */
function DeliveryDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const t = useT();
  const { dir } = useDirection();
  const isPhone = useMediaQuery("(max-width: 36em)") ?? false;
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [replaying, setReplaying] = useState(false);
  const detail = useQuery(
    trpc.webhookEvents.get.queryOptions(id ? { id } : skipToken, {
      // Waiting for the worker (e.g. after a replay): follow it until it has an outcome.
      refetchInterval: (query) => (query.state.data?.status === "received" ? 1_000 : false),
    }),
  );
  const replay = useMutation(
    trpc.webhookEvents.replay.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.webhookEvents.pathKey());
        setReplaying(false);
        notifySuccess(t("console.webhooks.replayQueued"));
      },
    }),
  );
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position={dir === "rtl" ? "left" : "right"}
      size={isPhone ? "100%" : "xl"}
      title={t("console.webhooks.delivery")}
    >
      {detail.isPending || detail.isError ? (
        <DetailStates query={detail} noun={t("console.webhooks.deliveryNoun")} />
      ) : (
        <DeliveryDetails event={detail.data} onReplay={() => setReplaying(true)} />
      )}
      <ReasonModal
        opened={replaying && id !== null}
        title={t("console.webhooks.replayTitle")}
        label={t("console.webhooks.reason")}
        description={t("console.webhooks.reasonHint")}
        confirmLabel={t("console.webhooks.replay")}
        color="orange"
        maxLength={REPLAY_REASON_MAX}
        pending={replay.isPending}
        onConfirm={(reason) => {
          if (id) replay.mutate({ id, reason });
        }}
        onClose={() => {
          setReplaying(false);
          replay.reset();
        }}
      >
        <Text size="sm">{t("console.webhooks.replayText")}</Text>
        {replay.isError ? (
          <Alert color="red" title={t("console.webhooks.replayRefused")}>
            {describeError(replay.error).message}
          </Alert>
        ) : null}
      </ReasonModal>
    </Drawer>
  );
}

/** Stored webhook deliveries, newest first: filters, the body of one, replay. */
export function WebhookEventsPage() {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const [searchParams, setSearchParams] = useSearchParams();
  const consultationId = searchParams.get("consultation") ?? undefined;
  const openId = searchParams.get("event");
  const [provider, setProvider] = useState<WebhookProvider | "">("");
  const [status, setStatus] = useState<WebhookStatus | "">("");
  const [type, setType] = useState("");
  const [debouncedType] = useDebouncedValue(type.trim(), TYPE_DEBOUNCE_MS);

  const setParam = (key: string, value: string | null) => {
    const next = new URLSearchParams(searchParams);
    if (value === null) next.delete(key);
    else next.set(key, value);
    setSearchParams(next);
  };

  const input: RouterInputs["webhookEvents"]["list"] = {
    provider: provider || undefined,
    status: status || undefined,
    type: debouncedType || undefined,
    consultationId,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList(
    trpc.webhookEvents.list.infiniteQueryOptions(input, {
      ...PAGING,
      // Deliveries still waiting for the worker settle within seconds: follow them.
      refetchInterval: (query) =>
        query.state.data?.pages.some((page) => page.items.some((i) => i.status === "received"))
          ? 2_000
          : false,
    }),
  );

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.webhooks.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.webhooks.intro")}
          </Text>
        </Stack>
        <Group align="flex-end" wrap="wrap">
          {consultationId ? (
            <Badge
              size="lg"
              variant="light"
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label={t("console.webhooks.clearConsultation")}
                  onClick={() => setParam("consultation", null)}
                />
              }
            >
              <Trans
                i18nKey="console.webhooks.consultationFilter"
                values={{ id: consultationId.slice(0, 8) }}
                components={{ data: <bdi /> }}
              />
            </Badge>
          ) : null}
          <NativeSelect
            label={t("console.webhooks.provider")}
            value={provider}
            data={[{ value: "", label: t("console.webhooks.anyProvider") }, ...WEBHOOK_PROVIDERS]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setProvider(isWebhookProvider(value) ? value : "");
            }}
          />
          <NativeSelect
            label={t("console.webhooks.statusLabel")}
            value={status}
            data={[
              { value: "", label: t("console.webhooks.anyStatus") },
              ...WEBHOOK_STATUSES.map((value) => ({
                value,
                label: t(`console.webhooks.status.${value}`),
              })),
            ]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStatus(isWebhookStatus(value) ? value : "");
            }}
          />
          <TextInput
            label={t("console.webhooks.eventType")}
            placeholder={t("console.webhooks.eventTypePlaceholder")}
            value={type}
            onChange={(event) => setType(event.currentTarget.value)}
            w={{ base: "100%", xs: 260 }}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label={t("console.webhooks.title")}
        noun={t("console.webhooks.noun")}
        singular={t("console.webhooks.singular")}
        plural={t("console.webhooks.plural")}
        minWidth={1000}
        tableProps={{ highlightOnHover: true, fz: "sm" }}
        head={
          <>
            <Table.Th>{t("console.webhooks.received")}</Table.Th>
            <Table.Th>{t("console.webhooks.provider")}</Table.Th>
            <Table.Th>{t("console.webhooks.type")}</Table.Th>
            <Table.Th>{t("console.webhooks.subject")}</Table.Th>
            <Table.Th>{t("console.webhooks.statusLabel")}</Table.Th>
            <Table.Th>{t("console.webhooks.attempts")}</Table.Th>
            <Table.Th>{t("console.webhooks.outcome")}</Table.Th>
            <Table.Th>{t("console.webhooks.actions")}</Table.Th>
          </>
        }
        columns={8}
        empty={t("console.webhooks.empty")}
        rowKey={(event) => event.id}
        row={(event) => (
          <Table.Tr key={event.id} data-webhook-event-id={event.id}>
            <Table.Td style={{ whiteSpace: "nowrap" }}>
              <DateTime value={event.receivedAt} />
            </Table.Td>
            <Table.Td>
              <Data>{providerLabel(event.provider)}</Data>
            </Table.Td>
            <Table.Td>
              <Code style={{ overflowWrap: "anywhere" }}>{event.eventType}</Code>
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                {event.subject ? <Data>{event.subject}</Data> : "—"}
              </Text>
            </Table.Td>
            <Table.Td>
              <WebhookStatusBadge status={event.status} />
              {event.bodyPurgedAt ? (
                <Text size="xs" c="dimmed">
                  {t("console.webhooks.bodyPurgedShort")}
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>
              <Num value={event.attempts} />
            </Table.Td>
            <Table.Td maw={320}>
              <Text size="xs" style={{ overflowWrap: "anywhere" }}>
                {event.outcome ? <Data>{event.outcome}</Data> : "—"}
              </Text>
            </Table.Td>
            <Table.Td>
              <Button
                size="xs"
                variant="light"
                aria-label={t("console.webhooks.openLabel", {
                  type: event.eventType,
                  at: formatDateTime(event.receivedAt, locale),
                })}
                onClick={() => setParam("event", event.id)}
              >
                {t("console.webhooks.open")}
              </Button>
            </Table.Td>
          </Table.Tr>
        )}
      />

      <DeliveryDrawer id={openId} onClose={() => setParam("event", null)} />
    </Stack>
  );
}
