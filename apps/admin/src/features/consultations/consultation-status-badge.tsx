import type { BadgeProps } from "@mantine/core";
import { CONSULTATION_STATUS_DISPLAY, type ConsultationStatus } from "./consultation-status";
import { StatusBadge } from "../../components/status-badge";

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
  const display = CONSULTATION_STATUS_DISPLAY[status];
  return (
    <StatusBadge
      label={display.label}
      color={display.color}
      meaning={display.meaning}
      size={size}
      data={{ "data-testid": testId, "data-status": status }}
    />
  );
}
