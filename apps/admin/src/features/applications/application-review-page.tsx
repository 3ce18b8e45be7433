import {
  Alert,
  Anchor,
  Avatar,
  Badge,
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
import { Link, useParams } from "react-router";
import { StatusBadge } from "../../components/status-badge";
import { AuditTrail } from "../../components/audit-trail";
import { ConfirmModal, ReasonModal } from "../../components/reason-modal";
import { APPLICATION_STATUS_DISPLAY } from "./application-status";
import { formatDateTime, formatMoney, fullName } from "../../lib/format";
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
 * Profile fields by label, in form order, to name what changed between rounds (the country,
 * newer, is labelled from the catalog).
 */
const PROFILE_FIELD_LABELS: Record<Exclude<keyof Profile, "country">, string> = {
  displayName: "name",
  headline: "headline",
  bio: "bio",
  avatarPath: "avatar",
  skillIds: "skills",
  languages: "languages",
  timeZone: "time zone",
  yearsExperience: "years",
  portfolioUrl: "portfolio",
  linkedinUrl: "LinkedIn",
  githubUrl: "GitHub",
  hourlyRate: "rate",
  currency: "currency",
  calcomEventType: "Cal.com event type",
};

function changedFields(previous: Profile, current: Profile, countryLabel: string): string[] {
  const labels: Record<keyof Profile, string> = { ...PROFILE_FIELD_LABELS, country: countryLabel };
  return (Object.keys(labels) as (keyof Profile)[])
    .filter((key) => JSON.stringify(previous[key] ?? null) !== JSON.stringify(current[key] ?? null))
    .map((key) => labels[key]);
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

function languageName(tag: string, locale: ConsoleLocale): string {
  try {
    const name = new Intl.DisplayNames([locale], { type: "language" }).of(tag);
    return name && name !== tag ? `${name} (${tag})` : tag;
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
  return (
    <Text size="sm" c="dimmed">
      Not given
    </Text>
  );
}

function ExternalLink({ href }: { href: string | null | undefined }) {
  if (!href) return <Missing />;
  return (
    <Anchor href={href} target="_blank" rel="noopener noreferrer" size="sm">
      {href}
    </Anchor>
  );
}

function CalcomEventType({ value }: { value: string | null | undefined }) {
  if (!value) return <Missing />;
  if (/^\d+$/.test(value)) return <Text size="sm">Event type id {value}</Text>;
  return <ExternalLink href={value} />;
}

/** Every field of the profile as the applicant submitted it. */
function ProfileCard({ detail, locale }: { detail: Detail; locale: ConsoleLocale }) {
  const p = detail.application.profile;
  return (
    <Card withBorder padding="lg" component="section" aria-label="Profile">
      <Stack>
        <Group wrap="nowrap" align="flex-start">
          <Avatar
            src={p.avatarPath ? uploadUrl(p.avatarPath) : null}
            alt={p.avatarPath ? `Avatar of ${p.displayName ?? "the applicant"}` : undefined}
            size={72}
            radius="xl"
            name={p.displayName}
            color="initials"
          />
          <Stack gap={4}>
            <Title order={3}>{p.displayName ?? "No display name"}</Title>
            <Text>{p.headline ?? "No headline"}</Text>
            {p.avatarPath ? null : (
              <Text size="xs" c="dimmed">
                No avatar uploaded
              </Text>
            )}
          </Stack>
        </Group>
        <Field label="Bio">
          {p.bio ? (
            <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
              {p.bio}
            </Text>
          ) : (
            <Missing />
          )}
        </Field>
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
          <Field label="Skills">
            {detail.skills.length > 0 ? (
              <Group gap={6} role="list" aria-label="Skills">
                {detail.skills.map((s) => (
                  <Badge key={s.id} variant="light" role="listitem">
                    {s.name}
                  </Badge>
                ))}
              </Group>
            ) : (
              <Missing />
            )}
          </Field>
          <Field label="Languages">
            {p.languages?.length ? (
              <Text size="sm">{p.languages.map((l) => languageName(l, locale)).join(", ")}</Text>
            ) : (
              <Missing />
            )}
          </Field>
          <Field label="Time zone">
            {p.timeZone ? <Text size="sm">{p.timeZone}</Text> : <Missing />}
          </Field>
          <CountryFields detail={detail} locale={locale} />
          <Field label="Years of experience">
            {p.yearsExperience === undefined ? (
              <Missing />
            ) : (
              <Text size="sm">{p.yearsExperience}</Text>
            )}
          </Field>
          <Field label="Hourly rate">
            <Text size="sm" data-testid="hourly-rate">
              {formatMoney(p.hourlyRate, p.currency, locale)}
            </Text>
          </Field>
          <Field label="Cal.com event type">
            <CalcomEventType value={p.calcomEventType} />
          </Field>
          <Field label="Portfolio">
            <ExternalLink href={p.portfolioUrl} />
          </Field>
          <Field label="LinkedIn">
            <ExternalLink href={p.linkedinUrl} />
          </Field>
          <Field label="GitHub">
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
      <Title order={4}>Rounds</Title>
      {rounds.length === 0 ? (
        <Text size="sm" c="dimmed">
          Not submitted yet.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing={6} fz="sm" aria-label="Rounds">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Round</Table.Th>
                <Table.Th>Submitted</Table.Th>
                <Table.Th>Changed since the round before</Table.Th>
                <Table.Th>Decision</Table.Th>
                <Table.Th>Notes or reason</Table.Th>
                <Table.Th>Decided</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rounds.map((round, index) => {
                const previous = rounds[index - 1];
                const changed = previous
                  ? changedFields(
                      previous.profile,
                      round.profile,
                      t("console.advisorCountry.field"),
                    )
                  : null;
                return (
                  <Table.Tr key={round.round}>
                    <Table.Td>{round.round}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {formatDateTime(round.submittedAt, locale)}
                    </Table.Td>
                    <Table.Td>
                      {changed === null
                        ? "First submission"
                        : changed.length > 0
                          ? changed.join(", ")
                          : "Nothing"}
                    </Table.Td>
                    <Table.Td>
                      {round.decision
                        ? APPLICATION_STATUS_DISPLAY[round.decision].label
                        : "Waiting"}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: "pre-wrap" }}>{round.notes ?? "—"}</Table.Td>
                    <Table.Td style={{ whiteSpace: "nowrap" }}>
                      {round.decidedAt
                        ? `${formatDateTime(round.decidedAt, locale)} by ${round.decidedBy ?? "—"}`
                        : "—"}
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
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const [dialog, setDialog] = useState<Dialog>(null);
  const { application } = detail;
  const name = application.profile.displayName ?? detail.applicant?.email ?? application.userId;

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
      onSuccess: () => done(`Approved ${name}. They are now an advisor.`),
    }),
  );
  const reject = useMutation(
    trpc.applications.reject.mutationOptions({
      onSuccess: () => done(`Rejected the application of ${name}. They were sent the reason.`),
    }),
  );
  const requestChanges = useMutation(
    trpc.applications.requestChanges.mutationOptions({
      onSuccess: () => done(`Sent the application back to ${name} with your notes.`),
    }),
  );
  const busy = approve.isPending || reject.isPending || requestChanges.isPending;

  if (application.status !== "submitted") {
    return (
      <Alert
        color={APPLICATION_STATUS_DISPLAY[application.status].color}
        title={APPLICATION_STATUS_DISPLAY[application.status].label}
      >
        {application.status === "draft"
          ? "The applicant hasn't submitted this application yet."
          : application.status === "changes_requested"
            ? "Waiting for the applicant to edit and resubmit."
            : "This application has been decided."}
        {application.decisionReason ? (
          <Text size="sm" mt="xs" style={{ whiteSpace: "pre-wrap" }}>
            {application.decisionReason}
          </Text>
        ) : null}
      </Alert>
    );
  }

  return (
    <>
      <Group>
        <Button color="teal" onClick={() => setDialog("approve")} disabled={busy}>
          Approve
        </Button>
        <Button variant="default" onClick={() => setDialog("changes")} disabled={busy}>
          Request changes
        </Button>
        <Button color="red" variant="light" onClick={() => setDialog("reject")} disabled={busy}>
          Reject
        </Button>
      </Group>
      <ConfirmModal
        opened={dialog === "approve"}
        title="Approve application"
        confirmLabel={`Approve ${name}`}
        color="teal"
        pending={approve.isPending}
        onConfirm={() => approve.mutate({ id: application.id })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          Approve {name}? They get the advisor role and a public advisor profile with what they
          applied with, and are told by email.
        </Text>
      </ConfirmModal>
      <ReasonModal
        opened={dialog === "reject"}
        title="Reject application"
        label="Reason"
        description="Sent to the applicant and kept with this round."
        confirmLabel="Reject application"
        color="red"
        maxLength={2000}
        pending={reject.isPending}
        onConfirm={(reason) => reject.mutate({ id: application.id, reason })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          Rejecting is final for this application; {name} may apply again later.
        </Text>
      </ReasonModal>
      <ReasonModal
        opened={dialog === "changes"}
        title="Request changes"
        label="Notes for the applicant"
        description="What to change. Sent to the applicant; they edit and submit again."
        confirmLabel="Send back for changes"
        maxLength={4000}
        pending={requestChanges.isPending}
        onConfirm={(notes) => requestChanges.mutate({ id: application.id, notes })}
        onClose={() => setDialog(null)}
      >
        <Text size="sm">The application goes back to {name}, who can edit and resubmit it.</Text>
      </ReasonModal>
    </>
  );
}

/** One application, with everything needed to decide on it. */
export function ApplicationReviewPage() {
  const { id = "" } = useParams();
  const trpc = useTRPC();
  const locale = useLocale();
  const detail = useQuery(trpc.applications.get.queryOptions({ id }));

  if (detail.isPending || detail.isError) {
    return (
      <DetailStates
        query={detail}
        noun="application"
        back={{ to: "/applications", label: "Applications" }}
      />
    );
  }

  const { application, applicant } = detail.data;
  const display = APPLICATION_STATUS_DISPLAY[application.status];
  return (
    <Stack gap="lg" maw={1100}>
      <Anchor component={Link} to="/applications" size="sm">
        ← Applications
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={2}>Application review</Title>
            <StatusBadge
              label={display.label}
              color={display.color}
              size="lg"
              data={{ "data-testid": "application-status" }}
            />
          </Group>
          <Text size="sm" c="dimmed">
            {applicant ? `${fullName(applicant)} · ${applicant.email ?? applicant.id}` : "—"} ·
            round {application.round} · submitted {formatDateTime(application.submittedAt, locale)}
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
