import type { InvitationStatus } from "@an/domain";
import type { MantineColor } from "@mantine/core";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";

/** A project's state: active, or archived (read-only until unarchived). */
export function ProjectStatusBadge({ archivedAt }: { archivedAt: string | null }) {
  const t = useT();
  return archivedAt ? (
    <StatusBadge
      label={t("console.projects.archived")}
      color="gray"
      data={{ "data-project-status": "archived" }}
    />
  ) : (
    <StatusBadge
      label={t("console.projects.active")}
      color="teal"
      data={{ "data-project-status": "active" }}
    />
  );
}

/** Badge colour per invitation status; a full record so a new status can't be forgotten. */
const INVITATION_COLORS: Record<InvitationStatus, MantineColor> = {
  pending: "blue",
  accepted: "teal",
  declined: "gray",
  revoked: "red",
  expired: "gray",
};

/** An invitation's status; hovering tells what it means. */
export function InvitationStatusBadge({ status }: { status: InvitationStatus }) {
  const t = useT();
  return (
    <StatusBadge
      label={t(`console.projects.invitationStatus.${status}`)}
      meaning={t(`console.projects.invitationMeaning.${status}`)}
      color={INVITATION_COLORS[status]}
      data={{ "data-invitation-status": status }}
    />
  );
}
