import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title, useDirection } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Trans } from "react-i18next";
import { Link, useParams } from "react-router";
import { DetailStates } from "../../components/list-states";
import { Data, DateTime, Money, Num } from "../../components/formatted";
import { ItemCounts } from "./payout-status";
import { advisorPayoutsPath, PayoutItemsTable } from "./payout-tables";
import { useT } from "../../lib/i18n";
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

/** "← Payouts", the arrow pointing back in the reading direction. */
export function BackToPayouts() {
  const t = useT();
  const { dir } = useDirection();
  return (
    <Anchor component={Link} to="/payouts" size="sm">
      <span
        aria-hidden
        style={{ display: "inline-block", transform: dir === "rtl" ? "scaleX(-1)" : undefined }}
      >
        ←
      </span>{" "}
      {t("console.payouts.title")}
    </Anchor>
  );
}

/** One payout batch: who, when, amounts, and every item with its attempts and errors. */
export function PayoutBatchPage() {
  const { id = "" } = useParams();
  const t = useT();
  const trpc = useTRPC();
  const batch = useQuery(
    trpc.payoutAdmin.getBatch.queryOptions({ id }, { refetchInterval: REFRESH_MS }),
  );
  const back = { to: "/payouts", label: t("console.payouts.title") };
  if (batch.isPending || batch.isError) {
    return <DetailStates query={batch} noun={t("console.payouts.nouns.batchOne")} back={back} />;
  }
  const b = batch.data;
  return (
    <Stack gap="lg" data-testid="payout-batch" data-batch-id={b.id}>
      <BackToPayouts />
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Title order={2}>
            <Trans
              t={t}
              i18nKey={`console.payouts.batch.heading.${b.kind}`}
              values={{ name: b.advisorName }}
              components={{
                advisor: <Anchor component={Link} to={advisorPayoutsPath(b.advisorId)} inherit />,
                bdi: <bdi />,
              }}
            />
          </Title>
          <Text size="sm" c="dimmed" ff="monospace" style={{ overflowWrap: "anywhere" }}>
            <Data>{b.id}</Data>
          </Text>
        </Stack>
        <ItemCounts counts={b.itemsByStatus} />
      </Group>
      <Card
        withBorder
        padding="md"
        component="section"
        aria-label={t("console.payouts.batch.card")}
      >
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Field label={t("console.payouts.batch.scheduledFor")}>
            <Text size="sm">
              <DateTime value={b.scheduledFor} />
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.created")}>
            <Text size="sm">
              <DateTime value={b.createdAt} />
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.settled")}>
            <Text size="sm">
              {b.settledAt ? <DateTime value={b.settledAt} /> : t("console.payouts.notYet")}
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.requestedBy")}>
            <Text size="sm">
              {b.kind === "off_cycle" ? (
                <Data>{b.requestedByName ?? "—"}</Data>
              ) : (
                t("console.payouts.batch.schedule")
              )}
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.gross")}>
            <Text size="sm">
              <Money amount={b.grossAmount} currency={b.currency} />
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.netted")}>
            <Text size="sm">
              <Money amount={b.nettedAmount} currency={b.currency} />
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.total")}>
            <Text size="sm" fw={600}>
              <Money amount={b.totalAmount} currency={b.currency} />
            </Text>
          </Field>
          <Field label={t("console.payouts.batch.sentSoFar")}>
            <Text size="sm" data-testid="batch-sent-amount">
              <Money amount={b.sentAmount} currency={b.currency} />
            </Text>
          </Field>
        </SimpleGrid>
      </Card>
      <Stack gap="xs">
        <Title order={4}>
          {t("console.payouts.batch.items")} (<Num value={b.itemCount} />)
        </Title>
        <PayoutItemsTable
          items={b.items}
          label={t("console.payouts.batch.itemsLabel")}
          busy={batch.isFetching}
        />
      </Stack>
    </Stack>
  );
}
