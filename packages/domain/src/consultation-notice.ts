/**
 * Pure formatting for consultation notices: meeting times in a person's own time zone,
 * durations, and which catalog keys a notice's subject and body come from. No clock and no
 * I/O: the caller passes the instants, the zone and the locale.
 */
import { dateTimeFormat, numberFormat } from "./intl-cache";

import type { ConsultationKind } from "./vocabulary";

/** The zone used when a stored time zone isn't one the runtime knows. */
export const FALLBACK_TIME_ZONE = "UTC";

/** Whether `timeZone` is an IANA zone name (or offset) this runtime can format in. */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone.trim() === "") return false;
  try {
    dateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

let zoneNames: Map<string, string> | undefined;

/** The runtime's listed zones (and UTC, which it doesn't list), keyed by lower-case name. */
function listedZones(): Map<string, string> {
  zoneNames ??= new Map(
    [...Intl.supportedValuesOf("timeZone"), "UTC"].map((zone) => [zone.toLowerCase(), zone]),
  );
  return zoneNames;
}

/**
 * The spelling to store for an IANA zone a person can live in ("europe/paris" →
 * "Europe/Paris", "UTC" stays "UTC"), or null. A listed zone gets the runtime's spelling;
 * an alias the runtime knows but doesn't list ("Asia/Kolkata" where ICU lists
 * "Asia/Calcutta", "US/Eastern") is kept as given rather than turned into a legacy name.
 * Offsets ("+01:00"), which newer Intl versions accept, are refused: they are no place
 * anyone lives in and don't follow daylight saving.
 */
export function canonicalTimeZone(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(trimmed))
    return null;
  return listedZones().get(trimmed.toLowerCase()) ?? (isValidTimeZone(trimmed) ? trimmed : null);
}

/**
 * The zone to show a time in: the person's own when it is valid, else UTC. A bad stored
 * zone must not stop a message from going out; UTC is always labelled, so it can't be
 * mistaken for local time.
 */
export function resolveTimeZone(timeZone: string | null | undefined): string {
  return timeZone && isValidTimeZone(timeZone) ? timeZone : FALLBACK_TIME_ZONE;
}

/**
 * A meeting's start as the reader sees it: weekday, date and time of day in `timeZone`,
 * with the zone's short name (`Friday, March 20, 2026 at 6:00 AM EDT`, `vendredi 20 mars
 * 2026 à 11:00 UTC+1`). The offset comes from the IANA rules for that instant, so it is
 * right on either side of a daylight-saving change. An unknown (null) or invalid zone falls
 * back to UTC.
 */
export function formatMeetingTime(
  at: Date,
  timeZone: string | null | undefined,
  locale: string,
): string {
  return dateTimeFormat(locale, {
    weekday: "long",
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZone: resolveTimeZone(timeZone),
    timeZoneName: "short",
  }).format(at);
}

/** A duration in minutes in words, in the locale (`60 minutes`, `60 Minuten`, `٦٠ دقيقة`). */
export function formatDuration(minutes: number, locale: string): string {
  return numberFormat(locale, {
    style: "unit",
    unit: "minute",
    unitDisplay: "long",
  }).format(minutes);
}

/**
 * Everything we tell a client, advisor or admin about a consultation. The machine's
 * `notify` effects use most of these names; `payment_link`, `booking_refused` and
 * `security_incident` come from the booking flow. The `pass_*` notices replace the
 * booking's wording for an async advice pass, which has no meeting to speak of.
 */
export const CONSULTATION_NOTICES = [
  "booking_confirmed",
  "payment_failed",
  "payment_expired",
  "reschedule_requested",
  "rescheduled",
  "cancelled",
  "consultation_completed",
  "no_show_reported",
  "no_show_rejected",
  "no_show_upheld",
  "refunded",
  "dispute_opened",
  "dispute_resolved",
  "earnings_released",
  "payout_sent",
  "chargeback_opened",
  "chargeback_won",
  "chargeback_lost",
  "payment_link",
  "booking_refused",
  "security_incident",
  "pass_confirmed",
  "pass_unanswered",
  "pass_cancelled",
  "pass_completed",
  "pass_refunded",
  "pass_payment_link",
  "pass_payment_failed",
  "pass_payment_expired",
  "pass_earnings_released",
  "pass_payout_sent",
] as const;
export type ConsultationNotice = (typeof CONSULTATION_NOTICES)[number];

/** A booking's notices that an async advice pass words its own way, and that way. */
const PASS_VARIANTS: Partial<Record<ConsultationNotice, ConsultationNotice>> = {
  booking_confirmed: "pass_confirmed",
  cancelled: "pass_cancelled",
  consultation_completed: "pass_completed",
  refunded: "pass_refunded",
  payment_link: "pass_payment_link",
  payment_failed: "pass_payment_failed",
  payment_expired: "pass_payment_expired",
  earnings_released: "pass_earnings_released",
  payout_sent: "pass_payout_sent",
};

/**
 * The notice to send about a consultation of `kind`: for an async advice pass, the pass's
 * own variant of a booking notice where it has one (a pass has no meeting, time slot or
 * calendar to speak of); otherwise `notice` itself. A missing kind is a booking.
 */
export function noticeFor(
  kind: ConsultationKind | null | undefined,
  notice: ConsultationNotice,
): ConsultationNotice {
  return (kind === "async_pass" && PASS_VARIANTS[notice]) || notice;
}

/** Who a consultation notice is written for. */
export const NOTICE_ROLES = ["client", "advisor", "admin"] as const;
export type NoticeRecipientRole = (typeof NOTICE_ROLES)[number];

/** Whom a transition's `notify` effect addresses: one party, or every admin. */
export type NoticeAudience = "client" | "advisor" | "admins";

/** Where a notice's texts live in the message catalogs. */
export const CONSULTATION_NOTICE_PREFIX = "notifications.consultation";

/**
 * The catalog keys for a notice's subject and body, most specific first, for a translator
 * that takes the first key it finds: the notice's own text for the role, then the role's
 * generic text, so a (notice, role) pair without its own text still sends something true.
 * With `refund`, a body variant that states the refunded amount (`body_refund`) comes first.
 */
export function consultationNoticeKeys(
  notice: string,
  role: NoticeRecipientRole,
  options: { refund?: boolean } = {},
): { subject: string[]; body: string[] } {
  const own = `${CONSULTATION_NOTICE_PREFIX}.${notice}.${role}`;
  const generic = `${CONSULTATION_NOTICE_PREFIX}.generic.${role}`;
  return {
    subject: [`${own}.subject`, `${generic}.subject`],
    body: [...(options.refund ? [`${own}.body_refund`] : []), `${own}.body`, `${generic}.body`],
  };
}
