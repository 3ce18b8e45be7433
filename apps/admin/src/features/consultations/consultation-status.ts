import type { ConsultationStatus } from "@an/domain";
import type { MantineColor } from "@mantine/core";

export type { ConsultationStatus };

/**
 * Label, badge colour and a one-line meaning per status; a full record so a new status of
 * the state machine can't be forgotten here. Blue waits on the client, teal is money
 * flowing as planned, orange and red wait on an admin or went wrong, grey is over.
 */
export const CONSULTATION_STATUS_DISPLAY: Record<
  ConsultationStatus,
  { label: string; color: MantineColor; meaning: string }
> = {
  awaiting_payment: {
    label: "Awaiting payment",
    color: "blue",
    meaning: "Booked on Cal.com; the client hasn't paid yet.",
  },
  payment_expired: {
    label: "Payment expired",
    color: "gray",
    meaning: "The client didn't pay in time; the booking was released.",
  },
  confirmed: {
    label: "Confirmed",
    color: "teal",
    meaning: "Paid; the platform holds the money until after the meeting.",
  },
  reschedule_requested: {
    label: "Reschedule requested",
    color: "yellow",
    meaning: "The advisor asked the client to pick another time; the payment is kept.",
  },
  completed: {
    label: "Completed",
    color: "green",
    meaning: "The meeting is over; the hold window for no-shows and disputes is open.",
  },
  released: {
    label: "Released",
    color: "cyan",
    meaning: "The hold window passed; the advisor's share is payable.",
  },
  paid_out: {
    label: "Paid out",
    color: "indigo",
    meaning: "The advisor's share was transferred.",
  },
  cancelled: {
    label: "Cancelled",
    color: "gray",
    meaning: "Cancelled; refunded as the frozen policy says.",
  },
  no_show_client: {
    label: "No-show (client)",
    color: "orange",
    meaning: "The client is reported absent; an admin decides.",
  },
  no_show_advisor: {
    label: "No-show (advisor)",
    color: "orange",
    meaning: "The advisor is reported absent; an admin decides.",
  },
  disputed: {
    label: "Disputed",
    color: "red",
    meaning: "A client dispute or a chargeback froze the money.",
  },
  refunded: {
    label: "Refunded",
    color: "grape",
    meaning: "Everything the client paid went back to them.",
  },
};

/** Every status, in the order a consultation usually moves through them. */
export const CONSULTATION_STATUSES = Object.keys(
  CONSULTATION_STATUS_DISPLAY,
) as ConsultationStatus[];

export function isConsultationStatus(value: string): value is ConsultationStatus {
  return (CONSULTATION_STATUSES as string[]).includes(value);
}

/** The label of a status, or the raw value for one this console doesn't know (timeline rows). */
export function consultationStatusLabel(value: string | null): string {
  if (value === null) return "—";
  return isConsultationStatus(value) ? CONSULTATION_STATUS_DISPLAY[value].label : value;
}
