import type { SimOrganizerInput } from "@an/billing";
import { type Db, findEventTypeHost } from "@an/db";

/**
 * The advisor hosting a Cal.com event type, as the simulated booking page shows them and
 * as the organizer of the booking it makes. Null when no advisor has that event type.
 */
export async function findOrganizerForEventType(
  db: Db,
  eventType: string,
): Promise<SimOrganizerInput | null> {
  const advisor = await findEventTypeHost(db, { eventType });
  if (!advisor) return null;
  return {
    key: advisor.userId,
    name: advisor.displayName,
    // Cal.com organizers always have an email; an advisor without one gets a stand-in.
    email:
      advisor.email ?? `${advisor.userId.replace(/[^A-Za-z0-9._-]+/g, "-")}@advisors.sim.invalid`,
    timeZone: advisor.timeZone,
    locale: advisor.locale ?? "en",
  };
}
