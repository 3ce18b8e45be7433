import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { DetailStates } from "../../components/list-states";
import { ItemCounts } from "./payout-status";
import { advisorPayoutsPath, PayoutItemsTable } from "./payout-tables";
import { formatDateTime, formatMoney } from "../../lib/format";
import { PAYOUT_BATCH_KIND_LABELS } from "../../lib/payouts";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";

/** A batch changes while its items are sent and retried. */
const REFRESH_MS = 10_000;

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

/** One payout batch: who, when, amounts, and every item with its attempts and errors. */
export function PayoutBatchPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const batch = useQuery(
    trpc.payoutAdmin.getBatch.queryOptions({ id }, { refetchInterval: REFRESH_MS }),
  );
  const back = { to: "/payouts", label: "Payouts" };
  if (batch.isPending || batch.isError) {
    return <DetailStates query={batch} noun="payout batch" back={back} />;
  }
  const b = batch.data;
  const money = (amount: number) => formatMoney(amount, b.currency, locale);
  return (
    <Stack gap="lg" data-testid="payout-batch" data-batch-id={b.id}>
      <Anchor component={Link} to={back.to} size="sm">
        ← {back.label}
      </Anchor>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>
            {PAYOUT_BATCH_KIND_LABELS[b.kind]} payout to{" "}
            <Anchor component={Link} to={advisorPayoutsPath(b.advisorId)} inherit>
              {b.advisorName}
            </Anchor>
          </Title>
          <Text size="sm" c="dimmed" ff="monospace">
            {b.id}
          </Text>
        </Stack>
        <ItemCounts counts={b.itemsByStatus} />
      </Group>
      <Card withBorder padding="md" component="section" aria-label="Batch">
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label="Scheduled for">
            <Text size="sm">{formatDateTime(b.scheduledFor, locale)}</Text>
          </Field>
          <Field label="Created">
            <Text size="sm">{formatDateTime(b.createdAt, locale)}</Text>
          </Field>
          <Field label="Settled">
            <Text size="sm">{b.settledAt ? formatDateTime(b.settledAt, locale) : "Not yet"}</Text>
          </Field>
          <Field label="Requested by">
            <Text size="sm">
              {b.kind === "off_cycle" ? (b.requestedByName ?? "—") : "Schedule"}
            </Text>
          </Field>
          <Field label="Gross">
            <Text size="sm">{money(b.grossAmount)}</Text>
          </Field>
          <Field label="Netted (receivable recovered)">
            <Text size="sm">{money(b.nettedAmount)}</Text>
          </Field>
          <Field label="Total to transfer">
            <Text size="sm" fw={600}>
              {money(b.totalAmount)}
            </Text>
          </Field>
          <Field label="Sent so far">
            <Text size="sm" data-testid="batch-sent-amount">
              {money(b.sentAmount)}
            </Text>
          </Field>
        </SimpleGrid>
      </Card>
      <Stack gap="xs">
        <Title order={4}>Items ({b.itemCount})</Title>
        <PayoutItemsTable items={b.items} label="Batch items" busy={batch.isFetching} />
      </Stack>
    </Stack>
  );
}
