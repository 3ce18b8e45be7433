import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { ScrollTable } from "../../components/scroll-table";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Data, DateTime } from "../../components/formatted";
import { type FormEvent, useState } from "react";
import { MIN_REASON_LENGTH, ReasonModal } from "../../components/reason-modal";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Override = RouterOutputs["commissionOverrides"]["list"]["items"][number];

const STATUS_COLORS: Record<Override["status"], string> = {
  live: "teal",
  expired: "gray",
  ended: "gray",
};
const STATUS_KEYS: Record<Override["status"], string> = {
  live: "console.settings.overrides.live",
  expired: "console.settings.overrides.expired",
  ended: "console.settings.overrides.endedStatus",
};

/** Basis points as a percentage in the console's locale: 1,250 → "12.5 %". */
function percentOf(bps: number, locale: string) {
  return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(
    bps / 10_000,
  );
}

/**
 * Per-advisor commission overrides: the list (live and past, newest first), a
 * form to give an advisor their own percentage with a reason and an optional end date, and
 * ending one with a reason. Quotes already made keep the terms they froze.
 */
export function CommissionOverridesCard() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const list = useQuery(trpc.commissionOverrides.list.queryOptions({}));
  const [advisorId, setAdvisorId] = useState("");
  const [percent, setPercent] = useState<number | "">("");
  const [reason, setReason] = useState("");
  const [endsOn, setEndsOn] = useState("");
  const [ending, setEnding] = useState<Override | null>(null);
  const set = useMutation(
    trpc.commissionOverrides.set.mutationOptions({
      onSuccess: async (saved) => {
        await invalidate(trpc.commissionOverrides.pathKey());
        notifySuccess(t("console.settings.overrides.added", { advisor: saved.advisorId }));
        setAdvisorId("");
        setPercent("");
        setReason("");
        setEndsOn("");
      },
    }),
  );
  const end = useMutation(
    trpc.commissionOverrides.end.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.commissionOverrides.pathKey());
        setEnding(null);
        notifySuccess(t("console.settings.overrides.ended"));
      },
    }),
  );
  const canSubmit =
    advisorId.trim() !== "" && percent !== "" && reason.trim().length >= MIN_REASON_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canSubmit) return;
    set.mutate({
      advisorId: advisorId.trim(),
      // Whole basis points: 12.5 % is 1,250.
      terms: { bps: Math.round(Number(percent) * 100) },
      reason: reason.trim(),
      // The end of the chosen day, in the admin's own time zone.
      endsAt: endsOn ? new Date(`${endsOn}T23:59:59`).toISOString() : undefined,
    });
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={4}>{t("console.settings.overrides.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.settings.overrides.hint")}
        </Text>
        <form onSubmit={submit}>
          <Group align="flex-end">
            <TextInput
              required
              label={t("console.settings.overrides.advisorId")}
              value={advisorId}
              onChange={(event) => setAdvisorId(event.currentTarget.value)}
            />
            <NumberInput
              required
              label={t("console.settings.overrides.percent")}
              min={0}
              max={100}
              decimalScale={2}
              value={percent}
              onChange={(value) => setPercent(typeof value === "number" ? value : "")}
            />
            <TextInput
              required
              label={t("console.settings.overrides.reason")}
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
            />
            <TextInput
              type="date"
              label={t("console.settings.overrides.endsAt")}
              value={endsOn}
              onChange={(event) => setEndsOn(event.currentTarget.value)}
            />
            <Button type="submit" loading={set.isPending} disabled={!canSubmit}>
              {t("console.settings.overrides.add")}
            </Button>
          </Group>
        </form>
        {set.isError ? <Alert color="red">{describeError(set.error).message}</Alert> : null}
        {list.isError ? <Alert color="red">{describeError(list.error).message}</Alert> : null}
        {list.data && list.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.settings.overrides.none")}
          </Text>
        ) : null}
        {list.data && list.data.items.length > 0 ? (
          <ScrollTable minWidth={760} label={t("console.settings.overrides.title")}>
            <Table aria-label={t("console.settings.overrides.title")}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("console.settings.overrides.advisor")}</Table.Th>
                  <Table.Th>{t("console.settings.overrides.terms")}</Table.Th>
                  <Table.Th>{t("console.settings.overrides.status")}</Table.Th>
                  <Table.Th>{t("console.settings.overrides.ends")}</Table.Th>
                  <Table.Th>{t("console.settings.overrides.setBy")}</Table.Th>
                  <Table.Th>{t("console.settings.overrides.reason")}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.data.items.map((o) => (
                  <Table.Tr key={o.id}>
                    <Table.Td style={{ overflowWrap: "anywhere" }}>
                      <Data>{o.advisorId}</Data>
                    </Table.Td>
                    <Table.Td>{percentOf(o.terms.bps, locale)}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={STATUS_COLORS[o.status]}>
                        {t(STATUS_KEYS[o.status])}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      {o.endedAt
                        ? formatDateTime(o.endedAt, locale)
                        : o.endsAt
                          ? formatDateTime(o.endsAt, locale)
                          : t("console.settings.overrides.never")}
                    </Table.Td>
                    <Table.Td>
                      {o.createdBy ?? "—"}
                      <Text size="xs" c="dimmed">
                        <DateTime value={o.createdAt} />
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                      <Data>{o.reason}</Data>
                    </Table.Td>
                    <Table.Td>
                      {o.status === "live" ? (
                        <Button size="xs" variant="light" color="red" onClick={() => setEnding(o)}>
                          {t("console.settings.overrides.end")}
                        </Button>
                      ) : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollTable>
        ) : null}
      </Stack>
      <ReasonModal
        opened={ending !== null}
        title={t("console.settings.overrides.end")}
        label={t("console.settings.overrides.endReason")}
        confirmLabel={t("console.settings.overrides.end")}
        color="red"
        maxLength={500}
        pending={end.isPending}
        onConfirm={(text) => ending && end.mutate({ id: ending.id, reason: text })}
        onClose={() => setEnding(null)}
      >
        {ending ? (
          <Text size="sm">
            <Data>{ending.advisorId}</Data> · {percentOf(ending.terms.bps, locale)}
          </Text>
        ) : null}
        {end.isError ? <Alert color="red">{describeError(end.error).message}</Alert> : null}
      </ReasonModal>
    </Card>
  );
}
