import type { ConsultationStatus, Translator } from "@an/domain";
import type { MantineColor } from "@mantine/core";

export type { ConsultationStatus };

/**
 * Badge colour per status; a full record so a new status of the state machine can't be
 * forgotten here. Blue waits on the client, teal is money flowing as planned, orange and
 * red wait on an admin or went wrong, grey is over. Labels and meanings are in the catalog
 * under `console.consultations.status.*` and `console.consultations.statusMeaning.*`.
 */
export const CONSULTATION_STATUS_COLORS: Record<ConsultationStatus, MantineColor> = {
  awaiting_payment: "blue",
  payment_expired: "gray",
  confirmed: "teal",
  reschedule_requested: "yellow",
  completed: "green",
  released: "cyan",
  paid_out: "indigo",
  cancelled: "gray",
  no_show_client: "orange",
  no_show_advisor: "orange",
  disputed: "red",
  refunded: "grape",
};

/** Every status, in the order a consultation usually moves through them. */
export const CONSULTATION_STATUSES = Object.keys(
  CONSULTATION_STATUS_COLORS,
) as ConsultationStatus[];

export function isConsultationStatus(value: string): value is ConsultationStatus {
  return (CONSULTATION_STATUSES as string[]).includes(value);
}

/**
 * The label of a status in the operator's language, or the raw value for one this console
 * doesn't know (timeline rows of older events); "—" for none.
 */
export function consultationStatusLabel(value: string | null, t: Translator): string {
  if (value === null) return "—";
  return isConsultationStatus(value) ? t(`console.consultations.status.${value}`) : value;
}

/** What a status means, one line for the badge's tooltip. */
export function consultationStatusMeaning(status: ConsultationStatus, t: Translator): string {
  return t(`console.consultations.statusMeaning.${status}`);
}
