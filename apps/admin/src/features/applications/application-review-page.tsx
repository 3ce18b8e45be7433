import {
  Alert,
  Anchor,
  Avatar,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { Trans } from "react-i18next";
import { Link, useParams } from "react-router";
import { StatusBadge } from "../../components/status-badge";
import { AuditTrail } from "../../components/audit-trail";
import { Data, DateTime, Money, Num } from "../../components/formatted";
import { ConfirmModal, ReasonModal } from "../../components/reason-modal";
import { APPLICATION_STATUS_COLORS, applicationStatusLabel } from "./application-status";
import { fullName } from "../../lib/format";
import { notifySuccess } from "../../lib/notify";
import { useT } from "../../lib/i18n";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC } from "../../lib/trpc";
import { useInvalidate } from "../../lib/invalidate";
import { DetailStates } from "../../components/list-states";
import { uploadUrl } from "./uploads";

type Detail = RouterOutputs["applications"]["get"];
type Profile = Detail["application"]["profile"];
type Round = Detail["rounds"][number];

/**
 * The catalog key naming each profile field, in form order, to say what changed between
 * rounds; a full record so a new field can't go unnamed.
 */
const PROFILE_FIELD_KEYS: Record<keyof Profile, string> = {
  displayName: "console.applications.field.displayName",
  headline: "console.applications.field.headline",
  bio: "console.applications.field.bio",
  avatarPath: "console.applications.field.avatarPath",
  skillIds: "console.applications.field.skillIds",
  languages: "console.applications.field.languages",
  timeZone: "console.applications.field.timeZone",
  yearsExperience: "console.applications.field.yearsExperience",
  portfolioUrl: "console.applications.field.portfolioUrl",
  linkedinUrl: "console.applications.field.linkedinUrl",
  githubUrl: "console.applications.field.githubUrl",
  hourlyRate: "console.applications.field.hourlyRate",
  currency: "console.applications.field.currency",
  calcomEventType: "console.applications.field.calcomEventType",
  country: "console.advisorCountry.field",
};

/** The catalog keys of the fields that differ between two rounds' profiles. */
function changedFields(previous: Profile, current: Profile): string[] {
  return (Object.keys(PROFILE_FIELD_KEYS) as (keyof Profile)[])
    .filter((key) => JSON.stringify(previous[key] ?? null) !== JSON.stringify(current[key] ?? null))
    .map((key) => PROFILE_FIELD_KEYS[key]);
}

/** A list of words in the locale's own separators ("name, bio" / "name، bio"). */
function listOf(items: readonly string[], locale: ConsoleLocale): string {
  return new Intl.ListFormat(locale, { style: "short", type: "unit" }).format(items);
}

/** A country's name in the console's language ("Germany"), or its code when unnamed. */
function countryName(code: string, locale: ConsoleLocale): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region", fallback: "none" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/**
 * Where the applicant lives, and the Stripe account approving them leads to on this
 * platform: a normal one, a cross-border (recipient) one, or none yet.
 */
function CountryFields({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const t = useT();
  const { platformCountry, advisorCountry, plan } = detail.payoutAccount;
  const name = (code: string) =>
    t("console.advisorCountry.value", { name: countryName(code, locale), code });
  return (
    <>
      <Field label={t("console.advisorCountry.label")}>
        {advisorCountry ? (
          <Text size="sm" data-testid="applicant-country">
            {name(advisorCountry)}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            {t("console.advisorCountry.notGiven")}
          </Text>
        )}
      </Field>
      <Field label={t("console.advisorCountry.payoutAccount")}>
        <Text size="sm" c={plan ? undefined : "red"} data-testid="payout-account-plan">
          {plan
            ? t(`console.advisorCountry.${plan.serviceAgreement}`, { country: name(plan.country) })
            : t("console.advisorCountry.unsupported", {
                country: name(advisorCountry ?? platformCountry),
                platform: name(platformCountry),
              })}
        </Text>
        {advisorCountry ? null : (
          <Text size="xs" c="dimmed">
            {t("console.advisorCountry.assumed", { country: name(platformCountry) })}
          </Text>
        )}
      </Field>
    </>
  );
}

/** A language tag by its name in the viewer's language, with the tag ("French (fr)"). */
function languageName(tag: string, locale: ConsoleLocale, t: ReturnType<typeof useT>): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: "language" }).of(tag);
    return name && name !== tag ? t("console.applications.languageValue", { name, tag }) : tag;
  } catch {
    return tag;
  }
}

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

function Missing() {
  const t = useT();
  return (
    <Text size="sm" c="dimmed">
      {t("console.applications.notGiven")}
    </Text>
  );
}

function ExternalLink({ href }: { href: string | null | undefined }) {
  if (!href) return <Missing />;
  return (
    <Anchor
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      size="sm"
      style={{ overflowWrap: "anywhere" }}
    >
      <Data>{href}</Data>
    </Anchor>
  );
}

function CalcomEventType({ value }: { value: string | null | undefined }) {
  const t = useT();
  if (!value) return <Missing />;
  if (/^\d+$/.test(value)) {
    return <Text size="sm">{t("console.applications.eventTypeId", { id: value })}</Text>;
  }
  return <ExternalLink href={value} />;
}

/** Every field of the profile as the applicant submitted it. */
function ProfileCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const t = useT();
  const p = detail.application.profile;
  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-label={t("console.applications.profile")}
    >
      <Stack>
        <Group wrap="nowrap" align="flex-start">
          <Avatar
            src={p.avatarPath ? uploadUrl(p.avatarPath) : null}
            alt={
              p.avatarPath
                ? p.displayName
                  ? t("console.applications.avatarOf", { name: p.displayName })
                  : t("console.applications.avatarOfApplicant")
                : undefined
            }
            size={72}
            radius="xl"
            name={p.displayName}
            color="initials"
            dir="auto"
          />
          <Stack gap={4} style={{ minWidth: 0, overflowWrap: "anywhere" }}>
            <Title order={3}>
              {p.displayName ? <Data>{p.displayName}</Data> : t("console.applications.noName")}
            </Title>
            <Text>
              {p.headline ? <Data>{p.headline}</Data> : t("console.applications.noHeadline")}
            </Text>
            {p.avatarPath ? null : (
              <Text size="xs" c="dimmed">
                {t("console.applications.noAvatar")}
              </Text>
            )}
          </Stack>
        </Group>
        <Field label={t("console.applications.bio")}>
          {p.bio ? (
            <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
              <Data>{p.bio}</Data>
            </Text>
          ) : (
            <Missing />
          )}
        </Field>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Field label={t("console.applications.skills")}>
            {detail.skills.length > 0 ? (
              <Group gap={6} role="list" aria-label={t("console.applications.skills")}>
                {detail.skills.map((s) => (
                  <div key={s.id} role="listitem">
                    <StatusBadge color="indigo" label={<Data>{s.name}</Data>} />
                  </div>
                ))}
              </Group>
            ) : (
              <Missing />
            )}
          </Field>
          <Field label={t("console.applications.languages")}>
            {p.languages?.length ? (
              <Text size="sm">
                {listOf(
                  p.languages.map((l) => languageName(l, locale, t)),
                  locale,
                )}
              </Text>
            ) : (
              <Missing />
            )}
          </Field>
          <Field label={t("console.applications.timeZone")}>
            {p.timeZone ? (
              <Text size="sm">
                <Data>{p.timeZone}</Data>
              </Text>
            ) : (
              <Missing />
            )}
          </Field>
          <CountryFields detail={detail} locale={locale} />
          <Field label={t("console.applications.yearsExperience")}>
            {p.yearsExperience === undefined ? (
              <Missing />
            ) : (
              <Text size="sm">
                <Num value={p.yearsExperience} />
              </Text>
            )}
          </Field>
          <Field label={t("console.applications.hourlyRate")}>
            <Text size="sm" data-testid="hourly-rate">
              <Money amount={p.hourlyRate} currency={p.currency} />
            </Text>
          </Field>
          <Field label={t("console.applications.calcomEventType")}>
            <CalcomEventType value={p.calcomEventType} />
          </Field>
          <Field label={t("console.applications.portfolio")}>
            <ExternalLink href={p.portfolioUrl} />
          </Field>
          <Field label={t("console.applications.linkedin")}>
            <ExternalLink href={p.linkedinUrl} />
          </Field>
          <Field label={t("console.applications.github")}>
            <ExternalLink href={p.githubUrl} />
          </Field>
        </SimpleGrid>
      </Stack>
    </Card>
  );
}

function RoundsHistory({ rounds, locale }: { rounds: readonly Round[]; locale: ConsoleLocale }) {
  const t = useT();
  return (
    <Stack gap="xs">
      <Title order={4}>{t("console.applications.rounds")}</Title>
      {rounds.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.applications.notSubmitted")}
        </Text>
      ) : (
        <Table.ScrollContainer
          type="native"
          minWidth={760}
          tabIndex={0}
          role="region"
          aria-label={t("console.applications.rounds")}
        >
          <Table verticalSpacing={6} fz="sm" aria-label={t("console.applications.rounds")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.applications.round")}</Table.Th>
                <Table.Th>{t("console.applications.submitted")}</Table.Th>
                <Table.Th>{t("console.applications.changed")}</Table.Th>
                <Table.Th>{t("console.applications.decision")}</Table.Th>
                <Table.Th>{t("console.applications.notes")}</Table.Th>
                <Table.Th>{t("console.applications.decided")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rounds.map((round, index) => {
                const previous = rounds[index - 1];
                const changed = previous ? changedFields(previous.profile, round.profile) : null;
                return (
                  <Table.Tr key={round.round}>
                    <Table.Td>
                      <Num value={round.round} />
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      <DateTime value={round.submittedAt} />
                    </Table.Td>
                    <Table.Td>
                      {changed === null
                        ? t("console.applications.firstSubmission")
                        : changed.length > 0
                          ? listOf(
                              changed.map((key) => t(key)),
                              locale,
                            )
                          : t("console.applications.nothingChanged")}
                    </Table.Td>
                    <Table.Td>
                      {round.decision
                        ? applicationStatusLabel(t, round.decision)
                        : t("console.applications.waiting")}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
                      {round.notes ? <Data>{round.notes}</Data> : "—"}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {round.decidedAt ? (
                        <Trans
                          i18nKey="console.applications.decidedBy"
                          components={{
                            when: <DateTime value={round.decidedAt} />,
                            who: <Data>{round.decidedBy ?? "—"}</Data>,
                          }}
                        />
                      ) : (
                        "—"
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

type Dialog = "approve" | "reject" | "changes" | null;

/** Approve, reject (with a reason) or send back (with notes): each asks first. */
function Decision({ detail }: { detail: Detail }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const { application } = detail;
  const name = application.profile.displayName ?? detail.applicant?.email ?? application.userId;
  const nameData = <Data>{name}</Data>;

  const refresh = () =>
    invalidate(
      trpc.applications.get.queryKey({ id: application.id }),
      trpc.applications.listQueue.pathKey(),
      trpc.users.pathKey(),
      trpc.advisors.pathKey(),
      trpc.notifications.list.pathKey(),
    );
  const done = async (message: string) => {
    await refresh();
    setDialog(null);
    notifySuccess(message);
  };

  const approve = useMutation(
    trpc.applications.approve.mutationOptions({
      onSuccess: () => done(t("console.applications.approved", { name })),
    }),
  );
  const reject = useMutation(
    trpc.applications.reject.mutationOptions({
      onSuccess: () => done(t("console.applications.rejected", { name })),
    }),
  );
  const requestChanges = useMutation(
    trpc.applications.requestChanges.mutationOptions({
      onSuccess: () => done(t("console.applications.changesRequested", { name })),
    }),
  );
  const busy = approve.isPending || reject.isPending || requestChanges.isPending;

  if (application.status !== "submitted") {
    return (
      <Alert
        color={APPLICATION_STATUS_COLORS[application.status]}
        title={applicationStatusLabel(t, application.status)}
      >
        {application.status === "draft"
          ? t("console.applications.draftNote")
          : application.status === "changes_requested"
            ? t("console.applications.changesRequestedNote")
            : t("console.applications.decidedNote")}
        {application.decisionReason ? (
          <Text size="sm" mt="xs" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            <Data>{application.decisionReason}</Data>
          </Text>
        ) : null}
      </Alert>
    );
  }

  return (
    <>
      <Group wrap="wrap">
        <Button color="teal" onClick={() => setDialog("approve")} disabled={busy}>
          {t("console.applications.approve")}
        </Button>
        <Button variant="default" onClick={() => setDialog("changes")} disabled={busy}>
          {t("console.applications.requestChanges")}
        </Button>
        <Button color="red" variant="outline" onClick={() => setDialog("reject")} disabled={busy}>
          {t("console.applications.reject")}
        </Button>
      </Group>
      <ConfirmModal
        opened={dialog === "approve"}
        title={t("console.applications.approveTitle")}
        confirmLabel={t("console.applications.approveNamed", { name })}
        color="teal"
        pending={approve.isPending}
        onConfirm={() => approve.mutate({ id: application.id })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          <Trans i18nKey="console.applications.approveConfirm" components={{ name: nameData }} />
        </Text>
      </ConfirmModal>
      <ReasonModal
        opened={dialog === "reject"}
        title={t("console.applications.rejectTitle")}
        label={t("console.applications.reason")}
        description={t("console.applications.reasonHelp")}
        confirmLabel={t("console.applications.rejectTitle")}
        color="red"
        maxLength={2000}
        pending={reject.isPending}
        onConfirm={(reason) => reject.mutate({ id: application.id, reason })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          <Trans i18nKey="console.applications.rejectConfirm" components={{ name: nameData }} />
        </Text>
      </ReasonModal>
      <ReasonModal
        opened={dialog === "changes"}
        title={t("console.applications.requestChanges")}
        label={t("console.applications.notesForApplicant")}
        description={t("console.applications.notesHelp")}
        confirmLabel={t("console.applications.sendBack")}
        maxLength={4000}
        pending={requestChanges.isPending}
        onConfirm={(notes) => requestChanges.mutate({ id: application.id, notes })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          <Trans i18nKey="console.applications.sendBackConfirm" components={{ name: nameData }} />
        </Text>
      </ReasonModal>
    </>
  );
}

/** One application, with everything needed to decide on it. */
export function ApplicationReviewPage() {
  const t = useT();
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const detail = useQuery(trpc.applications.get.queryOptions({ id }));

  if (detail.isPending || detail.isError) {
    return (
      <DetailStates
        query={detail}
        noun={t("console.applications.singular")}
        back={{ to: "/applications", label: t("console.applications.title") }}
      />
    );
  }

  const { application, applicant } = detail.data;
  return (
    <Stack gap="lg" maw={1100}>
      <Anchor component={Link} to="/applications" size="sm">
        {t("console.applications.backToList")}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} style={{ minWidth: 0 }}>
          <Group gap="sm" wrap="wrap">
            <Title order={2}>{t("console.applications.reviewTitle")}</Title>
            <StatusBadge
              label={applicationStatusLabel(t, application.status)}
              color={APPLICATION_STATUS_COLORS[application.status]}
              size="lg"
              data={{ "data-testid": "application-status" }}
            />
          </Group>
          <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
            {applicant ? (
              <>
                <Data>{fullName(applicant)}</Data> · <Data>{applicant.email ?? applicant.id}</Data>
              </>
            ) : (
              "—"
            )}{" "}
            ·{" "}
            <Trans
              i18nKey="console.applications.roundSubmitted"
              components={{
                round: <Num value={application.round} />,
                submitted: <DateTime value={application.submittedAt} />,
              }}
            />
          </Text>
        </Stack>
        <Decision detail={detail.data} />
      </Group>
      <ProfileCard detail={detail.data} locale={locale} />
      <RoundsHistory rounds={detail.data.rounds} locale={locale} />
      <AuditTrail audit={detail.data.audit} />
    </Stack>
  );
}
