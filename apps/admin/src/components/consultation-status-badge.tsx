import { Badge, type BadgeProps, Tooltip } from "@mantine/core";
import { CONSULTATION_STATUS_DISPLAY, type ConsultationStatus } from "../lib/consultation-status";

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
    <Tooltip label={display.meaning} multiline w={280} withArrow>
      <Badge
        color={display.color}
        variant="light"
        size={size}
        data-testid={testId}
        data-status={status}
      >
        {display.label}
      </Badge>
    </Tooltip>
  );
}
