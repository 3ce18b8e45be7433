import type {
  ConsultationKind,
  ConsultationStatus,
  PayoutBatchKind,
  PayoutItemStatus,
} from "@an/domain";
import type { MoneyView } from "./money";

/** One currency's earnings, each amount formatted for the caller. */
export type EarningsBalanceView = {
  currency: string;
  pending: MoneyView;
  released: MoneyView;
  inTransit: MoneyView;
  paidOut: MoneyView;
  owed: MoneyView;
};

/** `earnings.getSummary`: balances per currency and whether payouts can happen. */
export type EarningsSummary = {
  balances: EarningsBalanceView[];
  nextPayoutAt: Date | null;
  /** The advisor's IANA zone: payout runs are local times in it, so show `nextPayoutAt` in it. */
  timeZone: string;
  payoutsHeld: boolean;
  accountOnboarded: boolean;
  accountReady: boolean;
};

/** One item of an advisor's payout: the consultation it paid and how much. */
export type EarningsPayoutItemView = {
  id: string;
  consultationId: string;
  gross: MoneyView;
  netted: MoneyView;
  amount: MoneyView;
  status: PayoutItemStatus;
  sentAt: Date | null;
};

/** One of the advisor's payout batches. */
export type EarningsPayoutView = {
  id: string;
  kind: PayoutBatchKind;
  scheduledFor: Date;
  createdAt: Date;
  settledAt: Date | null;
  gross: MoneyView;
  netted: MoneyView;
  total: MoneyView;
  items: EarningsPayoutItemView[];
};

/** `earnings.listPayouts`: one page, newest first. */
export type EarningsPayoutPage = { items: EarningsPayoutView[]; nextCursor: string | null };

/** One paid consultation as its advisor sees its money. */
export type EarningsConsultationView = {
  consultationId: string;
  /** `booking` or `async_pass`: passes are listed beside consultations. */
  kind: ConsultationKind;
  /** A pass's length in days; null for a booking. */
  passDays: number | null;
  startsAt: Date;
  endsAt: Date;
  status: ConsultationStatus;
  price: MoneyView;
  platformFee: MoneyView;
  advisorShare: MoneyView;
  refunded: MoneyView;
  shareAfterRefunds: MoneyView;
  payout: { status: PayoutItemStatus; amount: MoneyView; paidOutAt: Date | null } | null;
};

/** `earnings.listConsultations`: one page, newest start first. */
export type EarningsConsultationPage = {
  items: EarningsConsultationView[];
  nextCursor: string | null;
};
