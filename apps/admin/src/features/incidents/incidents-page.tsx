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
} from "@mantine/core";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Trans } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { JsonBlock } from "../../components/json-block";
import { ReasonModal } from "../../components/reason-modal";
import { Data, DateTime } from "../../components/formatted";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { directionOf, useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";
import { useInvalidate } from "../../lib/invalidate";

type Incident = RouterOutputs["incidents"]["list"]["items"][number];

/** The API's longest resolution note. */
const RESOLUTION_MAX = 2000;

/**
 * The catalog key of what each kind of incident means; a full record so a new kind can't
 * be forgotten.
 */
export const INCIDENT_KIND_KEYS: Record<IncidentKind, string> = {
  amount_mismatch: "console.incidents.kind.amount_mismatch",
  booking_token_invalid: "console.incidents.kind.booking_token_invalid",
  booking_token_reused: "console.incidents.kind.booking_token_reused",
  unknown_charge: "console.incidents.kind.unknown_charge",
  provider_action_failed: "console.incidents.kind.provider_action_failed",
  reversal_required: "console.incidents.kind.reversal_required",
  payout_failed: "console.incidents.kind.payout_failed",
  reversal_failed: "console.incidents.kind.reversal_failed",
  reconciliation_difference: "console.incidents.kind.reconciliation_difference",
  price_not_allowlisted: "console.incidents.kind.price_not_allowlisted",
  duplicate_subscription: "console.incidents.kind.duplicate_subscription",
  subscription_out_of_sync: "console.incidents.kind.subscription_out_of_sync",
};

/** An incident's message as one line for an accessible name, in its own direction. */
function useMessageForName(): (message: string) => string {
  const rtl = directionOf(useLocale()) === "rtl";
  return (message) => (rtl ? `\u2068${message}\u2069` : message);
}

function IncidentRow({ incident, onResolve }: { incident: Incident; onResolve?: () => void }) {
  const t = useT();
  const forName = useMessageForName();
  const resolved = incident.resolvedAt !== null;
  return (
    <Table.Tr data-incident-id={incident.id}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <DateTime value={incident.createdAt} />
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <Text size="sm" fw={500} c={resolved ? "dimmed" : "red.9"}>
            {t(INCIDENT_KIND_KEYS[incident.kind])}
          </Text>
          <Code fz="xs">{incident.kind}</Code>
        </Stack>
      </Table.Td>
      <Table.Td maw={420}>
        <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          <Data>{incident.message}</Data>
        </Text>
        <Spoiler
          maxHeight={0}
          showLabel={t("console.incidents.details")}
          hideLabel={t("console.incidents.hideDetails")}
          styles={{ control: { fontSize: "var(--mantine-font-size-xs)" } }}
        >
          <JsonBlock value={incident.details} label={t("console.incidents.detailsLabel")} />
        </Spoiler>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          {incident.consultationId ? (
            <Anchor component={Link} to={`/consultations/${incident.consultationId}`} size="sm">
              <Trans
                t={t}
                i18nKey="console.incidents.consultationLink"
                values={{ id: incident.consultationId.slice(0, 8) }}
                components={{ bdi: <bdi /> }}
              />
            </Anchor>
          ) : null}
          {incident.webhookEventId ? (
            <Anchor
              component={Link}
              to={`/webhook-events?event=${incident.webhookEventId}`}
              size="sm"
            >
              {t("console.incidents.webhookLink")}
            </Anchor>
          ) : null}
          {!incident.consultationId && !incident.webhookEventId ? <Text size="sm">—</Text> : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        {resolved ? (
          <Stack gap={2}>
            <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
              <Trans
                t={t}
                i18nKey="console.incidents.resolvedBy"
                components={{
                  at: <DateTime value={incident.resolvedAt} />,
                  by: <Data>{incident.resolvedBy ?? "—"}</Data>,
                }}
              />
            </Text>
            <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              <Data>{incident.resolution}</Data>
            </Text>
          </Stack>
        ) : (
          <Button
            size="xs"
            variant="light"
            color="teal"
            aria-label={t("console.incidents.resolveLabel", {
              message: forName(incident.message),
            })}
            onClick={onResolve}
          >
            {t("console.incidents.resolve")}
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
  const t = useT();
  const list = useInfiniteList(
    trpc.incidents.list.infiniteQueryOptions(
      { open, consultationId, limit: PAGE_SIZE },
      { ...PAGING },
    ),
  );
  return (
    <Stack gap="xs">
      <Title order={4}>
        {open ? t("console.incidents.openTitle") : t("console.incidents.resolvedTitle")}
      </Title>
      <InfiniteTable
        list={list}
        label={open ? t("console.incidents.openTable") : t("console.incidents.resolvedTable")}
        noun={open ? t("console.incidents.openNoun") : t("console.incidents.resolvedNoun")}
        singular={t("console.incidents.singular")}
        plural={t("console.incidents.plural")}
        minWidth={960}
        head={
          <>
            <Table.Th>{t("console.incidents.raised")}</Table.Th>
            <Table.Th>{t("console.incidents.kindColumn")}</Table.Th>
            <Table.Th>{t("console.incidents.whatHappened")}</Table.Th>
            <Table.Th>{t("console.incidents.about")}</Table.Th>
            <Table.Th>
              {open ? t("console.incidents.actions") : t("console.incidents.resolution")}
            </Table.Th>
          </>
        }
        columns={5}
        empty={open ? t("console.incidents.nothingOpen") : t("console.incidents.noneYet")}
        rowKey={(incident) => incident.id}
        row={(incident) => (
          <IncidentRow
            key={incident.id}
            incident={incident}
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
  const t = useT();
  const invalidate = useInvalidate();
  const [searchParams, setSearchParams] = useSearchParams();
  const consultationId = searchParams.get("consultation") ?? undefined;
  const [resolving, setResolving] = useState<Incident | null>(null);
  const resolve = useMutation(
    trpc.incidents.resolve.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.incidents.pathKey(), trpc.consultations.pathKey());
        setResolving(null);
        notifySuccess(t("console.incidents.resolved"));
      },
    }),
  );

  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.nav.incidents")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.incidents.intro")}
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
                aria-label={t("console.incidents.clearFilter")}
                onClick={() => setSearchParams({})}
              />
            }
          >
            <Trans
              t={t}
              i18nKey="console.incidents.consultationLink"
              values={{ id: consultationId.slice(0, 8) }}
              components={{ bdi: <bdi /> }}
            />
          </Badge>
        ) : null}
      </Group>
      <IncidentTable open consultationId={consultationId} onResolve={setResolving} />
      <IncidentTable open={false} consultationId={consultationId} onResolve={setResolving} />

      <ReasonModal
        opened={resolving !== null}
        title={t("console.incidents.resolveTitle")}
        label={t("console.incidents.resolution")}
        description={t("console.incidents.resolutionHint")}
        confirmLabel={t("console.incidents.resolve")}
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
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          <Data>{resolving?.message}</Data>
        </Text>
        {resolve.isError ? (
          <Alert color="red" title={t("console.incidents.resolveFailed")}>
            {describeError(resolve.error).message}
          </Alert>
        ) : null}
      </ReasonModal>
    </Stack>
  );
}
