import type { ApplicationStatus, Translator } from "@an/domain";
import type { MantineColor } from "@mantine/core";

export type { ApplicationStatus };

/** Every application status, in the order an application moves through them. */
export const APPLICATION_STATUSES = [
  "submitted",
  "changes_requested",
  "draft",
  "approved",
  "rejected",
] as const satisfies readonly ApplicationStatus[];

/** Badge colour per status; a full record so a new status can't be forgotten. */
export const APPLICATION_STATUS_COLORS: Record<ApplicationStatus, MantineColor> = {
  draft: "gray",
  submitted: "blue",
  changes_requested: "yellow",
  approved: "teal",
  rejected: "red",
};

/** A status's label in the console's language, from `console.applications.status.<status>`. */
export function applicationStatusLabel(t: Translator, status: ApplicationStatus): string {
  return t(`console.applications.status.${status}`);
}

export function isApplicationStatus(value: string): value is ApplicationStatus {
  return (APPLICATION_STATUSES as readonly string[]).includes(value);
}
