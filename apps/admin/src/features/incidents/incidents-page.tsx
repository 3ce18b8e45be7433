import type { IncidentKind } from "@an/domain";
import {
  Alert,
  Anchor,
  Badge,
  Button,
  CloseButton,
  Code,
  Group,
  Spoiler,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { JsonBlock } from "../../components/json-block";
import { ReasonModal } from "../../components/reason-modal";
import { formatDateTime } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type Incident = RouterOutputs["incidents"]["list"]["items"][number];

/** The API's longest resolution note. */
const RESOLUTION_MAX = 2000;

/** What each kind of incident means; a full record so a new kind can't be forgotten. */
export const INCIDENT_KIND_LABELS: Record<IncidentKind, string> = {
  amount_mismatch: "Amount differs from the quote",
  booking_token_invalid: "Booking without a valid token",
  booking_token_reused: "Booking token used twice",
  unknown_charge: "Charge we don't know",
  provider_action_failed: "Provider call keeps failing",
  reversal_required: "Transfer reversal needed",
  payout_failed: "Payout to an advisor failed",
  reversal_failed: "Transfer reversal failed",
  reconciliation_difference: "Reconciliation found differences",
  price_not_allowlisted: "Subscription on a price outside the plans",
  duplicate_subscription: "Second live subscription",
  subscription_out_of_sync: "Subscription differed from Stripe",
};

function IncidentRow({
  incident,
  locale,
  onResolve,
}: {
  incident: Incident;
  locale: ConsoleLocale;
  onResolve?: () => void;
}) {
  const resolved = incident.resolvedAt !== null;
  return (
    <Table.Tr data-incident-id={incident.id}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        {formatDateTime(incident.createdAt, locale)}
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <Text size="sm" fw={500} c={resolved ? "dimmed" : "red"}>
            {INCIDENT_KIND_LABELS[incident.kind]}
          </Text>
          <Code fz="xs">{incident.kind}</Code>
        </Stack>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
          {incident.message}
        </Text>
        <Spoiler
          maxHeight={0}
          showLabel="Details"
          hideLabel="Hide details"
          styles={{ control: { fontSize: "var(--mantine-font-size-xs)" } }}
        >
          <JsonBlock value={incident.details} label="Incident details" />
        </Spoiler>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {incident.consultationId ? (
            <Anchor component={Link} to={`/consultations/${incident.consultationId}`} size="sm">
              Consultation {incident.consultationId.slice(0, 8)}
            </Anchor>
          ) : null}
          {incident.webhookEventId ? (
            <Anchor
              component={Link}
              to={`/webhook-events?event=${incident.webhookEventId}`}
              size="sm"
            >
              Webhook delivery
            </Anchor>
          ) : null}
          {!incident.consultationId && !incident.webhookEventId ? <Text size="sm">—</Text> : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        {resolved ? (
          <Stack gap={2}>
            <Text size="xs" c="dimmed">
              {formatDateTime(incident.resolvedAt, locale)} by {incident.resolvedBy ?? "—"}
            </Text>
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {incident.resolution}
            </Text>
          </Stack>
        ) : (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={`Resolve the incident: ${incident.message}`}
            onClick={onResolve}
          >
            Resolve
          </Button>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

/** One list of incidents (open or resolved), newest first, with "load more". */
function IncidentTable({
  open,
  consultationId,
  onResolve,
}: {
  open: boolean;
  consultationId: string | undefined;
  onResolve: (incident: Incident) => void;
}) {
  const trpc = useTRPC();
  const locale = useLocale();
  const noun = open ? "open incidents" : "resolved incidents";
  const list = useInfiniteList(
    trpc.incidents.list.infiniteQueryOptions(
      { open, consultationId, limit: PAGE_SIZE },
      { ...PAGING },
    ),
  );
  return (
    <Stack gap="xs">
      <Title order={4}>{open ? "Open" : "Resolved"}</Title>
      <InfiniteTable
        list={list}
        label={open ? "Open incidents" : "Resolved incidents"}
        noun={noun}
        singular="incident"
        plural="incidents"
        minWidth={960}
        head={
          <>
            <Table.Th>Raised</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th>What happened</Table.Th>
            <Table.Th>About</Table.Th>
            <Table.Th>{open ? <VisuallyHidden>Actions</VisuallyHidden> : "Resolution"}</Table.Th>
          </>
        }
        columns={5}
        empty={open ? "Nothing open." : "None yet."}
        rowKey={(incident) => incident.id}
        row={(incident) => (
          <IncidentRow
            key={incident.id}
            incident={incident}
            locale={locale}
            onResolve={() => onResolve(incident)}
          />
        )}
      />
    </Stack>
  );
}

/** Security incidents: open ones first, each resolved with a note the audit keeps. */
export function IncidentsPage() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [searchParams, setSearchParams] = useSearchParams();
  const consultationId = searchParams.get("consultation") ?? undefined;
  const [resolving, setResolving] = useState<Incident | null>(null);
  const resolve = useMutation(
    trpc.incidents.resolve.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.incidents.pathKey(), trpc.consultations.pathKey());
        setResolving(null);
        notifySuccess("Incident resolved.");
      },
    }),
  );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Security incidents</Title>
          <Text size="sm" c="dimmed">
            Money that doesn&apos;t match its quote, bookings without a valid token, provider calls
            that keep failing.
          </Text>
        </Stack>
        {consultationId ? (
          <Badge
            size="lg"
            variant="light"
            rightSection={
              <CloseButton
                size="xs"
                variant="transparent"
                aria-label="Show every consultation's incidents"
                onClick={() => setSearchParams({})}
              />
            }
          >
            Consultation {consultationId.slice(0, 8)}
          </Badge>
        ) : null}
      </Group>
      <IncidentTable open consultationId={consultationId} onResolve={setResolving} />
      <IncidentTable open={false} consultationId={consultationId} onResolve={setResolving} />

      <ReasonModal
        opened={resolving !== null}
        title="Resolve incident"
        label="Resolution"
        description="What was checked or done. Kept with the incident."
        confirmLabel="Resolve"
        color="teal"
        maxLength={RESOLUTION_MAX}
        pending={resolve.isPending}
        onConfirm={(resolution) => {
          if (resolving) resolve.mutate({ id: resolving.id, resolution });
        }}
        onClose={() => {
          setResolving(null);
          resolve.reset();
        }}
      >
        <Text size="sm">{resolving?.message}</Text>
        {resolve.isError ? (
          <Alert color="red" title="Couldn't resolve">
            {describeError(resolve.error).message}
          </Alert>
        ) : null}
      </ReasonModal>
    </Stack>
  );
}
