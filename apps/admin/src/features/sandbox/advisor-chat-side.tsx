import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ChatPane } from "./chat-pane";
import { ErrorNote } from "./error-note";
import {
  ADVISOR_SESSION_KEY,
  type DemoSession,
  loadSession,
  POLL_MS,
  type SandboxApi,
  sandboxAdvisorQueryClient,
  saveSession,
  useSandboxApi,
  useSandboxLiveApi,
} from "./sandbox-api";
import { Sentence } from "./sentence";
import { MoneyInput } from "../../components/money-input";
import { formatDateTime, formatMoney, fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { describeError, useTRPC } from "../../lib/trpc";

/**
 * The advisor's half of the project chat: a second demo user (an advisor), signed in with
 * their own token kept in this tab under a key of its own, with a cache of its own.
 */
export function AdvisorChatSide() {
  const [session, setSession] = useState<DemoSession | null>(() =>
    loadSession(ADVISOR_SESSION_KEY),
  );
  const change = (next: DemoSession | null) => {
    saveSession(next, ADVISOR_SESSION_KEY);
    setSession(next);
    sandboxAdvisorQueryClient.clear();
  };
  return (
    <Stack gap="md" data-testid="sandbox-advisor-chat">
      <PickAdvisor session={session} onSession={change} />
      {session ? <AdvisorWork key={session.token} session={session} /> : null}
    </Stack>
  );
}

function PickAdvisor({
  session,
  onSession,
}: {
  session: DemoSession | null;
  onSession: (session: DemoSession | null) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const anonymous = useSandboxApi(null, sandboxAdvisorQueryClient);
  const users = useQuery(trpc.sandbox.listUsers.queryOptions());
  const advisors = (users.data ?? []).filter((u) => u.roles.includes("advisor"));
  const [email, setEmail] = useState("");
  const picked = advisors.find((u) => u.email === email) ?? advisors[0];
  const signIn = useMutation(
    anonymous.sandbox.signIn.mutationOptions({
      onSuccess: (result) =>
        onSession({
          token: result.token,
          email: result.user.email ?? email,
          name: fullName({
            firstName: result.user.firstName,
            lastName: picked?.lastName ?? null,
          }),
          userId: result.user.id,
        }),
    }),
    sandboxAdvisorQueryClient,
  );
  if (users.isPending) return <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />;
  if (users.isError) {
    return (
      <Alert color="red" title={t("console.sandbox.chat.signInFailed")}>
        {describeError(users.error).message}
      </Alert>
    );
  }
  return (
    <Stack gap={6}>
      {session ? (
        <Group justify="space-between" wrap="wrap">
          <Text
            size="sm"
            data-testid="sandbox-advisor-acting-as"
            style={{ overflowWrap: "anywhere" }}
          >
            <Sentence
              k="console.sandbox.chat.actingAs"
              values={{ name: session.name, email: session.email }}
            />
          </Text>
          <Button variant="default" size="xs" onClick={() => onSession(null)}>
            {t("console.sandbox.chat.switchAdvisor")}
          </Button>
        </Group>
      ) : (
        <Group align="flex-end" wrap="wrap">
          <NativeSelect
            label={t("console.sandbox.chat.demoAdvisor")}
            maw="100%"
            value={picked?.email ?? ""}
            data={advisors.map((u) => ({ value: u.email, label: `${fullName(u)} (${u.email})` }))}
            onChange={(event) => setEmail(event.currentTarget.value)}
          />
          <Button
            loading={signIn.isPending}
            disabled={!picked}
            onClick={() => {
              if (picked) signIn.mutate({ email: picked.email });
            }}
          >
            {t("console.sandbox.chat.actAsAdvisor")}
          </Button>
        </Group>
      )}
      <ErrorNote error={signIn.error} title={t("console.sandbox.chat.signInFailed")} />
    </Stack>
  );
}

function AdvisorWork({ session }: { session: DemoSession }) {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const api = useSandboxLiveApi(session.token, sandboxAdvisorQueryClient);
  const invitations = useQuery(
    api.invitations.listMine.queryOptions({}, { refetchInterval: POLL_MS }),
    sandboxAdvisorQueryClient,
  );
  const answer = {
    onSuccess: () => void invitations.refetch(),
  };
  const accept = useMutation(
    api.invitations.accept.mutationOptions(answer),
    sandboxAdvisorQueryClient,
  );
  const decline = useMutation(
    api.invitations.decline.mutationOptions(answer),
    sandboxAdvisorQueryClient,
  );
  const items = invitations.data?.items ?? [];
  // Only live invitations lead to a conversation; the newest is followed until another is picked.
  const live = items.filter((i) => i.status === "pending" || i.status === "accepted");
  const [picked, setPicked] = useState<string | null>(null);
  const current = live.find((i) => i.id === picked) ?? live[0];
  // The advisor's own views don't name the conversation before they may open it; the
  // sandbox finds it as the admin it runs as, so the pane can show the API's refusal.
  const project = useQuery(
    trpc.projects.get.queryOptions(current ? { projectId: current.project.id } : skipToken),
  );

  return (
    <Stack gap="md">
      <AsyncRate api={api} />
      <Stack gap="xs">
        <Title order={5}>{t("console.sandbox.chat.myInvitations")}</Title>
        {invitations.isPending ? (
          <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.sandbox.chat.noInvitation")}
          </Text>
        ) : (
          items.map((i) => (
            <Stack
              key={i.id}
              gap={2}
              data-testid="sandbox-advisor-invitation"
              data-status={i.status}
            >
              <Group gap="xs" wrap="wrap">
                <Text size="sm">
                  <Sentence
                    k="console.sandbox.chat.invitedBy"
                    values={{ client: i.client.firstName ?? "—", project: i.project.name }}
                  />
                </Text>
                <Badge size="sm" variant="light" color={i.status === "accepted" ? "teal" : "gray"}>
                  {t(`console.sandbox.chat.invitationStatus.${i.status}`)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {i.seesHistory
                  ? t("console.sandbox.chat.scopeHistory")
                  : t("console.sandbox.chat.scopeNoHistory")}
                {" · "}
                {i.canPost
                  ? t("console.sandbox.chat.scopePost")
                  : t("console.sandbox.chat.scopeReadOnly")}
                {" · "}
                <Sentence
                  k="console.sandbox.chat.until"
                  values={{ date: formatDateTime(i.expiresAt, locale) }}
                />
              </Text>
              {i.actions.accept || i.actions.decline ? (
                <Group gap="xs" wrap="wrap">
                  {i.actions.accept ? (
                    <Button
                      size="compact-xs"
                      loading={accept.isPending}
                      onClick={() => accept.mutate({ invitationId: i.id })}
                    >
                      {t("console.sandbox.chat.accept")}
                    </Button>
                  ) : null}
                  {i.actions.decline ? (
                    <Button
                      size="compact-xs"
                      variant="default"
                      loading={decline.isPending}
                      onClick={() => decline.mutate({ invitationId: i.id })}
                    >
                      {t("console.sandbox.chat.decline")}
                    </Button>
                  ) : null}
                </Group>
              ) : null}
            </Stack>
          ))
        )}
        <ErrorNote
          error={accept.error ?? decline.error}
          title={t("console.sandbox.chat.answerFailed")}
        />
        <ErrorNote error={invitations.error} title={t("console.sandbox.chat.loadFailed")} />
      </Stack>
      {live.length > 1 ? (
        <NativeSelect
          label={t("console.sandbox.chat.project")}
          value={current?.id ?? ""}
          data={live.map((i) => ({ value: i.id, label: i.project.name }))}
          onChange={(event) => setPicked(event.currentTarget.value)}
        />
      ) : null}
      {project.data?.conversationId ? (
        <ChatPane
          key={project.data.conversationId}
          api={api}
          queryClient={sandboxAdvisorQueryClient}
          conversationId={project.data.conversationId}
          me={session.userId}
          testId="sandbox-advisor-conversation"
        />
      ) : null}
      <ErrorNote error={project.error} title={t("console.sandbox.chat.loadFailed")} />
    </Stack>
  );
}

/** The advisor's day rate for async advice (passes can't be bought without one). */
function AsyncRate({ api }: { api: SandboxApi }) {
  const t = useT();
  const locale = useLocale();
  const me = useQuery(api.advisors.getMe.queryOptions(), sandboxAdvisorQueryClient);
  const [amount, setAmount] = useState<number | null>(null);
  const save = useMutation(
    api.advisors.setAsyncRate.mutationOptions({
      onSuccess: () => {
        notifySuccess(t("console.sandbox.chat.rateSaved"));
        void me.refetch();
      },
    }),
    sandboxAdvisorQueryClient,
  );
  if (me.isPending) return <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />;
  if (me.isError)
    return <ErrorNote error={me.error} title={t("console.sandbox.chat.loadFailed")} />;
  const profile = me.data;
  return (
    <Stack gap={6}>
      <Text size="sm" data-testid="sandbox-async-rate" data-rate={profile.asyncDayRate ?? ""}>
        {profile.asyncDayRate === null ? (
          t("console.sandbox.chat.noRate")
        ) : (
          <Sentence
            k="console.sandbox.chat.rate"
            values={{ amount: formatMoney(profile.asyncDayRate, profile.currency, locale) }}
          />
        )}
      </Text>
      <Group align="flex-end" gap="xs" wrap="wrap">
        <MoneyInput
          label={t("console.sandbox.chat.dayRate")}
          currency={profile.currency}
          initialMinor={profile.asyncDayRate}
          onChange={setAmount}
        />
        <Button
          size="sm"
          variant="light"
          loading={save.isPending}
          disabled={amount === null}
          onClick={() => save.mutate({ amount })}
        >
          {t("console.sandbox.chat.setRate")}
        </Button>
      </Group>
      <ErrorNote error={save.error} title={t("console.sandbox.chat.rateFailed")} />
    </Stack>
  );
}
