import type { AppRouter } from "@an/api/router";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { useMemo } from "react";
import { createQuietQueryClient } from "../../lib/query-client";
import { createApiClient, type RouterOutputs } from "../../lib/trpc";

export type Prepared = RouterOutputs["bookings"]["prepare"];
export type ClientConsultation = RouterOutputs["consultations"]["get"];
export type AdminDetail = RouterOutputs["consultations"]["getForAdmin"];

/** Live views poll this often, so a webhook's effect shows within a couple of seconds. */
export const POLL_MS = 2_000;
const SESSION_KEY = "an.admin.sandbox.client";

/** The demo client the sandbox acts as: their own token, never the admin's. */
export type ClientSession = {
  token: string;
  email: string;
  name: string;
};

/**
 * The sandbox client's answers live in their own cache: they never mix with the admin's,
 * and a failure as the client (an expired demo token's 401, say) never signs the admin out.
 */
export const sandboxQueryClient = createQuietQueryClient();

/** The demo client signed in earlier in this tab, if any. */
export function loadSession(): ClientSession | null {
  try {
    const raw = window.sessionStorage.getItem(SESSION_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<ClientSession>;
    return typeof parsed.token === "string" &&
      typeof parsed.email === "string" &&
      typeof parsed.name === "string"
      ? { token: parsed.token, email: parsed.email, name: parsed.name }
      : null;
  } catch {
    return null;
  }
}

/** Keeps (or forgets) the demo client for this tab. */
export function saveSession(session: ClientSession | null): void {
  try {
    if (session) window.sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
    else window.sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage disabled: the session lasts as long as the page.
  }
}

/** tRPC options bound to the sandbox's own client and cache, as `token`'s user (or nobody). */
export function useSandboxApi(token: string | null) {
  return useMemo(
    () =>
      createTRPCOptionsProxy<AppRouter>({
        // A tRPC client of its own, carrying the demo client's token (or none, for signing in).
        client: createApiClient(() => token),
        queryClient: sandboxQueryClient,
      }),
    [token],
  );
}

export type SandboxApi = ReturnType<typeof useSandboxApi>;
