import type { PayoutAccountRow } from "@an/db";

/** Plain words for what Stripe most often still needs; other keys are shown as they are. */
const REQUIREMENT_LABELS: Record<string, string> = {
  external_account: "Bank account for payouts",
  "tos_acceptance.date": "Accept Stripe's terms of service",
  "tos_acceptance.ip": "Accept Stripe's terms of service",
  "individual.first_name": "First name",
  "individual.last_name": "Last name",
  "individual.email": "Email address",
  "individual.phone": "Phone number",
  "individual.id_number": "Government ID number",
  "individual.ssn_last_4": "Last 4 digits of your SSN",
  "individual.verification.document": "Identity document",
  "individual.verification.additional_document": "Additional identity document",
  "business_profile.url": "Website or profile URL",
  "business_profile.mcc": "Business category",
  "business_profile.product_description": "Description of your services",
  business_type: "Business type",
};

/** Families of keys that read as one thing (`individual.dob.day` → "Date of birth"). */
const REQUIREMENT_PREFIXES: [string, string][] = [
  ["individual.dob.", "Date of birth"],
  ["individual.address.", "Home address"],
  ["company.", "Company details"],
];

/** A requirement key with a human label (the key itself when we have none). */
export function requirementLabel(key: string): { key: string; label: string } {
  const label =
    REQUIREMENT_LABELS[key] ?? REQUIREMENT_PREFIXES.find(([prefix]) => key.startsWith(prefix))?.[1];
  return { key, label: label ?? key };
}

/** The account's state as the advisor and admins see it (no provider ids beyond the account). */
export function accountView(account: PayoutAccountRow | null) {
  if (!account) return null;
  return {
    transfersCapability: account.transfersCapability,
    payoutsEnabled: account.payoutsEnabled,
    detailsSubmitted: account.detailsSubmitted,
    currentlyDue: account.currentlyDue.map(requirementLabel),
    pastDue: account.pastDue.map(requirementLabel),
    eventuallyDue: account.eventuallyDue.map(requirementLabel),
    disabledReason: account.disabledReason,
    syncedAt: account.syncedAt,
  };
}
