import {
  Alert,
  Anchor,
  Button,
  Card,
  Code,
  Group,
  Stack,
  Text,
  Title,
  useDirection,
} from "@mantine/core";
import { type InfiniteData, useInfiniteQuery, useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { DetailStates } from "../../components/list-states";
import { ReasonModal } from "../../components/reason-modal";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { useLocale } from "../../lib/session";
import { type RouterOutputs, useTRPC, useTRPCClient } from "../../lib/trpc";
import { ConversationMembers } from "./conversation-members";
import { type Message, MessageCard } from "./message-card";

type ReadPage = RouterOutputs["chatAdmin"]["readConversation"];
type PageParam = { beforeSeq?: number; afterSeq?: number };

/** Messages per page read; every page is one audited read. */
const READ_PAGE_SIZE = 50;
/** The API's longest moderation reason or note. */
const MAX_REASON = 500;

type Moderation = { kind: "hide" | "unhide" | "resolve"; message: Message } | null;

/**
 * A conversation's pages, read by seq. Each read writes an audit row, so nothing reads
 * behind the operator's back: no refetch on focus, reconnect or remount, no retry and no
 * polling; the cache is dropped on leaving so coming back is one fresh, audited read. Older
 * pages are prepended, newer ones appended; a refresh re-reads the pages on screen.
 */
function useConversationPages(conversationId: string) {
  const client = useTRPCClient();
  return useInfiniteQuery<ReadPage, Error, InfiniteData<ReadPage, PageParam>, string[], PageParam>({
    queryKey: ["chatAdmin", "readConversation", conversationId],
    queryFn: ({ pageParam }) =>
      client.chatAdmin.readConversation.query({
        conversationId,
        limit: READ_PAGE_SIZE,
        ...pageParam,
      }),
    initialPageParam: {},
    getPreviousPageParam: (first) =>
      first.olderBeforeSeq === null ? undefined : { beforeSeq: first.olderBeforeSeq },
    getNextPageParam: (last) =>
      last.newerAfterSeq === null ? undefined : { afterSeq: last.newerAfterSeq },
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 0,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    refetchOnMount: false,
    refetchInterval: false,
    retry: false,
  });
}

/**
 * One conversation as an admin reads it: its members and every message with what members
 * no longer see (hidden and deleted text, earlier versions, flags, reports), with hiding,
 * showing and resolving reports. Every page read is audited.
 */
export function ConversationPage() {
  const { id = "" } = useParams();
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const pages = useConversationPages(id);
  const invalidate = useInvalidate();
  const [moderation, setModeration] = useState<Moderation>(null);
  const { dir } = useDirection();

  const afterModeration = (message: string) => async () => {
    // The changed message is re-read with the pages on screen (itself an audited read); the
    // lists' counts and review queue are marked stale, never read here.
    await Promise.all([
      pages.refetch(),
      invalidate(trpc.chatAdmin.listConversations.pathKey(), trpc.chatAdmin.listFlagged.pathKey()),
    ]);
    setModeration(null);
    notifySuccess(message);
  };
  const hide = useMutation(
    trpc.chatAdmin.hideMessage.mutationOptions({
      onSuccess: afterModeration(t("console.conversations.hidden")),
    }),
  );
  const unhide = useMutation(
    trpc.chatAdmin.unhideMessage.mutationOptions({
      onSuccess: afterModeration(t("console.conversations.shown")),
    }),
  );
  const resolve = useMutation(
    trpc.chatAdmin.resolveReports.mutationOptions({
      onSuccess: afterModeration(t("console.conversations.reportsResolved")),
    }),
  );

  const back = { to: "/conversations", label: t("console.nav.conversations") };
  if (pages.isPending || pages.isError) {
    return <DetailStates query={pages} noun={t("console.conversations.singular")} back={back} />;
  }
  const all = pages.data.pages;
  const header = all.at(-1)!.conversation;
  const messages = all.flatMap((page) => page.messages);

  return (
    <Stack gap="lg" maw={1100}>
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
          <Title order={2}>
            {t("console.conversations.heading", { project: header.project.name })}
          </Title>
          <Text size="sm" c="dimmed">
            <Anchor
              component={Link}
              to={`/projects/${header.project.id}`}
              size="sm"
              underline="always"
            >
              {t("console.conversations.toProject")}
            </Anchor>{" "}
            · {t("console.conversations.lastSeq", { seq: formatNumber(header.lastSeq, locale) })} ·{" "}
            <Code fz="xs" style={{ overflowWrap: "anywhere" }}>
              {header.id}
            </Code>
          </Text>
        </Stack>
        <Button variant="default" loading={pages.isRefetching} onClick={() => void pages.refetch()}>
          {t("console.conversations.refresh")}
        </Button>
      </Group>
      <Alert color="blue" title={t("console.conversations.auditedTitle")}>
        {t("console.conversations.auditedNote")}
      </Alert>

      <ConversationMembers header={header} locale={locale} />

      <Stack gap="sm" component="section" aria-label={t("console.conversations.messagesTitle")}>
        <Title order={4}>{t("console.conversations.messagesTitle")}</Title>
        {pages.hasPreviousPage ? (
          <Button
            variant="default"
            loading={pages.isFetchingPreviousPage}
            onClick={() => void pages.fetchPreviousPage()}
            style={{ alignSelf: "center" }}
          >
            {t("console.conversations.older")}
          </Button>
        ) : null}
        {messages.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.conversations.noMessages")}
          </Text>
        ) : (
          messages.map((message) => (
            <MessageCard
              key={message.id}
              message={message}
              locale={locale}
              onModerate={(kind) => setModeration({ kind, message })}
            />
          ))
        )}
        {pages.hasNextPage ? (
          <Button
            variant="default"
            loading={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
            style={{ alignSelf: "center" }}
          >
            {t("console.conversations.newer")}
          </Button>
        ) : null}
      </Stack>

      <ReasonModal
        opened={moderation?.kind === "hide"}
        title={t("console.conversations.hideTitle")}
        label={t("console.conversations.reason")}
        description={t("console.conversations.hideHint")}
        confirmLabel={t("console.conversations.hide")}
        color="red"
        maxLength={MAX_REASON}
        pending={hide.isPending}
        onConfirm={(reason) =>
          moderation && hide.mutate({ messageId: moderation.message.id, reason })
        }
        onClose={() => setModeration(null)}
      >
        <Quoted message={moderation?.message} />
      </ReasonModal>
      <ReasonModal
        opened={moderation?.kind === "unhide"}
        title={t("console.conversations.unhideTitle")}
        label={t("console.conversations.reason")}
        confirmLabel={t("console.conversations.unhide")}
        maxLength={MAX_REASON}
        pending={unhide.isPending}
        onConfirm={(reason) =>
          moderation && unhide.mutate({ messageId: moderation.message.id, reason })
        }
        onClose={() => setModeration(null)}
      >
        <Quoted message={moderation?.message} />
      </ReasonModal>
      <ReasonModal
        opened={moderation?.kind === "resolve"}
        title={t("console.conversations.resolveTitle")}
        label={t("console.conversations.note")}
        description={t("console.conversations.resolveHint")}
        confirmLabel={t("console.conversations.resolve")}
        maxLength={MAX_REASON}
        pending={resolve.isPending}
        onConfirm={(note) =>
          moderation && resolve.mutate({ messageId: moderation.message.id, note })
        }
        onClose={() => setModeration(null)}
      >
        <Quoted message={moderation?.message} />
      </ReasonModal>
    </Stack>
  );
}

/** The message a moderation dialog is about, quoted above its field. */
function Quoted({ message }: { message: Message | undefined }) {
  const t = useT();
  const locale = useLocale();
  if (!message) return null;
  return (
    <Card withBorder padding="xs">
      <Text size="xs" c="dimmed">
        {t("console.conversations.seq", { seq: formatNumber(message.seq, locale) })}
      </Text>
      <Text size="sm" dir="auto" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
        {message.body}
      </Text>
    </Card>
  );
}
