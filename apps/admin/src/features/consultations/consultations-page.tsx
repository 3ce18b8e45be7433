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
  VisuallyHidden,
} from "@mantine/core";
import { useDebouncedCallback } from "@mantine/hooks";
import { useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ConsultationStatusBadge } from "./consultation-status-badge";
import {
  CONSULTATION_STATUS_DISPLAY,
  CONSULTATION_STATUSES,
  isConsultationStatus,
} from "./consultation-status";
import { formatDateTime, formatMoney, fullName } from "../../lib/format";
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
  return (
    <Table.Tr data-consultation-id={row.id}>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">{formatDateTime(row.startsAt, locale)}</Text>
        <Text size="xs" c="dimmed">
          {row.durationMinutes} min
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          onClick={() => onFilter("client", row.client.id)}
          aria-label={`Only consultations of the client ${clientLabel(row.client)}`}
        >
          {clientLabel(row.client)}
        </Anchor>
        <Text size="xs" c="dimmed">
          {row.client.email ?? row.client.id}
        </Text>
      </Table.Td>
      <Table.Td>
        <Anchor
          component="button"
          size="sm"
          onClick={() => onFilter("advisor", row.advisor.id)}
          aria-label={`Only consultations with the advisor ${row.advisor.displayName}`}
        >
          {row.advisor.displayName}
        </Anchor>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">{formatMoney(row.price, row.currency, locale)}</Text>
        {row.refundablePrice !== row.price ? (
          <Text size="xs" c="dimmed">
            {formatMoney(row.refundablePrice, row.currency, locale)} refundable
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Stack gap={4} align="flex-start">
          <ConsultationStatusBadge status={row.status} />
          {row.needsAttention ? (
            <Badge color="red" variant="filled" size="xs">
              Needs attention
            </Badge>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td style={{ whiteSpace: "nowrap" }}>
        <Text size="sm">{formatDateTime(row.holdEndsAt, locale)}</Text>
      </Table.Td>
      <Table.Td>
        <Button
          size="xs"
          variant="light"
          component={Link}
          to={`/consultations/${row.id}`}
          aria-label={`Open the consultation of ${clientLabel(row.client)} with ${row.advisor.displayName} on ${formatDateTime(row.startsAt, locale)}`}
        >
          Open
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
      placeholder="user id, e.g. demo|client-sam"
      value={text}
      onChange={(event) => {
        setText(event.currentTarget.value);
        commit(event.currentTarget.value);
      }}
      w={230}
    />
  );
}

/** Every consultation, newest start first: filter by status, attention, advisor or client. */
export function ConsultationsPage() {
  const trpc = useTRPC();
  const locale = useLocale();
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
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>Consultations</Title>
          <Text size="sm" c="dimmed">
            Newest start first. Pick statuses to narrow the list; none picked shows all.
          </Text>
        </Stack>
        <Group align="flex-end">
          <IdFilter label="Advisor" value={advisorId} onChange={(v) => setParam("advisor", v)} />
          <IdFilter label="Client" value={clientId} onChange={(v) => setParam("client", v)} />
        </Group>
      </Group>

      <Chip.Group multiple value={chips} onChange={setChips}>
        <Group gap={6} role="group" aria-label="Status filter">
          <Chip value={ATTENTION} color="red" size="sm" variant="outline">
            Needs attention
          </Chip>
          {CONSULTATION_STATUSES.map((status) => (
            <Chip
              key={status}
              value={status}
              color={CONSULTATION_STATUS_DISPLAY[status].color}
              size="sm"
              variant="outline"
            >
              {CONSULTATION_STATUS_DISPLAY[status].label}
            </Chip>
          ))}
          {chips.length > 0 ? (
            <Button size="compact-sm" variant="subtle" onClick={() => setChips([])}>
              Clear
            </Button>
          ) : null}
        </Group>
      </Chip.Group>

      <InfiniteTable
        list={list}
        label="Consultations"
        noun="consultations"
        singular="consultation"
        plural="consultations"
        minWidth={1100}
        tableProps={{ highlightOnHover: true }}
        head={
          <>
            <Table.Th>Starts</Table.Th>
            <Table.Th>Client</Table.Th>
            <Table.Th>Advisor</Table.Th>
            <Table.Th>Price</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Hold window ends</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </>
        }
        columns={7}
        empty="No consultations match."
        rowKey={(row) => row.id}
        row={(row) => (
          <ConsultationRow key={row.id} row={row} locale={locale} onFilter={setParam} />
        )}
      />
    </Stack>
  );
}
