import type { ApplicationStatus } from "@an/domain";
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

/** Label and badge colour per status; a full record so a new status can't be forgotten. */
export const APPLICATION_STATUS_DISPLAY: Record<
  ApplicationStatus,
  { label: string; color: MantineColor }
> = {
  draft: { label: "Draft", color: "gray" },
  submitted: { label: "Waiting for review", color: "blue" },
  changes_requested: { label: "Changes requested", color: "yellow" },
  approved: { label: "Approved", color: "teal" },
  rejected: { label: "Rejected", color: "red" },
};

export function isApplicationStatus(value: string): value is ApplicationStatus {
  return (APPLICATION_STATUSES as readonly string[]).includes(value);
}
