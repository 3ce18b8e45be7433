import { AsyncLocalStorage } from "node:async_hooks";
import type { Locale } from "@an/domain";

export type RequestInfo = {
  requestId: string;
  locale: Locale;
  maxBodyBytes: number;
  /** GET or POST: tells a bad `input` query parameter from a bad body. */
  method?: string;
  /** As the caller sent it, for naming it when it isn't JSON. */
  contentType?: string;
};

/**
 * Per-request facts for code that runs before a tRPC context exists (a batch refused
 * before parsing, say), so even those errors are localized and carry the request id.
 */
export const requestStore = new AsyncLocalStorage<RequestInfo>();
