/** The roles a user can hold. One user may hold several at once. */
export const ROLES = ["client", "advisor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Roles every new user gets on first sign-in: anyone may book a consultation. */
export const DEFAULT_ROLES: readonly Role[] = ["client"];

/** The two parties of a consultation: the client who books it and the advisor who gives it. */
export const PARTY_ROLES = ["client", "advisor"] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];
