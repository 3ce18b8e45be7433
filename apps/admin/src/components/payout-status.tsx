import { Badge, type BadgeProps, Group, Tooltip } from "@mantine/core";
import {
  PAYOUT_ITEM_STATUS_DISPLAY,
  PAYOUT_ITEM_STATUSES,
  type PayoutItemStatus,
  REVERSAL_STATUS_DISPLAY,
  type ReversalStatus,
} from "../lib/payouts";

/** A payout item's status as a coloured badge; hovering tells what it means. */
export function PayoutItemStatusBadge({
  status,
  size,
}: {
  status: PayoutItemStatus;
  size?: BadgeProps["size"];
}) {
  const display = PAYOUT_ITEM_STATUS_DISPLAY[status];
  return (
    <Tooltip label={display.meaning} multiline w={280} withArrow>
      <Badge color={display.color} variant="light" size={size} data-item-status={status}>
        {display.label}
      </Badge>
    </Tooltip>
  );
}

export function ReversalStatusBadge({ status }: { status: ReversalStatus }) {
  const display = REVERSAL_STATUS_DISPLAY[status];
  return (
    <Tooltip label={display.meaning} multiline w={280} withArrow>
      <Badge color={display.color} variant="light" data-reversal-status={status}>
        {display.label}
      </Badge>
    </Tooltip>
  );
}

/** A batch's items counted by status, e.g. "2 Sent · 1 Failed"; statuses with none are left out. */
export function ItemCounts({ counts }: { counts: Record<PayoutItemStatus, number> }) {
  const present = PAYOUT_ITEM_STATUSES.filter((s) => counts[s] > 0);
  if (present.length === 0) return <>—</>;
  return (
    <Group gap={4} wrap="wrap">
      {present.map((status) => (
        <Badge
          key={status}
          color={PAYOUT_ITEM_STATUS_DISPLAY[status].color}
          variant="light"
          size="sm"
          data-item-count={status}
        >
          {counts[status]} {PAYOUT_ITEM_STATUS_DISPLAY[status].label}
        </Badge>
      ))}
    </Group>
  );
}
