import { Alert, Anchor, Card, Code, Stack, Table, Text, Title } from "@mantine/core";
import { Trans } from "react-i18next";
import { Link } from "react-router";
import { consultationStatusLabel } from "./consultation-status";
import { Field, Instant, type PartyZone } from "./consultation-detail-parts";
import type { Detail } from "./decision-parts";
import { Data, Money } from "../../components/formatted";
import { formatNumber, fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";

const HOUR_MS = 3_600_000;

/** The client and the advisor, with links to their other consultations. */
export function PartiesCard({ detail }: { detail: Detail }) {
  const t = useT();
  const { client, advisor } = detail;
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.consultations.parties.title")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.consultations.parties.title")}</Title>
        <Field label={t("console.consultations.parties.client")}>
          <Text size="sm" fw={500} data-testid="client-name" style={{ overflowWrap: "anywhere" }}>
            <Data>{fullName(client)}</Data>
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {client.email ? (
              <Data>{client.email}</Data>
            ) : (
              t("console.consultations.parties.noEmail")
            )}
            {" · "}
            <Data>{client.id}</Data>
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            <Data>{client.locale}</Data>
            {" · "}
            {client.timeZone ? (
              <Data>{client.timeZone}</Data>
            ) : (
              t("console.consultations.parties.zoneUnknown")
            )}
          </Text>
          <Anchor
            component={Link}
            to={`/consultations?client=${encodeURIComponent(client.id)}`}
            size="xs"
          >
            {t("console.consultations.parties.others")}
          </Anchor>
        </Field>
        <Field label={t("console.consultations.parties.advisor")}>
          <Text size="sm" fw={500} data-testid="advisor-name" style={{ overflowWrap: "anywhere" }}>
            <Data>{advisor.displayName}</Data>
          </Text>
          <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {advisor.email ? (
              <Data>{advisor.email}</Data>
            ) : (
              t("console.consultations.parties.noEmail")
            )}
            {" · "}
            <Data>{advisor.id}</Data>
          </Text>
          {advisorZone(detail) ? (
            <Text size="xs" c="dimmed">
              <Data>{advisorZone(detail)}</Data>
            </Text>
          ) : null}
          <Anchor
            component={Link}
            to={`/consultations?advisor=${encodeURIComponent(advisor.id)}`}
            size="xs"
          >
            {t("console.consultations.parties.others")}
          </Anchor>
        </Field>
        {detail.consultation.project ? (
          <Field label={t("console.consultations.parties.project")}>
            <Text size="sm" style={{ overflowWrap: "anywhere" }}>
              <Data>{detail.consultation.project}</Data>
            </Text>
          </Field>
        ) : null}
      </Stack>
    </Card>
  );
}

/**
 * The advisor's own zone, once the API sends it with the advisor (older APIs don't): a
 * party whose zone is unknown gets no second clock rather than a guessed one.
 */
function advisorZone(detail: Detail): string | null {
  return detail.advisor.timeZone || null;
}

/** Both parties' zones, for the instants where their own clocks matter. */
function partyZones(detail: Detail): PartyZone[] {
  return [
    { party: "client", zone: detail.client.timeZone },
    { party: "advisor", zone: advisorZone(detail) },
  ];
}

/**
 * Start, end, payment deadline, completion and hold window in the viewer's zone; the
 * meeting itself also in the parties' own zones.
 */
export function TimesCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const t = useT();
  const c = detail.consultation;
  const parties = partyZones(detail);
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.consultations.times.title")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.consultations.times.title")}</Title>
        <Field
          label={t("console.consultations.times.starts", {
            minutes: formatNumber(c.durationMinutes, locale),
          })}
        >
          <Instant value={c.startsAt} parties={parties} testId="starts-at" />
        </Field>
        <Field label={t("console.consultations.times.ends")}>
          <Instant value={c.endsAt} parties={parties} />
        </Field>
        {c.status === "awaiting_payment" ? (
          <Field label={t("console.consultations.times.paymentDue")}>
            <Instant value={c.paymentExpiresAt} />
          </Field>
        ) : null}
        {c.completedAt ? (
          <Field label={t("console.consultations.times.completed")}>
            <Instant value={c.completedAt} />
          </Field>
        ) : null}
        <Field
          label={t("console.consultations.times.holdWindow", {
            hours: formatNumber(c.holdWindowHours, locale),
          })}
        >
          {c.holdEndsAt ? (
            <Instant value={c.holdEndsAt} />
          ) : (
            <Text size="sm" c="dimmed">
              {t("console.consultations.times.holdOpensLater")}
            </Text>
          )}
        </Field>
      </Stack>
    </Card>
  );
}

/** The quote split against what is still refundable, the refund policy and any dispute. */
export function MoneyCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const t = useT();
  const c = detail.consultation;
  const money = (minor: number) => <Money amount={minor} currency={c.currency} />;
  const percent = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 });
  const startsAt = c.startsAt ? new Date(c.startsAt).getTime() : null;
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.consultations.money.title")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.consultations.money.title")}</Title>
        <Table verticalSpacing={2} fz="sm" aria-label={t("console.consultations.money.split")}>
          <Table.Thead>
            <Table.Tr>
              <Table.Td />
              <Table.Th ta="end">{t("console.consultations.money.quote")}</Table.Th>
              <Table.Th ta="end">{t("console.consultations.money.refundable")}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            <Table.Tr>
              <Table.Th scope="row" fw="normal">
                {t("console.consultations.money.price")}
              </Table.Th>
              <Table.Td ta="end" data-testid="quote-price">
                {money(c.price)}
              </Table.Td>
              <Table.Td ta="end" data-testid="refundable-price">
                {money(c.refundablePrice)}
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row" fw="normal">
                {t("console.consultations.money.platformFee")}
              </Table.Th>
              <Table.Td ta="end">{money(c.platformFee)}</Table.Td>
              <Table.Td ta="end">{money(c.refundableFee)}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Th scope="row" fw="normal">
                {t("console.consultations.money.advisorShare")}
              </Table.Th>
              <Table.Td ta="end">{money(c.advisorShare)}</Table.Td>
              <Table.Td ta="end">{money(c.refundableShare)}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="xs" c="dimmed">
          <Trans
            t={t}
            i18nKey="console.consultations.money.hourly"
            components={{ amount: money(c.hourlyRate) }}
          />
          {c.quoteRules ? (
            <>
              {" · "}
              <Trans
                t={t}
                i18nKey="console.consultations.money.rules"
                values={{
                  pricing: c.quoteRules.pricing,
                  commission: c.quoteRules.commission,
                }}
                components={{ bdi: <bdi /> }}
              />
            </>
          ) : null}
          {" · "}
          {detail.refundable
            ? t("console.consultations.money.refundableNow")
            : t("console.consultations.money.notRefundableNow")}
        </Text>
        <Field
          label={
            <Trans
              t={t}
              i18nKey="console.consultations.money.policy"
              values={{ version: c.refundPolicy.version }}
              // The label is set in capitals; the version is an id and keeps its own case.
              components={{ bdi: <bdi style={{ textTransform: "none" }} /> }}
            />
          }
        >
          <Stack gap={4}>
            {c.refundPolicy.tiers.map((tier) => (
              <Stack key={tier.minHoursBefore} gap={0}>
                <Text size="xs">
                  {t("console.consultations.money.tier", {
                    hours: formatNumber(tier.minHoursBefore, locale),
                    percent: percent.format(tier.refundBps / 10_000),
                  })}
                </Text>
                {startsAt !== null && tier.minHoursBefore > 0 ? (
                  <Text size="xs" c="dimmed" component="div">
                    {t("console.consultations.money.tierDeadline")}
                    <Instant
                      value={new Date(startsAt - tier.minHoursBefore * HOUR_MS).toISOString()}
                      parties={partyZones(detail)}
                    />
                  </Text>
                ) : null}
              </Stack>
            ))}
          </Stack>
        </Field>
        {c.dispute ? (
          <Alert
            color="red"
            title={
              c.dispute.kind === "chargeback"
                ? t("console.consultations.money.chargeback")
                : t("console.consultations.money.clientDispute")
            }
          >
            <Trans
              t={t}
              i18nKey="console.consultations.money.inDispute"
              values={{ status: consultationStatusLabel(c.dispute.resumeStatus, t) }}
              components={{ amount: money(c.dispute.amount) }}
            />
          </Alert>
        ) : null}
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          {t("console.consultations.money.bookingUid")} <Code fz="xs">{c.bookingUid ?? "—"}</Code>
          {c.transferId ? (
            <>
              {" · "}
              {t("console.consultations.money.transfer")} <Code fz="xs">{c.transferId}</Code>
            </>
          ) : null}
        </Text>
      </Stack>
    </Card>
  );
}
