import {
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  SimpleGrid,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ChatPane } from "./chat-pane";
import { ErrorNote } from "./error-note";
import { PassPanel } from "./pass-panel";
import { Sentence } from "./sentence";
import {
  type DemoSession,
  POLL_MS,
  sandboxQueryClient,
  useSandboxLiveApi,
  type SandboxApi,
} from "./sandbox-api";
import { Data } from "../../components/formatted";
import { formatDateTime, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";

/** Invitation lengths the sandbox offers, in days (the API takes 1 hour to 180 days). */
const EXPIRY_DAYS = [7, 30, 90] as const;
const DAY_MS = 86_400_000;

/** A comma-separated list as its trimmed, non-empty items. */
const items = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** The client's half of the project chat: their project, its invitations, chat and passes. */
export function ClientChatSide({ session }: { session: DemoSession }) {
  const t = useT();
  const api = useSandboxLiveApi(session.token, sandboxQueryClient);
  const projects = useQuery(api.projects.listMine.queryOptions({ limit: 50 }), sandboxQueryClient);
  const [picked, setPicked] = useState<string | null>(null);
  const list = projects.data?.items ?? [];
  const project = list.find((p) => p.id === picked) ?? list[0];

  return (
    <Stack gap="md" data-testid="sandbox-client-chat">
      <Stack gap="xs">
        <Title order={5}>{t("console.sandbox.chat.project")}</Title>
        {projects.isPending ? (
          <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />
        ) : list.length > 0 ? (
          <NativeSelect
            label={t("console.sandbox.chat.project")}
            value={project?.id ?? ""}
            data={list.map((p) => ({ value: p.id, label: p.name }))}
            onChange={(event) => setPicked(event.currentTarget.value)}
          />
        ) : (
          <Text size="sm" c="dimmed">
            {t("console.sandbox.chat.noProject")}
          </Text>
        )}
        <ErrorNote error={projects.error} title={t("console.sandbox.chat.loadFailed")} />
        <CreateProject
          api={api}
          onCreated={(id) => {
            setPicked(id);
            void projects.refetch();
          }}
        />
      </Stack>
      {project ? (
        <ProjectWork
          key={project.id}
          api={api}
          session={session}
          projectId={project.id}
          conversationId={project.conversationId}
        />
      ) : null}
    </Stack>
  );
}

function CreateProject({ api, onCreated }: { api: SandboxApi; onCreated: (id: string) => void }) {
  const t = useT();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [skills, setSkills] = useState("");
  const [languages, setLanguages] = useState("");
  const create = useMutation(
    api.projects.create.mutationOptions({
      onSuccess: (project) => {
        notifySuccess(t("console.sandbox.chat.projectCreated", { name: project.name }));
        setName("");
        setDescription("");
        setSkills("");
        setLanguages("");
        onCreated(project.id);
      },
    }),
    sandboxQueryClient,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({
      name,
      description: description.trim() || undefined,
      skills: items(skills).length > 0 ? items(skills) : undefined,
      languages: items(languages).length > 0 ? items(languages) : undefined,
    });
  };
  return (
    <form onSubmit={submit} aria-label={t("console.sandbox.chat.newProject")}>
      <Stack gap={6}>
        <Text size="sm" fw={500}>
          {t("console.sandbox.chat.newProject")}
        </Text>
        <TextInput
          label={t("console.sandbox.chat.projectName")}
          required
          maxLength={120}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
        />
        <Textarea
          label={t("console.sandbox.chat.projectDescription")}
          autosize
          minRows={1}
          maxLength={4000}
          value={description}
          onChange={(event) => setDescription(event.currentTarget.value)}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
          <TextInput
            label={t("console.sandbox.chat.projectSkills")}
            value={skills}
            onChange={(event) => setSkills(event.currentTarget.value)}
          />
          <TextInput
            label={t("console.sandbox.chat.projectLanguages")}
            value={languages}
            onChange={(event) => setLanguages(event.currentTarget.value)}
          />
        </SimpleGrid>
        <Group>
          <Button type="submit" size="xs" loading={create.isPending} disabled={!name.trim()}>
            {t("console.sandbox.chat.createProject")}
          </Button>
        </Group>
        <ErrorNote error={create.error} title={t("console.sandbox.chat.createFailed")} />
      </Stack>
    </form>
  );
}

/** One project's invitations, conversation and passes, as its owner. */
function ProjectWork({
  api,
  session,
  projectId,
  conversationId,
}: {
  api: SandboxApi;
  session: DemoSession;
  projectId: string;
  /** Null only for a project made before conversations existed. */
  conversationId: string | null;
}) {
  const t = useT();
  const locale = useLocale();
  const invitations = useQuery(
    api.invitations.listForProject.queryOptions({ projectId }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const accepted = (invitations.data?.items ?? []).filter((i) => i.status === "accepted");
  return (
    <Stack gap="md">
      <Stack gap="xs">
        <Title order={5}>{t("console.sandbox.chat.invite")}</Title>
        <InviteAdvisor api={api} projectId={projectId} onInvited={() => invitations.refetch()} />
        {(invitations.data?.items ?? []).map((i) => (
          <Group
            key={i.id}
            gap="xs"
            wrap="wrap"
            data-testid="sandbox-chat-invitation"
            data-status={i.status}
          >
            <Text size="sm">
              <Data>{i.advisor.displayName}</Data>
            </Text>
            <Badge size="sm" variant="light" color={i.status === "accepted" ? "teal" : "gray"}>
              {t(`console.sandbox.chat.invitationStatus.${i.status}`)}
            </Badge>
            <Text size="xs" c="dimmed">
              <Sentence
                k="console.sandbox.chat.until"
                values={{ date: formatDateTime(i.expiresAt, locale) }}
              />
            </Text>
          </Group>
        ))}
        <ErrorNote error={invitations.error} title={t("console.sandbox.chat.loadFailed")} />
      </Stack>
      {conversationId ? (
        <ChatPane
          api={api}
          queryClient={sandboxQueryClient}
          conversationId={conversationId}
          me={session.userId}
          testId="sandbox-client-conversation"
        />
      ) : null}
      <PassPanel
        api={api}
        projectId={projectId}
        advisors={accepted.map((i) => ({ id: i.advisor.id, name: i.advisor.displayName }))}
      />
    </Stack>
  );
}

function InviteAdvisor({
  api,
  projectId,
  onInvited,
}: {
  api: SandboxApi;
  projectId: string;
  onInvited: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const advisors = useQuery(api.discovery.search.queryOptions({ limit: 50 }), sandboxQueryClient);
  const [advisorId, setAdvisorId] = useState("");
  const [seesHistory, setSeesHistory] = useState(true);
  const [canPost, setCanPost] = useState(true);
  const [days, setDays] = useState<(typeof EXPIRY_DAYS)[number]>(30);
  const found = advisors.data?.items ?? [];
  const advisor = found.find((a) => a.userId === advisorId) ?? found[0];
  const invite = useMutation(
    api.invitations.create.mutationOptions({ onSuccess: onInvited }),
    sandboxQueryClient,
  );
  if (advisors.isPending)
    return <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />;
  return (
    <Stack gap={6}>
      {found.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t("console.sandbox.chat.noAdvisors")}
        </Text>
      ) : (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
            <NativeSelect
              label={t("console.sandbox.chat.advisorToInvite")}
              value={advisor?.userId ?? ""}
              data={found.map((a) => ({ value: a.userId, label: a.displayName }))}
              onChange={(event) => setAdvisorId(event.currentTarget.value)}
            />
            <NativeSelect
              label={t("console.sandbox.chat.expiresIn")}
              value={String(days)}
              data={EXPIRY_DAYS.map((d) => ({
                value: String(d),
                label: t("console.sandbox.chat.days", { n: formatNumber(d, locale) }),
              }))}
              onChange={(event) => {
                const next = EXPIRY_DAYS.find((d) => String(d) === event.currentTarget.value);
                if (next) setDays(next);
              }}
            />
          </SimpleGrid>
          <Group gap="md" wrap="wrap">
            <Checkbox
              label={t("console.sandbox.chat.seesHistory")}
              checked={seesHistory}
              onChange={(event) => setSeesHistory(event.currentTarget.checked)}
            />
            <Checkbox
              label={t("console.sandbox.chat.canPost")}
              checked={canPost}
              onChange={(event) => setCanPost(event.currentTarget.checked)}
            />
          </Group>
          <Group>
            <Button
              size="xs"
              loading={invite.isPending}
              disabled={!advisor}
              onClick={() => {
                if (!advisor) return;
                invite.mutate({
                  projectId,
                  advisorId: advisor.userId,
                  seesHistory,
                  canPost,
                  expiresAt: new Date(Date.now() + days * DAY_MS).toISOString(),
                });
              }}
            >
              {t("console.sandbox.chat.sendInvitation")}
            </Button>
          </Group>
        </>
      )}
      <ErrorNote
        error={advisors.error ?? invite.error}
        title={t("console.sandbox.chat.inviteFailed")}
      />
    </Stack>
  );
}
