import { Anchor, Badge, Code, Group, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Trans } from "react-i18next";
import { Link, useParams } from "react-router";
import { AuditTrail } from "../../components/audit-trail";
import { Data, Money } from "../../components/formatted";
import { ConsultationActions } from "./consultation-actions";
import { ConsultationStatusBadge } from "./consultation-status-badge";
import { ConsultationTimeline } from "./consultation-timeline";
import { Incidents, WebhookDeliveries } from "./consultation-incidents-deliveries";
import { Payments, Refunds } from "./consultation-payments";
import { MoneyCard, PartiesCard, TimesCard } from "./consultation-summary-cards";
import { LedgerEntries } from "../ledger/ledger-entries";
import { fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
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
  const t = useT();
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
        noun={t("console.consultations.singular")}
        back={{ to: "/consultations", label: t("console.nav.consultations") }}
      />
    );
  }

  const d = detail.data;
  const c = d.consultation;
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to="/consultations" size="sm">
        {t("console.consultations.detail.back")}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} miw={0}>
          <Group gap="sm" wrap="wrap">
            <Title order={2}>{t("console.consultations.detail.title")}</Title>
            <ConsultationStatusBadge status={c.status} size="lg" testId="consultation-status" />
            {d.needsAttention ? (
              <Badge color="red" variant="filled">
                {t("console.consultations.needsAttention")}
              </Badge>
            ) : null}
          </Group>
          <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            <Trans
              t={t}
              i18nKey="console.consultations.detail.between"
              components={{
                client: <Data>{fullName(d.client)}</Data>,
                advisor: <Data>{d.advisor.displayName}</Data>,
              }}
            />
            {" · "}
            <Money amount={c.price} currency={c.currency} />
            {" · "}
            <Code fz="xs">{c.id}</Code>
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
      <Payments detail={d} />
      <Refunds detail={d} />
      <Incidents detail={d} />
      <WebhookDeliveries detail={d} />
      <AuditTrail audit={d.audit} />
    </Stack>
  );
}
