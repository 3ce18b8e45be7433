import {
  Anchor,
  Button,
  Card,
  Code,
  Group,
  SimpleGrid,
  Stack,
  Text,
  Title,
  useDirection,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { Data, DateTime } from "../../components/formatted";
import { DetailStates } from "../../components/list-states";
import { ReasonModal } from "../../components/reason-modal";
import { userLabel } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { ProjectEngagements } from "./project-engagements";
import { type Invitation, ProjectInvitations } from "./project-invitations";
import { ProjectStatusBadge } from "./project-status-badge";

/** The API's longest revocation reason. */
const MAX_REVOKE_REASON = 500;

/** A label and its value in a details card. */
function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: "anywhere" }}>
        {children}
      </Text>
    </Stack>
  );
}

/**
 * One project for admins: what it is and needs, its owner, the advisors invited into its
 * chat (revocable while the rules allow), the passes paying for advice there with their chat
 * activity, and the way to its conversation.
 */
export function ProjectPage() {
  const { id = "" } = useParams();
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const project = useQuery(trpc.projects.get.queryOptions({ projectId: id }));
  const ownerId = project.data?.ownerId;
  const owner = useQuery(
    trpc.users.get.queryOptions({ userId: ownerId ?? "" }, { enabled: Boolean(ownerId) }),
  );
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const revoke = useMutation(
    trpc.invitations.revoke.mutationOptions({
      onSuccess: async (invitation) => {
        await invalidate(trpc.invitations.listForProject.queryKey({ projectId: id }));
        setRevoking(null);
        notifySuccess(t("console.projects.revoked", { advisor: invitation.advisor.displayName }));
      },
    }),
  );

  const { dir } = useDirection();
  const back = { to: "/projects", label: t("console.nav.projects") };
  if (project.isPending || project.isError) {
    return <DetailStates query={project} noun={t("console.projects.singular")} back={back} />;
  }
  const p = project.data;
  return (
    <Stack gap="lg" maw={1200}>
      <Anchor component={Link} to={back.to} size="sm">
        <span
          aria-hidden
          style={{ display: "inline-block", transform: dir === "rtl" ? "scaleX(-1)" : undefined }}
        >
          ←
        </span>{" "}
        {back.label}
      </Anchor>
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4} miw={0}>
          <Group gap="sm" wrap="wrap">
            <Title order={2} style={{ overflowWrap: "anywhere" }}>
              <Data>{p.name}</Data>
            </Title>
            <ProjectStatusBadge archivedAt={p.archivedAt} />
          </Group>
          <Code fz="xs" style={{ overflowWrap: "anywhere" }}>
            {p.id}
          </Code>
        </Stack>
        {p.conversationId ? (
          <Button component={Link} to={`/conversations/${p.conversationId}`} variant="light">
            {t("console.projects.openConversation")}
          </Button>
        ) : null}
      </Group>

      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Card withBorder padding="md" component="section" aria-label={t("console.projects.about")}>
          <Stack gap="sm">
            <Title order={4}>{t("console.projects.about")}</Title>
            <Fact label={t("console.projects.description")}>
              <Text size="sm" dir="auto" style={{ whiteSpace: "pre-wrap" }}>
                {p.description || "—"}
              </Text>
            </Fact>
            <Fact label={t("console.projects.externalRef")}>
              <Data>{p.externalRef ?? "—"}</Data>
            </Fact>
            <Fact label={t("console.projects.skills")}>
              <Data>{p.skills.map((s) => s.name).join(", ") || "—"}</Data>
            </Fact>
            <Fact label={t("console.projects.languages")}>
              <Data>{p.languages.join(", ") || "—"}</Data>
            </Fact>
          </Stack>
        </Card>
        <Card withBorder padding="md" component="section" aria-label={t("console.projects.owner")}>
          <Stack gap="sm">
            <Title order={4}>{t("console.projects.owner")}</Title>
            <Fact label={t("console.projects.ownerName")}>
              <Data>{owner.data ? userLabel(owner.data.user) : "…"}</Data>
            </Fact>
            <Fact label={t("console.projects.ownerEmail")}>
              <Data>{owner.data?.user.email ?? p.ownerId}</Data>
            </Fact>
            <Fact label={t("console.projects.created")}>
              <DateTime value={p.createdAt} />
            </Fact>
            <Fact label={t("console.projects.archivedAt")}>
              <DateTime value={p.archivedAt} />
            </Fact>
          </Stack>
        </Card>
      </SimpleGrid>

      <ProjectInvitations projectId={p.id} onRevoke={setRevoking} />
      <ProjectEngagements projectId={p.id} locale={locale} />

      <ReasonModal
        opened={revoking !== null}
        title={t("console.projects.revokeTitle")}
        label={t("console.projects.revokeReason")}
        confirmLabel={t("console.projects.revoke")}
        color="red"
        maxLength={MAX_REVOKE_REASON}
        pending={revoke.isPending}
        onConfirm={(reason) => revoking && revoke.mutate({ invitationId: revoking.id, reason })}
        onClose={() => setRevoking(null)}
      >
        <Text size="sm">
          {t("console.projects.revokeHint", { advisor: revoking?.advisor.displayName ?? "" })}
        </Text>
      </ReasonModal>
    </Stack>
  );
}
