import type { BadgeProps } from "@mantine/core";
import {
  CONSULTATION_STATUS_COLORS,
  type ConsultationStatus,
  consultationStatusLabel,
  consultationStatusMeaning,
} from "./consultation-status";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";

/** A consultation's status as a coloured badge; hovering tells what it means. */
export function ConsultationStatusBadge({
  status,
  size,
  testId,
}: {
  status: ConsultationStatus;
  size?: BadgeProps["size"];
  testId?: string;
}) {
  const t = useT();
  return (
    <StatusBadge
      label={consultationStatusLabel(status, t)}
      color={CONSULTATION_STATUS_COLORS[status]}
      meaning={consultationStatusMeaning(status, t)}
      size={size}
      data={{ "data-testid": testId, "data-status": status }}
    />
  );
}
