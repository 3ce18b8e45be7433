import { ProviderRejectedError } from "../ports";

/** Stripe's answer for an object it doesn't have (404 `resource_missing`). */
export const missing = (what: string, id: string) =>
  new ProviderRejectedError(`No such ${what}: '${id}'`, { code: "resource_missing" });

/** A refusal with Stripe's error code. */
export const refused = (code: string, message: string) =>
  new ProviderRejectedError(message, { code });
