import { Anchor, Badge, Code, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { AuditTrail } from "../../components/audit-trail";
import { ConsultationActions } from "./consultation-actions";
import { ConsultationStatusBadge } from "./consultation-status-badge";
import { ConsultationTimeline } from "./consultation-timeline";
import { Incidents, WebhookDeliveries } from "./consultation-incidents-deliveries";
import { Payments, Refunds } from "./consultation-payments";
import { MoneyCard, PartiesCard, TimesCard } from "./consultation-summary-cards";
import { LedgerEntries } from "../ledger/ledger-entries";
import { formatMoney, fullName } from "../../lib/format";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { DetailStates } from "../../components/list-states";

/** How often the page refreshes: webhooks and timers change a consultation behind our back. */
const REFRESH_MS = 10_000;

/** One consultation with everything an admin needs to understand and decide on it. */
export function ConsultationDetailPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const detail = useQuery(
    trpc.consultations.getForAdmin.queryOptions(
      { consultationId: id },
      { refetchInterval: REFRESH_MS },
    ),
  );

  if (detail.isPending || detail.isError) {
    return (
      <DetailStates
        query={detail}
        noun="consultation"
        back={{ to: "/consultations", label: "Consultations" }}
      />
    );
  }

  const d = detail.data;
  const c = d.consultation;
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to="/consultations" size="sm">
        ← Consultations
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>Consultation</Title>
            <ConsultationStatusBadge status={c.status} size="lg" testId="consultation-status" />
            {d.needsAttention ? (
              <Badge color="red" variant="filled">
                Needs attention
              </Badge>
            ) : null}
          </Group>
          <Text size="sm" c="dimmed">
            {fullName(d.client)} with {d.advisor.displayName} ·{" "}
            {formatMoney(c.price, c.currency, locale)} · <Code fz="xs">{c.id}</Code>
          </Text>
        </Stack>
        <ConsultationActions detail={d} />
      </Group>
      <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
        <PartiesCard detail={d} />
        <TimesCard detail={d} locale={locale} />
        <MoneyCard detail={d} locale={locale} />
      </SimpleGrid>
      <ConsultationTimeline timeline={d.timeline} />
      <LedgerEntries entries={d.ledger} />
      <Payments detail={d} locale={locale} />
      <Refunds detail={d} locale={locale} />
      <Incidents detail={d} locale={locale} />
      <WebhookDeliveries detail={d} locale={locale} />
      <AuditTrail audit={d.audit} />
    </Stack>
  );
}
