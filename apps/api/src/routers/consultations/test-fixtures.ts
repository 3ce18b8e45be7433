import { randomUUID } from "node:crypto";
import type { Providers, SchedulingPort } from "@an/billing";
import { type Db, getUserWithRoles } from "@an/db";
import type { Locale } from "@an/domain";
import { createContextInner, developmentBilling } from "../../trpc/context";
import { createCaller } from "../../trpc/router";

/**
 * A scheduling port whose booking page is a plain URL carrying the token, as Cal.com's
 * does in `metadata[bookingToken]`; the other calls are never made by these procedures.
 */
const testScheduling: SchedulingPort = {
  mode: "simulated",
  bookingUrl: ({ eventType, bookingToken, name, email }) => {
    const url = new URL(`https://cal.test/${eventType}`);
    url.searchParams.set("metadata[bookingToken]", bookingToken);
    if (name) url.searchParams.set("name", name);
    if (email) url.searchParams.set("email", email);
    return url.toString();
  },
  cancelBooking: () => Promise.reject(new Error("not called by procedures")),
  listBookings: () => Promise.reject(new Error("not called by procedures")),
};

export const testProviders: Providers = {
  payments: developmentBilling().providers.payments,
  scheduling: testScheduling,
  subscriptions: developmentBilling().providers.subscriptions,
};

let requests = 0;

/**
 * A caller for `userId` (null: anonymous) at a fixed `now`, each call with a fresh
 * request id (procedures key their events on it, as they do over HTTP).
 */
export async function callerFor(
  db: Db,
  userId: string | null,
  options: { now?: Date; locale?: Locale; requestId?: string } = {},
) {
  const user = userId ? await getUserWithRoles(db, { id: userId }) : null;
  requests += 1;
  return createCaller(
    createContextInner({
      db,
      user,
      locale: options.locale,
      requestId: options.requestId ?? `req-test-${requests}-${randomUUID()}`,
      providers: testProviders,
      now: () => options.now ?? new Date(),
    }),
  );
}
