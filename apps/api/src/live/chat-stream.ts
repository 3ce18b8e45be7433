import {
  type ChatNotice,
  chatAuthorKey,
  type Db,
  loadChatAccess,
  readChatUserNames,
  readMessagesAfter,
  readMessagesChangedSince,
  readStreamMessage,
  type StreamMessageRow,
} from "@an/db";
import type { ChatCaller, ChatRole } from "@an/domain";
import { type TrackedEnvelope, tracked } from "@trpc/server";
import { AppError } from "../errors";
import type { AttachmentUrls } from "../uploads/attachment-urls";
import type { ChatHub } from "./chat-hub";
import { type ChatMessageView, chatMemberName, toMessageView } from "../routers/chat/views";

/**
 * What a live chat stream sends. `message` events carry their `seq` as the event id, so a
 * reconnect with `lastEventId` resumes with no gap and no duplicate. `resync` also carries
 * an id: everything up to `upToSeq` was skipped (more than the backlog cap was missed) and
 * the client refetches that history; the stream goes on after it. `update` (a message edited,
 * deleted or hidden) and `typing` carry no id and don't move the cursor.
 */
export type ChatStreamEvent =
  | { type: "message"; message: ChatMessageView }
  | { type: "resync"; upToSeq: number }
  | { type: "update"; message: ChatMessageView }
  | { type: "typing"; user: { id: string; displayName: string } };

export type LiveChatConfig = {
  /** Missed messages past which a stream sends `resync` instead of replaying them. */
  backlogCap: number;
  /** The safety-net interval at which a stream re-reads its caller's access, ms. */
  accessRecheckMs: number;
  /** Least time between two typing notices from one member in one conversation, ms. */
  typingIntervalMs: number;
};

/** A process's live chat: its fan-out hub and settings. */
export type LiveChat = {
  hub: ChatHub;
  config: LiveChatConfig;
  /** In-flight reads shared by the streams of one conversation at the same cursor. */
  shared: Map<string, Promise<StreamMessageRow[]>>;
  /** When each member last announced typing, per conversation (`conversationId:userId`). */
  typingAt: Map<string, number>;
};

export function createLiveChat(hub: ChatHub, config: LiveChatConfig): LiveChat {
  return { hub, config, shared: new Map(), typingAt: new Map() };
}

/**
 * Whether a typing notice for `key` (`conversationId:userId`) may go out at `at` (ms): at
 * most one per `typingIntervalMs` on this instance. Forgets old entries as it goes.
 */
export function admitTyping(live: LiveChat, key: string, at: number): boolean {
  const last = live.typingAt.get(key);
  if (last !== undefined && at - last < live.config.typingIntervalMs) return false;
  if (live.typingAt.size >= 10_000) {
    for (const [k, t] of live.typingAt) {
      if (at - t >= live.config.typingIntervalMs) live.typingAt.delete(k);
    }
  }
  live.typingAt.set(key, at);
  return true;
}

/** Rows read per query while catching up. */
const BATCH = 200;
/** Typing and update notices queued for a stream that isn't keeping up; the rest are dropped. */
const MAX_PENDING = 1_000;

/**
 * The caller's access now, or the error that ends the stream: strangers learn nothing
 * (not found), members who lost access are told so. Admins reading a conversation they are
 * not in do so through the audited moderation reads, not a live stream.
 */
async function requireAccess(db: Db, caller: ChatCaller, conversationId: string, now: Date) {
  const found = await loadChatAccess(db, { conversationId, caller, now });
  if (!found) throw new AppError("CONVERSATION_NOT_FOUND", { ref: conversationId });
  const access = found.access;
  if (!access.allowed) {
    if (access.reason === "not_a_member") {
      throw new AppError("CONVERSATION_NOT_FOUND", { ref: conversationId });
    }
    throw new AppError("CHAT_ACCESS_DENIED", { reason: access.reason });
  }
  if (access.audited) throw new AppError("CHAT_ACCESS_DENIED", { reason: "admin_read" });
  return { access, lastSeq: found.conversation.lastSeq, reviewAt: found.reviewAt };
}

/**
 * When a stream next re-reads its caller's access (a Date.now() instant). Changes that are
 * written (a revocation, a suspension, an engagement's status) are announced and re-checked
 * at once; a dated one (an expiry, an engagement window's edge) is re-checked at its moment,
 * `reviewAt`, measured on the stream's clock; the periodic check is a safety net for what was
 * neither, spread over ±25 % so thousands of streams opened together don't re-check together.
 */
function nextAccessCheck(reviewAt: Date | null, now: Date, intervalMs: number): number {
  const periodic = Date.now() + intervalMs * (0.75 + Math.random() * 0.5);
  if (!reviewAt) return periodic;
  // A few ms past the moment, so the decision made then sees it as passed.
  return Math.min(periodic, Date.now() + Math.max(0, reviewAt.getTime() - now.getTime()) + 5);
}

function readShared(live: LiveChat, db: Db, conversationId: string, afterSeq: number) {
  const key = `${conversationId}:${afterSeq}`;
  let read = live.shared.get(key);
  if (!read) {
    read = readMessagesAfter(db, { conversationId, afterSeq, limit: BATCH }).finally(() =>
      live.shared.delete(key),
    );
    live.shared.set(key, read);
  }
  return read;
}

export type ChatStreamParams = {
  db: Db;
  live: LiveChat;
  caller: ChatCaller;
  conversationId: string;
  /** The last seq the client has (from `lastEventId`); null: it has none yet. */
  lastEventId: number | null;
  signal: AbortSignal | undefined;
  now: () => Date;
  /** Signs the attachment links each event carries. */
  attachmentUrls: AttachmentUrls;
};

/**
 * One subscriber's stream. Access is checked on connect, on every `access` notice naming the
 * caller, after the hub reconnects, when time alone could change it (`reviewAt`: an expiry)
 * and every `accessRecheckMs` as a safety net; losing it ends the
 * stream with an error. Messages are always read from the table past a cursor, in seq
 * order, so each is sent once whatever the notices say; the hub only says when to look.
 */
export async function* chatStream(
  p: ChatStreamParams,
): AsyncGenerator<TrackedEnvelope<ChatStreamEvent> | ChatStreamEvent, void, unknown> {
  const { db, live, caller, conversationId } = p;
  const { backlogCap, accessRecheckMs } = live.config;
  const me = caller.kind === "user" ? caller.userId : null;
  const authorKey = chatAuthorKey(caller);

  // The stream listens before it reads where the conversation stands: a message committed
  // between the two is then either in that read or announced to it, never neither.
  let wantedSeq = 0;
  const pending: ChatNotice[] = [];
  let recheck = false;
  let resetSince: Date | null = null;
  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const unsubscribe = live.hub.subscribe(conversationId, {
    notice(n) {
      if (n.kind === "message") {
        if (n.seq <= wantedSeq) return;
        wantedSeq = n.seq;
      } else if (n.kind === "access") {
        if (n.userId !== me) return;
        recheck = true;
      } else {
        if (n.kind === "typing" && n.userId === me) return;
        if (pending.length >= MAX_PENDING) return;
        pending.push(n);
      }
      poke();
    },
    reset(since) {
      resetSince = resetSince && resetSince < since ? resetSince : since;
      recheck = true;
      poke();
    },
  });
  p.signal?.addEventListener("abort", poke);
  const names = new Map<string, string>();
  const links = (attachments: StreamMessageRow["attachments"]) =>
    p.attachmentUrls.view(attachments, p.now());

  try {
    let { access, lastSeq, reviewAt } = await requireAccess(db, caller, conversationId, p.now());
    if (p.lastEventId !== null && p.lastEventId > lastSeq) {
      throw new AppError("LAST_EVENT_ID_AHEAD", { lastEventId: p.lastEventId, lastSeq });
    }
    let role: ChatRole = access.role;
    let cursor = Math.max(p.lastEventId ?? 0, access.historyFromSeq);
    if (lastSeq > wantedSeq) wantedSeq = lastSeq;
    let nextCheck = nextAccessCheck(reviewAt, p.now(), accessRecheckMs);
    while (!p.signal?.aborted) {
      if (recheck || Date.now() >= nextCheck) {
        recheck = false;
        ({ access, lastSeq, reviewAt } = await requireAccess(db, caller, conversationId, p.now()));
        role = access.role;
        // A notice missed for whatever reason is caught here too: lastSeq is the table's.
        if (lastSeq > wantedSeq) wantedSeq = lastSeq;
        if (access.historyFromSeq > cursor) cursor = access.historyFromSeq;
        nextCheck = nextAccessCheck(reviewAt, p.now(), accessRecheckMs);
      }

      while (cursor < wantedSeq && !p.signal?.aborted) {
        if (wantedSeq - cursor > backlogCap) {
          cursor = wantedSeq;
          yield tracked(String(cursor), { type: "resync", upToSeq: cursor });
          break;
        }
        const rows = await readShared(live, db, conversationId, cursor);
        for (const row of rows) {
          if (row.seq <= cursor) continue;
          cursor = row.seq;
          yield tracked(String(row.seq), {
            type: "message",
            message: toMessageView(row, { role, authorKey }, links),
          });
        }
        if (cursor > wantedSeq) wantedSeq = cursor;
        if (rows.length < BATCH) break;
      }

      if (resetSince) {
        const since = resetSince;
        resetSince = null;
        const changed = await readMessagesChangedSince(db, {
          conversationId,
          since,
          uptoSeq: cursor,
          limit: backlogCap,
        });
        for (const row of changed) {
          if (row.seq > access.historyFromSeq) {
            yield { type: "update", message: toMessageView(row, { role, authorKey }, links) };
          }
        }
      }

      for (const n of pending.splice(0)) {
        if (n.kind === "update") {
          const row = await readStreamMessage(db, { conversationId, messageId: n.messageId });
          // A message past the cursor is sent as itself, in its current form, when reached.
          if (row && row.seq <= cursor && row.seq > access.historyFromSeq) {
            yield { type: "update", message: toMessageView(row, { role, authorKey }, links) };
          }
        } else if (n.kind === "typing") {
          let displayName = names.get(n.userId);
          if (displayName === undefined) {
            const person = await readChatUserNames(db, { userId: n.userId });
            if (!person) continue;
            displayName = chatMemberName(person, role);
            names.set(n.userId, displayName);
          }
          yield { type: "typing", user: { id: n.userId, displayName } };
        }
      }

      if (cursor < wantedSeq || pending.length > 0 || recheck || resetSince) continue;
      if (p.signal?.aborted) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, nextCheck - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  } finally {
    unsubscribe();
    p.signal?.removeEventListener("abort", poke);
  }
}
