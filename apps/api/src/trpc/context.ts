import {
  type BillingConfig,
  createProviders,
  memorySimStore,
  parseBillingEnv,
  type Providers,
  resolveBillingConfig,
} from "@an/billing";
import { type Db, type SyncCustomer, syncBillingCustomer } from "@an/db";
import { DEFAULT_LOCALE, type Locale, type Role } from "@an/domain";
import type { Logger } from "pino";
import pino from "pino";
import type { AppError } from "../errors";
import { translator } from "@an/domain";
import type { LiveChat } from "../live/chat-stream";
import { type RateLimiters, unlimited } from "../rate-limit";
import type { ServiceCaller } from "../auth/service-key";
import {
  type AttachmentUrls,
  attachmentUrls,
  DEV_ATTACHMENT_URL_SECRET,
} from "../uploads/attachment-urls";
import type { FileStorage } from "../uploads/storage";

export type AuthUser = {
  id: string;
  email: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string;
  /** IANA zone; null while unknown. */
  timeZone: string | null;
  roles: Role[];
};

export type DevAuthConfig =
  | { enabled: true; secret: string; ttlSeconds: number; issuer?: string; audience?: string }
  | { enabled: false };

export type ContextInnerOptions = {
  db: Db;
  user?: AuthUser | null;
  /** A service credential's caller (the assistant's API key); never set with `user`. */
  service?: ServiceCaller | null;
  locale?: Locale;
  requestId?: string;
  log?: Logger;
  clientIp?: string;
  rateLimiters?: RateLimiters;
  devAuth?: DevAuthConfig;
  /** Set while building the context; thrown by every procedure so public ones see it too. */
  authError?: AppError | null;
  localeError?: AppError | null;
  /** Where uploads are stored (chat attachments are looked up there); none in most tests. */
  storage?: FileStorage | null;
  /** Signs chat attachment links; defaults to the development secret on 127.0.0.1:3000. */
  attachmentUrls?: AttachmentUrls;
  /** Sets a response header (Retry-After); a no-op outside HTTP. */
  setHeader?: (name: string, value: string) => void;
  /** Payments and bookings configuration; defaults to development settings. */
  billing?: BillingConfig;
  /** Payment and scheduling providers; defaults to in-memory simulators. */
  providers?: Providers;
  now?: () => Date;
  /**
   * Re-reads one customer's subscriptions from Stripe and stores them (`syncBillingCustomer`
   * bound to this process's providers). Billing commands call it after the provider
   * answered, so what they return reflects Stripe.
   */
  billingSync?: SyncCustomer;
  /** This process's live chat (fan-out hub and settings); null where nothing streams. */
  live?: LiveChat | null;
};

let devAttachmentUrls: AttachmentUrls | null = null;

let defaults: { billing: BillingConfig; providers: Providers } | null = null;
/** Development billing settings with in-memory simulators, for contexts built without them. */
export function developmentBilling(): { billing: BillingConfig; providers: Providers } {
  if (!defaults) {
    const billing = resolveBillingConfig(parseBillingEnv({}), {
      production: false,
      defaultApiUrl: "http://127.0.0.1:3000",
    });
    const providers = createProviders(billing, {
      store: memorySimStore(),
      deliver: () => Promise.resolve(),
    });
    defaults = { billing, providers };
  }
  return defaults;
}

/**
 * The context every procedure sees. The Express adapter is a thin wrapper over this, and
 * router tests call it directly with whatever they need.
 */
export function createContextInner(opts: ContextInnerOptions) {
  const locale = opts.locale ?? DEFAULT_LOCALE;
  const providers = opts.providers ?? developmentBilling().providers;
  const now = opts.now ?? (() => new Date());
  // By default a billing command re-reads the customer from this process's provider (the
  // same serialized sync the worker runs), so its answer is Stripe's state, not ours.
  const billingSync: SyncCustomer =
    opts.billingSync ??
    ((input) =>
      syncBillingCustomer(
        opts.db,
        { subscriptions: providers.subscriptions, payments: providers.payments },
        { ...input, now: now() },
      ));
  return {
    db: opts.db,
    user: opts.user ?? null,
    service: opts.service ?? null,
    locale,
    t: translator(locale),
    requestId: opts.requestId ?? "internal",
    log: opts.log ?? pino({ level: "silent" }),
    clientIp: opts.clientIp ?? "127.0.0.1",
    rateLimiters: opts.rateLimiters ?? unlimited,
    devAuth: opts.devAuth ?? { enabled: false },
    authError: opts.authError ?? null,
    localeError: opts.localeError ?? null,
    setHeader: opts.setHeader ?? (() => undefined),
    storage: opts.storage ?? null,
    attachmentUrls:
      opts.attachmentUrls ??
      (devAttachmentUrls ??= attachmentUrls({
        secret: DEV_ATTACHMENT_URL_SECRET,
        ttlSeconds: 3600,
        baseUrl: () => "http://127.0.0.1:3000",
      })),
    billing: opts.billing ?? developmentBilling().billing,
    providers,
    now,
    billingSync,
    live: opts.live ?? null,
  };
}

export type Context = ReturnType<typeof createContextInner>;
