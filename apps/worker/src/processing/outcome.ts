import type { ApplyOutcome, Executor } from "@an/db";
import type { WorkerDeps } from "../tasks/types";

/**
 * What processing one delivery (or one reconciled booking) came to. `processed`: something
 * changed (or an incident was raised); `ignored`: nothing to do — a type we don't act on,
 * or an event the consultation already reflects or refuses.
 */
export type Outcome = {
  status: "processed" | "ignored";
  outcome: string;
  consultationId?: string | null;
  details?: Record<string, unknown>;
};

/**
 * Thrown inside a processing transaction when the event is about something we don't know
 * yet (a consultation whose BOOKING_CREATED hasn't arrived, a no-show before the meeting
 * ended): the transaction rolls back, the delivery is marked `deferred`, and the job is
 * retried later with backoff.
 */
export class DeferProcessing extends Error {
  readonly consultationId: string | null;
  constructor(message: string, consultationId: string | null = null) {
    super(message);
    this.name = "DeferProcessing";
    this.consultationId = consultationId;
  }
}

/** Who is processing and from where: a stored delivery, or the reconciliation job. */
export type ProcessingContext = {
  deps: WorkerDeps;
  now: Date;
  /** The stored delivery, or null when the reconciliation job found the booking itself. */
  webhookEventId: string | null;
  /** Timeline source, e.g. `webhook:calcom:<id>` or `reconcile:calcom`. */
  source: string;
};

export type Handler = (tx: Executor, ctx: ProcessingContext) => Promise<Outcome>;

export const processed = (
  outcome: string,
  consultationId: string | null = null,
  details?: Record<string, unknown>,
): Outcome => ({ status: "processed", outcome, consultationId, ...(details ? { details } : {}) });

export const ignored = (
  outcome: string,
  consultationId: string | null = null,
  details?: Record<string, unknown>,
): Outcome => ({ status: "ignored", outcome, consultationId, ...(details ? { details } : {}) });

/** The usual reading of an applied / duplicate / refused event; callers special-case the rest. */
export function describeApply(
  result: Exclude<ApplyOutcome, { kind: "not_found" }>,
  what: string,
): Outcome {
  const id = result.consultation.id;
  switch (result.kind) {
    case "applied":
      return processed(`${what}: ${result.from} → ${result.consultation.status}`, id);
    case "duplicate":
      return ignored(`${what}: already applied`, id);
    case "refused":
      return ignored(`${what} refused (${result.error.code}): ${result.error.message}`, id);
  }
}

/**
 * When an event happened at its provider, as the processor may use it: the provider's own
 * time when it has one that isn't after ours (clocks drift), else undefined (the caller
 * then decides by processing time). Decisions that depend on order — a refund tier, which
 * of a payment and a cancellation came first — go by this, never by arrival.
 */
export function providerTime(
  ctx: ProcessingContext,
  at: Date | null | undefined,
): Date | undefined {
  if (!at || !Number.isFinite(at.getTime())) return undefined;
  return at.getTime() <= ctx.now.getTime() ? at : ctx.now;
}
