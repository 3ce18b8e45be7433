import {
  Alert,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Code,
  Drawer,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
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
  const locale = useLocale();
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="xs">
            <Code fz="sm">{event.eventType}</Code>
            <WebhookStatusBadge status={event.status} />
          </Group>
          <Text size="sm" c="dimmed">
            {providerLabel(event.provider)} · received {formatDateTime(event.receivedAt, locale)}
          </Text>
        </Stack>
        <Button
          color="orange"
          variant="light"
          onClick={onReplay}
          disabled={event.bodyPurged}
          title={event.bodyPurged ? "The body was purged: nothing left to process." : undefined}
        >
          Replay
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Field label="Outcome">
          <Text size="sm">{event.outcome ?? "—"}</Text>
        </Field>
        <Field label="Attempts">
          <Text size="sm">{event.attempts}</Text>
        </Field>
        <Field label="Processed">
          <Text size="sm">{formatDateTime(event.processedAt, locale)}</Text>
        </Field>
        <Field label="Consultation">
          {event.consultationId ? (
            <Anchor component={Link} to={`/consultations/${event.consultationId}`} size="sm">
              {event.consultationId}
            </Anchor>
          ) : (
            <Text size="sm">—</Text>
          )}
        </Field>
        <Field label="Subject">
          <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.subject ?? "—"}
          </Text>
        </Field>
        <Field label="Provider event id">
          <Text size="sm" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.providerEventId ?? "—"}
          </Text>
        </Field>
        <Field label="Dedupe key">
          <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.dedupeKey}
          </Text>
        </Field>
        <Field label="Body SHA-256">
          <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            {event.bodySha256}
          </Text>
        </Field>
        <Field label="Replayed">
          <Text size="sm">
            {event.replayedAt
              ? `${formatDateTime(event.replayedAt, locale)} by ${event.replayedBy ?? "—"}`
              : "—"}
          </Text>
        </Field>
      </SimpleGrid>
      <Field label="Processing details">
        <JsonBlock value={event.details} label="Processing details" />
      </Field>
      <Field label="Body">
        {event.bodyPurged || event.body === null ? (
          <Alert color="gray" title="Body purged">
            The retention period dropped this delivery&apos;s body
            {event.bodyPurgedAt ? ` on ${formatDateTime(event.bodyPurgedAt, locale)}` : ""}. Its
            SHA-256, status and outcome stay for the audit.
          </Alert>
        ) : (
          <JsonBlock value={event.body} label="Body" />
        )}
      </Field>
    </Stack>
  );
}

/** The delivery drawer, with replay behind a reason. */
function DeliveryDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
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
        notifySuccess("Queued the delivery for processing again.");
      },
    }),
  );
  return (
    <Drawer
      opened={id !== null}
      onClose={onClose}
      position="right"
      size="xl"
      title="Webhook delivery"
    >
      {detail.isPending || detail.isError ? (
        <DetailStates query={detail} noun="delivery" />
      ) : (
        <DeliveryDetails event={detail.data} onReplay={() => setReplaying(true)} />
      )}
      <ReasonModal
        opened={replaying && id !== null}
        title="Replay delivery"
        label="Reason"
        description="Kept in the audit log."
        confirmLabel="Replay"
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
        <Text size="sm">
          The worker processes this delivery again. Processing is idempotent: an event already
          applied changes nothing.
        </Text>
        {replay.isError ? (
          <Alert color="red" title="Replay refused">
            {describeError(replay.error).message}
          </Alert>
        ) : null}
      </ReasonModal>
    </Drawer>
  );
}

/** Stored webhook deliveries, newest first: filters, the body of one, replay. */
export function WebhookEventsPage() {
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
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Webhook events</Title>
          <Text size="sm" c="dimmed">
            Every verified delivery from Stripe and Cal.com, newest first.
          </Text>
        </Stack>
        <Group align="flex-end">
          {consultationId ? (
            <Badge
              size="lg"
              variant="light"
              rightSection={
                <CloseButton
                  size="xs"
                  variant="transparent"
                  aria-label="Show every consultation's deliveries"
                  onClick={() => setParam("consultation", null)}
                />
              }
            >
              Consultation {consultationId.slice(0, 8)}
            </Badge>
          ) : null}
          <NativeSelect
            label="Provider"
            value={provider}
            data={[{ value: "", label: "Any provider" }, ...WEBHOOK_PROVIDERS]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setProvider(isWebhookProvider(value) ? value : "");
            }}
          />
          <NativeSelect
            label="Status"
            value={status}
            data={[{ value: "", label: "Any status" }, ...WEBHOOK_STATUSES]}
            onChange={(event) => {
              const value = event.currentTarget.value;
              setStatus(isWebhookStatus(value) ? value : "");
            }}
          />
          <TextInput
            label="Event type"
            placeholder="e.g. BOOKING_CREATED"
            value={type}
            onChange={(event) => setType(event.currentTarget.value)}
            w={260}
          />
        </Group>
      </Group>

      <InfiniteTable
        list={list}
        label="Webhook events"
        noun="webhook events"
        singular="event"
        plural="events"
        minWidth={1000}
        tableProps={{ highlightOnHover: true, fz: "sm" }}
        head={
          <>
            <Table.Th>Received</Table.Th>
            <Table.Th>Provider</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Subject</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Attempts</Table.Th>
            <Table.Th>Outcome</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={8}
        empty="No webhook events match."
        rowKey={(event) => event.id}
        row={(event) => (
          <Table.Tr key={event.id} data-webhook-event-id={event.id}>
            <Table.Td style={{ whiteSpace: "nowrap" }}>
              {formatDateTime(event.receivedAt, locale)}
            </Table.Td>
            <Table.Td>{providerLabel(event.provider)}</Table.Td>
            <Table.Td>
              <Code>{event.eventType}</Code>
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace" style={{ overflowWrap: "anywhere" }}>
                {event.subject ?? "—"}
              </Text>
            </Table.Td>
            <Table.Td>
              <WebhookStatusBadge status={event.status} />
              {event.bodyPurgedAt ? (
                <Text size="xs" c="dimmed">
                  body purged
                </Text>
              ) : null}
            </Table.Td>
            <Table.Td>{event.attempts}</Table.Td>
            <Table.Td maw={320}>
              <Text size="xs" lineClamp={2}>
                {event.outcome ?? "—"}
              </Text>
            </Table.Td>
            <Table.Td>
              <Button
                size="xs"
                variant="light"
                aria-label={`Open the ${event.eventType} delivery received ${formatDateTime(event.receivedAt, locale)}`}
                onClick={() => setParam("event", event.id)}
              >
                Open
              </Button>
            </Table.Td>
          </Table.Tr>
        )}
      />

      <DeliveryDrawer id={openId} onClose={() => setParam("event", null)} />
    </Stack>
  );
}
