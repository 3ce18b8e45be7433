import { Badge, Box, Button, Group, Loader, Stack, Text, Textarea } from "@mantine/core";
import { type QueryClient, skipToken, useMutation, useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { type KeyboardEvent, useCallback, useEffect, useRef, useState } from "react";
import { ErrorNote } from "./error-note";
import { POLL_MS, type SandboxApi } from "./sandbox-api";
import { Sentence } from "./sentence";
import { Data, DateTime } from "../../components/formatted";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";
import type { RouterOutputs } from "../../lib/trpc";

type Conversation = RouterOutputs["chat"]["getConversation"];
/** What the stream yields: an event, or a tracked one (its `seq` as the id) wrapping it. */
type StreamYield = RouterOutputs["chat"]["onEvents"] extends AsyncIterable<infer T> ? T : never;
type StreamEvent = Extract<StreamYield, { type: string }>;
/** A stored message, as history or the stream gives it. */
type Message = Extract<StreamEvent, { type: "message" }>["message"];
/** One of the viewer's own messages not yet confirmed by the API. */
type Pending = { clientMsgId: string; body: string; failed: unknown };

/** How long a typing notice shows after it arrives, ms (the API sends one every few seconds). */
const TYPING_SHOWN_MS = 4_000;
/** Least time between two typing notices we send, ms. */
const TYPING_EVERY_MS = 2_500;

const eventOf = (d: StreamYield): StreamEvent => ("type" in d ? d : d.data);

/**
 * A project's conversation as one demo user sees it, live. Whether they may read or post
 * is the API's answer (`chat.getConversation`, polled, so access that arrives — an
 * invitation accepted, a pass paid — opens the pane without a reload); when they may not,
 * the API's own message says why.
 */
export function ChatPane({
  api,
  queryClient,
  conversationId,
  me,
  testId,
}: {
  api: SandboxApi;
  queryClient: QueryClient;
  conversationId: string;
  /** The viewer's user id: their own messages are shown as theirs. */
  me: string;
  testId: string;
}) {
  const t = useT();
  const conversation = useQuery(
    api.chat.getConversation.queryOptions({ conversationId }, { refetchInterval: POLL_MS }),
    queryClient,
  );
  return (
    <Stack gap="xs" data-testid={testId}>
      {conversation.data ? (
        <LiveConversation
          key={conversationId}
          api={api}
          queryClient={queryClient}
          conversation={conversation.data}
          denied={conversation.isError}
          me={me}
        />
      ) : conversation.isPending ? (
        <Loader size="sm" aria-label={t("console.sandbox.chat.loading")} />
      ) : null}
      {/* Access lost after it was granted (the pass ended, the invitation revoked) shows too. */}
      <ErrorNote error={conversation.error} title={t("console.sandbox.chat.cantOpen")} />
    </Stack>
  );
}

function LiveConversation({
  api,
  queryClient,
  conversation,
  denied,
  me,
}: {
  api: SandboxApi;
  queryClient: QueryClient;
  conversation: Conversation;
  /** The latest access check failed: what was shown stays, nothing more is sent. */
  denied: boolean;
  me: string;
}) {
  const t = useT();
  const locale = useLocale();
  const conversationId = conversation.id;
  const [messages, setMessages] = useState<Map<number, Message>>(() => new Map());
  const [pending, setPending] = useState<Pending[]>([]);
  const [draft, setDraft] = useState("");
  const [typing, setTyping] = useState<{ name: string; at: number } | null>(null);
  const [readSeq, setReadSeq] = useState(0);
  const lastTypingSent = useRef(0);
  const listEnd = useRef<HTMLDivElement>(null);

  const merge = useCallback((incoming: readonly Message[]) => {
    if (incoming.length === 0) return;
    setMessages((current) => {
      const next = new Map(current);
      for (const m of incoming) next.set(m.seq, m);
      return next;
    });
  }, []);

  const history = useQuery(
    api.chat.listHistory.queryOptions({ conversationId, limit: 100 }),
    queryClient,
  );
  useEffect(() => {
    if (history.data) merge(history.data.messages);
  }, [history.data, merge]);
  // The stream starts after the history first loaded; its own reconnects resume from the
  // last event id it received, so it is never restarted from here.
  const [startSeq, setStartSeq] = useState<string | null>(null);
  useEffect(() => {
    if (history.data && startSeq === null) setStartSeq(String(history.data.lastSeq));
  }, [history.data, startSeq]);

  const stream = useSubscription(
    api.chat.onEvents.subscriptionOptions(
      startSeq === null ? skipToken : { conversationId, lastEventId: startSeq },
      {
        onData: (data) => {
          const event = eventOf(data);
          if (event.type === "message" || event.type === "update") merge([event.message]);
          // More was missed than the stream replays: the history has it.
          else if (event.type === "resync") void history.refetch();
          else if (event.user.id !== me) {
            setTyping({ name: event.user.displayName, at: Date.now() });
          }
        },
      },
    ),
  );
  useEffect(() => {
    if (!typing) return;
    const timer = window.setTimeout(() => setTyping(null), TYPING_SHOWN_MS);
    return () => window.clearTimeout(timer);
  }, [typing]);

  const send = useMutation(api.chat.send.mutationOptions(), queryClient);
  const notifyTyping = useMutation(api.chat.setTyping.mutationOptions(), queryClient);
  const markRead = useMutation(
    api.chat.markRead.mutationOptions({ onSuccess: (cursor) => setReadSeq(cursor.lastReadSeq) }),
    queryClient,
  );

  /** Sends (or resends) under the same clientMsgId: a retry after a lost answer is stored once. */
  const post = (clientMsgId: string, body: string) => {
    setPending((list) => [
      ...list.filter((p) => p.clientMsgId !== clientMsgId),
      { clientMsgId, body, failed: null },
    ]);
    send.mutate(
      { conversationId, clientMsgId, body },
      {
        onSuccess: (sent) => {
          merge([sent.message]);
          setPending((list) => list.filter((p) => p.clientMsgId !== clientMsgId));
        },
        onError: (error) =>
          setPending((list) =>
            list.map((p) => (p.clientMsgId === clientMsgId ? { ...p, failed: error } : p)),
          ),
      },
    );
  };
  const submit = () => {
    const body = draft.trim();
    if (!body) return;
    setDraft("");
    post(crypto.randomUUID(), body);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  };

  const lines = [...messages.values()].sort((a, b) => a.seq - b.seq);
  const lastSeq = lines.at(-1)?.seq ?? 0;
  const read = Math.max(readSeq, conversation.lastReadSeq ?? 0);
  const unread = lines.filter((m) => m.seq > read && m.sender?.id !== me).length;
  const canPost = conversation.capabilities.canPost && !denied;
  useEffect(() => {
    listEnd.current?.scrollIntoView({ block: "nearest" });
  }, [lines.length, pending.length]);

  return (
    <Stack gap="xs">
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" fw={500} style={{ overflowWrap: "anywhere" }}>
          <Sentence
            k="console.sandbox.chat.conversation"
            values={{ project: conversation.project.name }}
          />
        </Text>
        <Group gap="xs" wrap="wrap">
          {conversation.capabilities.canMarkRead ? (
            <>
              <Badge
                variant="light"
                color={unread > 0 ? "blue" : "gray"}
                data-testid="sandbox-chat-unread"
                data-unread={unread}
              >
                {t("console.sandbox.chat.unread", { n: formatNumber(unread, locale) })}
              </Badge>
              <Button
                size="compact-xs"
                variant="default"
                disabled={unread === 0}
                loading={markRead.isPending}
                onClick={() => markRead.mutate({ conversationId, seq: lastSeq })}
              >
                {t("console.sandbox.chat.markRead")}
              </Button>
            </>
          ) : null}
          <Badge
            variant="dot"
            color={
              stream.status === "pending" ? "teal" : stream.status === "error" ? "red" : "gray"
            }
            data-testid="sandbox-chat-stream"
            data-status={stream.status}
          >
            {stream.status === "pending"
              ? t("console.sandbox.chat.live")
              : stream.status === "error"
                ? t("console.sandbox.chat.streamClosed")
                : t("console.sandbox.chat.connecting")}
          </Badge>
        </Group>
      </Group>
      <Text size="xs" c="dimmed">
        {t("console.sandbox.chat.membersLabel")}{" "}
        {conversation.members.map((m, index) => (
          <span key={index}>
            {index > 0 ? t("console.sandbox.client.listSeparator") : null}
            {m.isYou ? t("console.sandbox.chat.you") : <Data>{m.displayName}</Data>}
          </span>
        ))}
      </Text>
      <Box
        mah={320}
        style={{ overflowY: "auto", border: "1px solid var(--mantine-color-default-border)" }}
        p="xs"
        role="log"
        aria-label={t("console.sandbox.chat.messages")}
      >
        <Stack gap={6}>
          {lines.length === 0 && pending.length === 0 ? (
            <Text size="sm" c="dimmed">
              {history.isPending ? "…" : t("console.sandbox.chat.empty")}
            </Text>
          ) : null}
          {lines.map((m) => {
            const mine = m.sender?.id === me;
            return (
              <Stack
                key={m.seq}
                gap={0}
                data-testid="sandbox-chat-message"
                data-seq={m.seq}
                data-mine={mine}
                data-engagement-id={m.engagementId ?? undefined}
                style={{ alignSelf: mine ? "flex-end" : "flex-start", maxWidth: "85%" }}
              >
                <Group gap={6} wrap="wrap">
                  <Text size="xs" fw={600}>
                    {mine ? (
                      t("console.sandbox.chat.you")
                    ) : (
                      <Data>{m.sender?.displayName ?? m.actorType}</Data>
                    )}
                  </Text>
                  <Text size="xs" c="dimmed">
                    <DateTime value={m.createdAt} />
                  </Text>
                  {m.engagementId ? (
                    <Badge size="xs" variant="light" color="grape" tt="none">
                      <Sentence
                        k="console.sandbox.chat.attributed"
                        values={{ ref: m.engagementId.slice(0, 8) }}
                      />
                    </Badge>
                  ) : null}
                </Group>
                <Text
                  size="sm"
                  dir="auto"
                  style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
                >
                  {m.hidden
                    ? t("console.sandbox.chat.hidden")
                    : m.deletedAt
                      ? t("console.sandbox.chat.deleted")
                      : m.body}
                </Text>
              </Stack>
            );
          })}
          {pending.map((p) => (
            <Stack
              key={p.clientMsgId}
              gap={0}
              data-testid="sandbox-chat-pending"
              style={{ alignSelf: "flex-end", maxWidth: "85%", opacity: 0.7 }}
            >
              <Group gap={6} wrap="wrap">
                <Text size="xs" fw={600}>
                  {t("console.sandbox.chat.you")}
                </Text>
                <Text size="xs" c={p.failed ? "red" : "dimmed"}>
                  {p.failed ? t("console.sandbox.chat.notSent") : t("console.sandbox.chat.sending")}
                </Text>
                {p.failed ? (
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    onClick={() => post(p.clientMsgId, p.body)}
                  >
                    {t("console.sandbox.chat.retry")}
                  </Button>
                ) : null}
              </Group>
              <Text
                size="sm"
                dir="auto"
                style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
              >
                {p.body}
              </Text>
            </Stack>
          ))}
          <div ref={listEnd} />
        </Stack>
      </Box>
      <Text size="xs" c="dimmed" h={18} aria-live="polite">
        {typing ? (
          <Sentence k="console.sandbox.chat.typing" values={{ name: typing.name }} />
        ) : null}
      </Text>
      {pending.find((p) => p.failed) ? (
        <ErrorNote
          error={pending.find((p) => p.failed)?.failed}
          title={t("console.sandbox.chat.notSent")}
        />
      ) : null}
      {canPost ? (
        <Group align="flex-end" gap="xs" wrap="nowrap">
          <Textarea
            label={t("console.sandbox.chat.message")}
            autosize
            minRows={1}
            maxRows={4}
            style={{ flex: 1, minWidth: 0 }}
            value={draft}
            onKeyDown={onKeyDown}
            onChange={(event) => {
              setDraft(event.currentTarget.value);
              const now = Date.now();
              if (now - lastTypingSent.current > TYPING_EVERY_MS) {
                lastTypingSent.current = now;
                notifyTyping.mutate({ conversationId });
              }
            }}
          />
          <Button onClick={submit} disabled={draft.trim() === ""}>
            {t("console.sandbox.chat.send")}
          </Button>
        </Group>
      ) : denied ? null : (
        <Text size="sm" c="dimmed">
          {t("console.sandbox.chat.readOnly")}
        </Text>
      )}
      <ErrorNote error={stream.error} title={t("console.sandbox.chat.streamClosed")} />
      <ErrorNote error={history.error} title={t("console.sandbox.chat.cantOpen")} />
    </Stack>
  );
}
