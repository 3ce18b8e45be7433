import { applyEvent, needsAdminAttention } from "./consultation-machine";
import type { Consultation, EventPayload, TransitionErrorCode } from "./consultation-types";
import type { PartyRole } from "./roles";

/** What a client or an advisor can do to their own consultation. */
export const PARTY_ACTIONS = ["cancel", "reportNoShow", "openDispute"] as const;
export type PartyAction = (typeof PARTY_ACTIONS)[number];

/** What an admin can decide on a consultation. */
export const ADMIN_ACTIONS = ["refund", "resolveDispute", "resolveNoShow", "markNoShow"] as const;
export type AdminAction = (typeof ADMIN_ACTIONS)[number];

/** Whether an action is open now and, when it isn't, the machine's reason. */
export type ActionCheck =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly code: TransitionErrorCode;
      /** Refused because an admin has to decide first (a no-show report, a dispute). */
      readonly underReview: boolean;
    };

/**
 * The event a party's action sends, as `role`: a cancellation made on the platform, a
 * no-show report about the *other* side, a dispute. The commands send exactly these.
 */
export function partyEvent(action: PartyAction, role: PartyRole): EventPayload {
  switch (action) {
    case "cancel":
      return { type: "cancelled", onPlatform: true };
    case "reportNoShow":
      return { type: "no_show_reported", absent: role === "client" ? "advisor" : "client" };
    case "openDispute":
      return { type: "dispute_opened" };
  }
}

const PROBE_ID = "probe";

function check(
  c: Consultation,
  payload: EventPayload,
  actor: "client" | "advisor" | "admin",
  now: Date,
): ActionCheck {
  const result = applyEvent(c, { ...payload, id: PROBE_ID, actor }, now);
  if (result.ok) return { allowed: true };
  const code = result.error.code;
  return {
    allowed: false,
    code,
    underReview: code === "NOT_ALLOWED" && needsAdminAttention(c.status),
  };
}

/**
 * What `role` may do to `c` at `now`, found by dry-running each action's event through the
 * machine as that side: state, actor rules and guards (start time, hold window) all come
 * from the transition table, so a caller never keeps a list of its own.
 */
export function partyActions(
  c: Consultation,
  role: PartyRole,
  now: Date,
): Record<PartyAction, ActionCheck> {
  return {
    cancel: check(c, partyEvent("cancel", role), role, now),
    reportNoShow: check(c, partyEvent("reportNoShow", role), role, now),
    openDispute: check(c, partyEvent("openDispute", role), role, now),
  };
}

/**
 * What an admin may decide on `c` at `now`, by the same dry run: a refund of what is still
 * refundable, ruling on a client's dispute (a chargeback is the bank's), ruling on a no-show
 * report either way, recording a no-show inside the hold window.
 */
export function adminActions(c: Consultation, now: Date): Record<AdminAction, ActionCheck> {
  const ruling = check(c, { type: "no_show_resolved", upheld: false }, "admin", now);
  return {
    refund: check(c, { type: "admin_refund", amount: c.refundable.price }, "admin", now),
    resolveDispute: check(
      c,
      { type: "dispute_resolved", refund: { amount: 0, currency: c.refundable.price.currency } },
      "admin",
      now,
    ),
    resolveNoShow: ruling.allowed
      ? ruling
      : check(c, { type: "no_show_resolved", upheld: true }, "admin", now),
    markNoShow: check(c, { type: "no_show_reported", absent: "client" }, "admin", now),
  };
}
