/**
 * What an advisor may ever see of a client: their first name. Never the email, last name
 * or anything about payment. Every advisor-facing output that mentions a client goes
 * through this one projection.
 */
export type ClientSeenByAdvisor = { readonly firstName: string };

/** Projects a client for an advisor's eyes. A missing first name shows as "Client". */
export function clientForAdvisor(client: { firstName: string | null }): ClientSeenByAdvisor {
  const firstName = client.firstName?.trim();
  return { firstName: firstName ? firstName : "Client" };
}
