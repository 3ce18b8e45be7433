import { CHAT_CHANNEL, type ChatNotice } from "@an/db";
import pg from "pg";
import type { Logger } from "pino";

/**
 * What a stream hears from the hub. `notice` is a hint that something changed (the stream
 * reads the rows from the tables); `reset` says notices may have been missed since `since`
 * (the LISTEN connection dropped), so the stream reads from its cursor and re-reads the
 * messages changed since then.
 */
export type HubListener = {
  notice: (notice: ChatNotice) => void;
  reset: (since: Date) => void;
};

export type ChatHub = {
  /** Follows one conversation's notices; returns the unsubscribe. */
  subscribe: (conversationId: string, listener: HubListener) => () => void;
  /** Resolves once the LISTEN connection is up (the first time). */
  ready: () => Promise<void>;
  /** Listeners per conversation right now, and how many times LISTEN reconnected. */
  stats: () => { conversations: number; listeners: number; reconnects: number; listening: boolean };
  close: () => Promise<void>;
};

export type ChatHubOptions = {
  connectionString: string;
  log: Logger;
  /** First delay before reconnecting a dropped LISTEN connection, ms; doubles up to 5 s. */
  reconnectDelayMs?: number;
  /** How often the LISTEN connection proves it is alive with a query, ms. */
  healthCheckMs?: number;
};

const NOTICE_KINDS = new Set(["message", "update", "typing", "access"]);

function parseNotice(payload: string | undefined): ChatNotice | null {
  if (!payload) return null;
  try {
    const value = JSON.parse(payload) as Partial<ChatNotice> | null;
    if (
      value &&
      typeof value === "object" &&
      typeof value.kind === "string" &&
      NOTICE_KINDS.has(value.kind) &&
      typeof value.conversationId === "string"
    ) {
      return value as ChatNotice;
    }
  } catch {
    // Not ours: ignored below.
  }
  return null;
}

/**
 * The process's one LISTEN connection on {@link CHAT_CHANNEL}, fanning notices out to the
 * streams of this process by conversation id. Every API process runs one, so a message
 * committed through any instance reaches subscribers on all of them. It is never the source
 * of truth: notices carry ids only and streams read rows from the tables. When the
 * connection drops it reconnects (with backoff) and tells every listener to catch up from
 * the tables, so nothing committed meanwhile is lost.
 */
export function createChatHub(options: ChatHubOptions): ChatHub {
  const baseDelay = options.reconnectDelayMs ?? 100;
  const healthCheckMs = options.healthCheckMs ?? 10_000;
  const byConversation = new Map<string, Set<HubListener>>();
  let client: pg.Client | null = null;
  let closing = false;
  let listening = false;
  let reconnects = 0;
  let attempt = 0;
  /** The last moment the connection was known to be receiving: a reset re-reads from here. */
  let healthyAt = new Date();
  let retryTimer: NodeJS.Timeout | null = null;
  let readyResolve: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    readyResolve = resolve;
  });

  function dispatch(notice: ChatNotice) {
    const listeners = byConversation.get(notice.conversationId);
    if (!listeners) return;
    for (const l of listeners) l.notice(notice);
  }

  function lost(current: pg.Client, reason: unknown) {
    if (client !== current) return;
    client = null;
    listening = false;
    current.removeAllListeners("notification");
    current.end().catch(() => undefined);
    if (closing) return;
    options.log.warn({ err: reason }, "chat LISTEN connection lost; reconnecting");
    schedule();
  }

  function schedule() {
    if (closing || retryTimer) return;
    const delay = Math.min(5_000, baseDelay * 2 ** attempt);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      void connect();
    }, delay);
    retryTimer.unref();
  }

  async function connect() {
    // Anything committed from here on is either notified to this connection or read by the
    // reset below; a little earlier than the drop covers clock skew between the two.
    const since = new Date(healthyAt.getTime() - 1_000);
    const next = new pg.Client({
      connectionString: options.connectionString,
      application_name: "advisor-network:api-chat-listen",
      keepAlive: true,
    });
    next.on("error", (err) => lost(next, err));
    next.on("end", () => lost(next, new Error("connection ended")));
    try {
      await next.connect();
      next.on("notification", (msg) => {
        if (msg.channel !== CHAT_CHANNEL) return;
        const notice = parseNotice(msg.payload);
        if (notice) dispatch(notice);
      });
      client = next;
      await next.query(`listen ${next.escapeIdentifier(CHAT_CHANNEL)}`);
    } catch (err) {
      if (client === next) client = null;
      next.removeAllListeners();
      next.on("error", () => undefined);
      next.end().catch(() => undefined);
      if (closing) return;
      options.log.warn({ err }, "chat LISTEN connection failed; retrying");
      schedule();
      return;
    }
    if (closing) {
      await next.end().catch(() => undefined);
      return;
    }
    const first = !listening && reconnects === 0 && attempt === 0;
    listening = true;
    healthyAt = new Date();
    if (!first) {
      reconnects += 1;
      for (const listeners of byConversation.values()) {
        for (const l of listeners) l.reset(since);
      }
    }
    attempt = 0;
    readyResolve();
  }

  const health = setInterval(() => {
    const current = client;
    if (!current || !listening) return;
    const timeout = setTimeout(() => lost(current, new Error("health check timed out")), 5_000);
    current
      .query("select 1")
      .then(() => {
        if (client === current) healthyAt = new Date();
      })
      .catch((err: unknown) => lost(current, err))
      .finally(() => clearTimeout(timeout));
  }, healthCheckMs);
  health.unref();

  void connect();

  return {
    subscribe(conversationId, listener) {
      let set = byConversation.get(conversationId);
      if (!set) {
        set = new Set();
        byConversation.set(conversationId, set);
      }
      set.add(listener);
      return () => {
        const current = byConversation.get(conversationId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) byConversation.delete(conversationId);
      };
    },
    ready: () => readyPromise,
    stats() {
      let listeners = 0;
      for (const s of byConversation.values()) listeners += s.size;
      return { conversations: byConversation.size, listeners, reconnects, listening };
    },
    async close() {
      closing = true;
      clearInterval(health);
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = null;
      listening = false;
      if (current) await current.end().catch(() => undefined);
    },
  };
}
