import {
  Anchor,
  Badge,
  Button,
  Chip,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { Trans } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import { ConsultationStatusBadge } from "./consultation-status-badge";
import {
  CONSULTATION_STATUS_COLORS,
  CONSULTATION_STATUSES,
  consultationStatusLabel,
  isConsultationStatus,
} from "./consultation-status";
import { useIsolate } from "./consultation-detail-parts";
import { Data, DateTime, Money } from "../../components/formatted";
import { formatDateTime, formatNumber, fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { InfiniteTable } from "../../components/infinite-table";
import { PAGE_SIZE, PAGING, useInfiniteList } from "../../lib/infinite-list";

type Row = RouterOutputs["consultations"]["listForAdmin"]["items"][number];

const ID_DEBOUNCE_MS = 400;
/** The "needs attention" chip, kept apart from the status chips in the same group. */
const ATTENTION = "needs_attention";

function clientLabel(client: Row["client"]): string {
  const name = fullName(client);
  return name === "—" ? (client.email ?? client.id) : name;
}

function ConsultationRow({
  row,
  locale,
  onFilter,
}: {
  row: Row;
  locale: ConsoleLocale;
  onFilter: (key: "advisor" | "client", id: string) => void;
}) {
  const t = useT();
  const isolate = useIsolate();
  const client = isolate(clientLabel(row.client));
  const advisor = isolate(row.advisor.displayName);
  return (
    <Table.Tr data-consultation-id={row.id}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">
          <DateTime value={row.startsAt} />
        </Text>
        <Text size="xs" c="dimmed">
          {t("console.consultations.list.minutes", {
            minutes: formatNumber(row.durationMinutes, locale),
          })}
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          onClick={() => onFilter("client", row.client.id)}
          aria-label={t("console.consultations.list.onlyClient", { client })}
          style={{ overflowWrap: "anywhere" }}
        >
          <Data>{clientLabel(row.client)}</Data>
        </Anchor>
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          <Data>{row.client.email ?? row.client.id}</Data>
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          onClick={() => onFilter("advisor", row.advisor.id)}
          aria-label={t("console.consultations.list.onlyAdvisor", { advisor })}
          style={{ overflowWrap: "anywhere" }}
        >
          <Data>{row.advisor.displayName}</Data>
        </Anchor>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">
          <Money amount={row.price} currency={row.currency} />
        </Text>
        {row.refundablePrice !== row.price ? (
          <Text size="xs" c="dimmed">
            <Trans
              t={t}
              i18nKey="console.consultations.list.refundable"
              components={{
                amount: <Money amount={row.refundablePrice} currency={row.currency} />,
              }}
            />
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <ConsultationStatusBadge status={row.status} />
          {row.needsAttention ? (
            <Badge color="red" variant="filled" size="xs">
              {t("console.consultations.needsAttention")}
            </Badge>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">
          <DateTime value={row.holdEndsAt} />
        </Text>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/consultations/${row.id}`}
          aria-label={t("console.consultations.list.openLabel", {
            client,
            advisor,
            startsAt: isolate(formatDateTime(row.startsAt, locale)),
          })}
        >
          {t("console.consultations.list.open")}
        </Button>
      </Table.Td>
    </Table.Tr>
  );
}

/** A user-id filter field that follows the URL (`?advisor=` / `?client=`). */
function IdFilter({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  const t = useT();
  const [text, setText] = useState(value);
  const [followed, setFollowed] = useState(value);
  // A click on a name in the table changes the URL: the field shows the new filter.
  if (value !== followed) {
    setFollowed(value);
    setText(value);
  }
  const commit = useDebouncedCallback((next: string) => onChange(next.trim()), ID_DEBOUNCE_MS);
  return (
    <TextInput
      label={label}
      placeholder={t("console.consultations.list.idPlaceholder")}
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        commit(event.currentTarget.value);
      }}
      w={{ base: "100%", xs: 230 }}
    />
  );
}

/** Every consultation, newest start first: filter by status, attention, advisor or client. */
export function ConsultationsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const advisorId = searchParams.get("advisor") ?? "";
  const clientId = searchParams.get("client") ?? "";
  const [chips, setChips] = useState<string[]>([]);
  const statuses = chips.filter(isConsultationStatus);
  const needsAttention = chips.includes(ATTENTION);

  const setParam = (key: "advisor" | "client", value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next, { replace: true });
  };

  const input: RouterInputs["consultations"]["listForAdmin"] = {
    status: statuses.length > 0 ? statuses : undefined,
    needsAttention: needsAttention ? true : undefined,
    advisorId: advisorId || undefined,
    clientId: clientId || undefined,
    limit: PAGE_SIZE,
  };
  const list = useInfiniteList(
    trpc.consultations.listForAdmin.infiniteQueryOptions(input, {
      ...PAGING,
    }),
  );

  return (
    <Stack>
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0}>
          <Title order={2}>{t("console.nav.consultations")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.consultations.list.intro")}
          </Text>
        </Stack>
        <Group align="flex-end" wrap="wrap" w={{ base: "100%", xs: "auto" }}>
          <IdFilter
            label={t("console.consultations.parties.advisor")}
            value={advisorId}
            onChange={(v) => setParam("advisor", v)}
          />
          <IdFilter
            label={t("console.consultations.parties.client")}
            value={clientId}
            onChange={(v) => setParam("client", v)}
          />
        </Group>
      </Group>

      <Chip.Group multiple value={chips} onChange={setChips}>
        <Group gap={6} role="group" aria-label={t("console.consultations.list.statusFilter")}>
          <Chip value={ATTENTION} color="red" size="sm" variant="outline">
            {t("console.consultations.needsAttention")}
          </Chip>
          {CONSULTATION_STATUSES.map((status) => (
            <Chip
              key={status}
              value={status}
              color={CONSULTATION_STATUS_COLORS[status]}
              size="sm"
              variant="outline"
            >
              {consultationStatusLabel(status, t)}
            </Chip>
          ))}
          {chips.length > 0 ? (
            <Button size="compact-sm" variant="subtle" onClick={() => setChips([])}>
              {t("console.consultations.list.clear")}
            </Button>
          ) : null}
        </Group>
      </Chip.Group>

      <InfiniteTable
        list={list}
        label={t("console.nav.consultations")}
        noun={t("console.consultations.plural")}
        singular={t("console.consultations.singular")}
        plural={t("console.consultations.plural")}
        minWidth={1100}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>{t("console.consultations.list.starts")}</Table.Th>
            <Table.Th>{t("console.consultations.parties.client")}</Table.Th>
            <Table.Th>{t("console.consultations.parties.advisor")}</Table.Th>
            <Table.Th>{t("console.consultations.list.price")}</Table.Th>
            <Table.Th>{t("console.consultations.timeline.status")}</Table.Th>
            <Table.Th>{t("console.consultations.list.holdEnds")}</Table.Th>
            <Table.Th>{t("console.consultations.list.actions")}</Table.Th>
          </>
        }
        columns={7}
        empty={t("console.consultations.list.empty")}
        rowKey={(row) => row.id}
        row={(row) => (
          <ConsultationRow key={row.id} row={row} locale={locale} onFilter={setParam} />
        )}
      />
    </Stack>
  );
}
