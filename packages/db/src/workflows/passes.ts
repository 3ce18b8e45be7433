import {
  type CurrencyCode,
  DAY_MS,
  decidePassAllowance,
  err,
  isCurrencyCode,
  newConsultation,
  ok,
  type PassQuote,
  quoteAsyncPass,
  type RefundPolicy,
  type Result,
} from "@an/domain";
import type { Executor } from "../client";
import { enqueueJob } from "../jobs";
import { writeAudit } from "../queries/audit";
import { insertConsultationEvent } from "../queries/consultation-events";
import { getEntitlements } from "../queries/entitlements";
import { getMoneyRulesInForce } from "../queries/money-rules";
import {
  type ConsultationRow,
  insertConsultation,
  lockConsultation,
} from "../queries/consultations";
import {
  findLiveAcceptedInvitation,
  findOwnedProject,
  getAdvisorPassTerms,
} from "../queries/passes";
import { performEffects } from "./consultation-effects";
import { type ApplyOutcome, applyConsultationEvent } from "./consultation-events";
import { requestEventId } from "./consultation-commands";

/** Why an advisor can't sell a pass right now; each has a localized explanation. */
export type PassUnavailableReason =
  "suspended" | "async_not_offered" | "rate_out_of_limits" | "currency_not_offered";

export type PassError =
  /** Not the caller's project (or no such project): indistinguishable on purpose. */
  | { code: "PROJECT_NOT_FOUND" }
  | { code: "PROJECT_ARCHIVED" }
  /** No such advisor, or not invited (accepted, unexpired) to this project. */
  | { code: "ADVISOR_NOT_INVITED" }
  | { code: "PASS_NOT_AVAILABLE"; advisorName: string; reason: PassUnavailableReason }
  | { code: "PASS_DAYS_NOT_ALLOWED"; maxDays: number }
  /** The client's plan doesn't include passes. */
  | { code: "PLAN_REQUIRED_PASSES" };

/**
 * Prices a pass for the project's owner from the advisor's *current* day rate under the
 * pricing and commission in force (the advisor's live override replacing the platform's
 * commission): the owner must own the (live) project and the advisor must have accepted an
 * unexpired invitation to it, be active and offer async advice within the platform's
 * limits. Answers the refund policy and hold window in force with it. Writes nothing.
 */
export async function quotePass(
  ex: Executor,
  input: {
    clientId: string;
    advisorId: string;
    projectId: string;
    days: number;
    now: Date;
  },
): Promise<
  Result<
    { quote: PassQuote; advisorName: string; refundPolicy: RefundPolicy; holdWindowHours: number },
    PassError
  >
> {
  const project = await findOwnedProject(ex, input);
  if (!project) return err({ code: "PROJECT_NOT_FOUND" });
  if (project.archivedAt) return err({ code: "PROJECT_ARCHIVED" });
  const invitation = await findLiveAcceptedInvitation(ex, input);
  const advisor = invitation ? await getAdvisorPassTerms(ex, input) : null;
  if (!advisor) return err({ code: "ADVISOR_NOT_INVITED" });
  const unavailable = (reason: PassUnavailableReason) =>
    err({ code: "PASS_NOT_AVAILABLE" as const, advisorName: advisor.displayName, reason });
  if (advisor.status !== "active") return unavailable("suspended");
  if (advisor.asyncDayRate === null) return unavailable("async_not_offered");
  if (!isCurrencyCode(advisor.currency)) return unavailable("currency_not_offered");
  const rules = await getMoneyRulesInForce(ex, { advisorId: input.advisorId, now: input.now });
  const quote = quoteAsyncPass({
    dayRate: { amount: advisor.asyncDayRate, currency: advisor.currency },
    days: input.days,
    rules: rules.asyncPass,
    commission: rules.commission,
    advisorOverride: rules.commissionOverride,
  });
  if (!quote.ok) {
    switch (quote.error.code) {
      case "DAYS_NOT_ALLOWED":
        return err({ code: "PASS_DAYS_NOT_ALLOWED", maxDays: quote.error.maxDays });
      case "CURRENCY_NOT_OFFERED":
        return unavailable("currency_not_offered");
      default:
        // A rate set under older limits: not sold as is until the advisor updates it.
        return unavailable("rate_out_of_limits");
    }
  }
  return ok({
    quote: quote.value,
    advisorName: advisor.displayName,
    refundPolicy: rules.refundPolicy,
    holdWindowHours: rules.holdWindowHours,
  });
}

/**
 * Buys a pass: freezes the quote (and the refund policy and `payouts` hold window in force) onto a
 * consultation of kind `async_pass` awaiting payment, linked to the project, with a
 * placeholder window of N days from now (the machine moves it to the payment's time).
 * Then exactly what a booking does: the payment-expiry timer and the Checkout session job,
 * in the caller's transaction. Refusals write nothing.
 */
export async function purchasePass(
  tx: Executor,
  input: {
    clientId: string;
    advisorId: string;
    projectId: string;
    days: number;
    now: Date;
    requestId: string;
    /** How long the client has to pay; clamped to Stripe's 30 min – 24 h. */
    paymentWindowMinutes: number;
  },
): Promise<Result<{ consultation: ConsultationRow; advisorName: string }, PassError>> {
  const quoted = await quotePass(tx, input);
  if (!quoted.ok) return quoted;
  const { entitlements } = await getEntitlements(tx, input.clientId, input.now);
  const allowed = decidePassAllowance(entitlements);
  if (!allowed.ok) return err({ code: "PLAN_REQUIRED_PASSES" });
  const q = quoted.value.quote;
  const currency: CurrencyCode = q.price.currency;
  const windowMinutes = Math.min(24 * 60, Math.max(30, input.paymentWindowMinutes));
  const paymentExpiresAt = new Date(input.now.getTime() + windowMinutes * 60_000);
  const startsAt = input.now;
  const endsAt = new Date(input.now.getTime() + q.days * DAY_MS);
  const { refundPolicy, holdWindowHours } = quoted.value;
  const id = crypto.randomUUID();
  const made = newConsultation({
    id,
    advisorId: input.advisorId,
    kind: "async_pass",
    paid: { price: q.price, platformFee: q.platformFee, advisorShare: q.advisorShare },
    refundPolicy,
    startsAt,
    endsAt,
    paymentExpiresAt,
    holdWindowHours,
  });
  // The quote was validated above, so this can't refuse; a refusal would be a bug.
  if (!made.ok) throw new Error(`pass not created: ${made.error.message}`);
  const row = await insertConsultation(tx, {
    id,
    clientId: input.clientId,
    advisorId: input.advisorId,
    kind: "async_pass",
    passDays: q.days,
    projectId: input.projectId,
    status: "awaiting_payment",
    startsAt,
    endsAt,
    durationMinutes: q.days * 24 * 60,
    currency,
    price: q.price.amount,
    platformFee: q.platformFee.amount,
    advisorShare: q.advisorShare.amount,
    refundablePrice: q.price.amount,
    refundableFee: q.platformFee.amount,
    refundableShare: q.advisorShare.amount,
    // A pass has no hourly rate; its day rate is price / passDays.
    hourlyRate: 0,
    quoteRules: q.rules,
    refundPolicy,
    holdWindowHours,
    paymentExpiresAt,
  });
  const eventId = `purchased:${id}`;
  const origin = { source: "procedure:passes.purchase", actorUserId: input.clientId };
  await insertConsultationEvent(tx, {
    consultationId: id,
    event: { id: eventId, type: "purchased", actor: "client" },
    origin,
    fromStatus: null,
    toStatus: "awaiting_payment",
    reason: null,
    data: { projectId: input.projectId, days: q.days, dayRate: q.dayRate.amount },
    at: input.now,
  });
  await performEffects(tx, {
    consultation: row,
    eventId,
    now: input.now,
    effects: made.value.effects,
    origin,
  });
  await enqueueJob(tx, "create_checkout", { consultationId: id });
  await writeAudit(tx, {
    actor: { kind: "user", userId: input.clientId },
    action: "pass.purchased",
    subjectType: "consultation",
    subjectId: id,
    after: {
      projectId: input.projectId,
      advisorId: input.advisorId,
      days: q.days,
      price: q.price.amount,
      currency,
    },
    requestId: input.requestId,
  });
  return ok({ consultation: row, advisorName: quoted.value.advisorName });
}

/**
 * The client cancels their pass: the machine applies the pass policy (everything back
 * before the advisor's first reply, the days not yet begun after it). Only the pass's
 * client, and only a pass: anything else is `not_found`.
 */
export async function cancelPassAsClient(
  tx: Executor,
  input: {
    consultationId: string;
    clientId: string;
    requestId: string;
    now: Date;
    reason?: string | null;
  },
): Promise<ApplyOutcome> {
  const row = await lockConsultation(tx, { id: input.consultationId });
  if (!row || row.kind !== "async_pass" || row.clientId !== input.clientId) {
    return { kind: "not_found" };
  }
  return applyConsultationEvent(tx, {
    consultationId: row.id,
    event: {
      type: "cancelled",
      onPlatform: true,
      id: requestEventId(input.requestId, "passes.cancel"),
      actor: "client",
    },
    now: input.now,
    origin: {
      source: "procedure:passes.cancel",
      actorUserId: input.clientId,
      reason: input.reason ?? null,
    },
  });
}
