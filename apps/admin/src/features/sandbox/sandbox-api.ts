import type { AppRouter } from "@an/api/router";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useMemo } from "react";
import type { QueryClient } from "@tanstack/react-query";
import { createLiveClient } from "../../lib/live";
import { createQuietQueryClient } from "../../lib/query-client";
import { createApiClient, type RouterOutputs } from "../../lib/trpc";

export type Prepared = RouterOutputs["bookings"]["prepare"];
export type ClientConsultation = RouterOutputs["consultations"]["get"];
export type AdminDetail = RouterOutputs["consultations"]["getForAdmin"];

/** Live views poll this often, so a webhook's effect shows within a couple of seconds. */
export const POLL_MS = 2_000;
/** Where this tab keeps the demo client's session, and the demo advisor's. */
export const CLIENT_SESSION_KEY = "an.admin.sandbox.client";
export const ADVISOR_SESSION_KEY = "an.admin.sandbox.advisor";

/** A demo user the sandbox acts as: their own token, never the admin's. */
export type DemoSession = {
  token: string;
  email: string;
  name: string;
  userId: string;
};

/** The demo client the sandbox acts as. */
export type ClientSession = DemoSession;

/**
 * The sandbox client's answers live in their own cache: they never mix with the admin's,
 * and a failure as the client (an expired demo token's 401, say) never signs the admin out.
 */
export const sandboxQueryClient = createQuietQueryClient();

/**
 * The demo advisor's answers, apart from the client's as well: the two act side by side in
 * the project chat, and the same query (a conversation, its history) answers differently
 * for each of them.
 */
export const sandboxAdvisorQueryClient = createQuietQueryClient();

/**
 * The demo user signed in earlier in this tab under `key`, if any. A session kept by an
 * older console (without the user's id) is forgotten: the chat needs the id.
 */
export function loadSession(key: string = CLIENT_SESSION_KEY): DemoSession | null {
  try {
    const raw = window.sessionStorage.getItem(key);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<DemoSession>;
    return typeof parsed.token === "string" &&
      typeof parsed.email === "string" &&
      typeof parsed.name === "string" &&
      typeof parsed.userId === "string"
      ? { token: parsed.token, email: parsed.email, name: parsed.name, userId: parsed.userId }
      : null;
  } catch {
    return null;
  }
}

/** Keeps (or forgets) a demo user for this tab under `key`. */
export function saveSession(session: DemoSession | null, key: string = CLIENT_SESSION_KEY): void {
  try {
    if (session) window.sessionStorage.setItem(key, JSON.stringify(session));
    else window.sessionStorage.removeItem(key);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

/**
 * tRPC options bound to one of the sandbox's own caches (the client's by default), as
 * `token`'s user (or nobody).
 */
export function useSandboxApi(token: string | null, queryClient: QueryClient = sandboxQueryClient) {
  return useMemo(
    () =>
      createTRPCOptionsProxy<AppRouter>({
        // A tRPC client of its own, carrying the demo user's token (or none, for signing in).
        client: createApiClient(() => token),
        queryClient,
      }),
    [token, queryClient],
  );
}

/**
 * Like {@link useSandboxApi}, over the live client: the chat's stream (SSE, the token in a
 * header) beside its queries and mutations.
 */
export function useSandboxLiveApi(token: string, queryClient: QueryClient) {
  return useMemo(
    () =>
      createTRPCOptionsProxy<AppRouter>({
        client: createLiveClient(() => token),
        queryClient,
      }),
    [token, queryClient],
  );
}

export type SandboxApi = ReturnType<typeof useSandboxApi>;
