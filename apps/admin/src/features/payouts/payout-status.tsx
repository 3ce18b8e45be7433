import { type BadgeProps, Group } from "@mantine/core";
import {
  PAYOUT_ITEM_STATUS_DISPLAY,
  PAYOUT_ITEM_STATUSES,
  type PayoutItemStatus,
  REVERSAL_STATUS_DISPLAY,
  type ReversalStatus,
} from "../../lib/payouts";
import { StatusBadge } from "../../components/status-badge";

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
    <StatusBadge
      label={display.label}
      color={display.color}
      meaning={display.meaning}
      size={size}
      data={{ "data-item-status": status }}
    />
  );
}

export function ReversalStatusBadge({ status }: { status: ReversalStatus }) {
  const display = REVERSAL_STATUS_DISPLAY[status];
  return (
    <StatusBadge
      label={display.label}
      color={display.color}
      meaning={display.meaning}
      data={{ "data-reversal-status": status }}
    />
  );
}

/** A batch's items counted by status, e.g. "2 Sent · 1 Failed"; statuses with none are left out. */
export function ItemCounts({ counts }: { counts: Record<PayoutItemStatus, number> }) {
  const present = PAYOUT_ITEM_STATUSES.filter((s) => counts[s] > 0);
  if (present.length === 0) return <>—</>;
  return (
    <Group gap={4} wrap="wrap">
      {present.map((status) => (
        <StatusBadge
          key={status}
          label={`${counts[status]} ${PAYOUT_ITEM_STATUS_DISPLAY[status].label}`}
          color={PAYOUT_ITEM_STATUS_DISPLAY[status].color}
          size="sm"
          data={{ "data-item-count": status }}
        />
      ))}
    </Group>
  );
}
