import { type BadgeProps, Group } from "@mantine/core";
import {
  PAYOUT_ITEM_STATUS_COLORS,
  PAYOUT_ITEM_STATUSES,
  type PayoutItemStatus,
  REVERSAL_STATUS_COLORS,
  type ReversalStatus,
} from "../../lib/payouts";
import { StatusBadge } from "../../components/status-badge";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";

/** A payout item's status as a coloured badge; hovering tells what it means. */
export function PayoutItemStatusBadge({
  status,
  size,
}: {
  status: PayoutItemStatus;
  size?: BadgeProps["size"];
}) {
  const t = useT();
  return (
    <StatusBadge
      label={t(`console.payouts.itemStatus.${status}`)}
      color={PAYOUT_ITEM_STATUS_COLORS[status]}
      meaning={t(`console.payouts.itemStatusMeaning.${status}`)}
      size={size}
      data={{ "data-item-status": status }}
    />
  );
}

export function ReversalStatusBadge({ status }: { status: ReversalStatus }) {
  const t = useT();
  return (
    <StatusBadge
      label={t(`console.payouts.reversalStatus.${status}`)}
      color={REVERSAL_STATUS_COLORS[status]}
      meaning={t(`console.payouts.reversalStatusMeaning.${status}`)}
      data={{ "data-reversal-status": status }}
    />
  );
}

/** A batch's items counted by status, e.g. "2 Sent · 1 Failed"; statuses with none are left out. */
export function ItemCounts({ counts }: { counts: Record<PayoutItemStatus, number> }) {
  const t = useT();
  const locale = useLocale();
  const present = PAYOUT_ITEM_STATUSES.filter((s) => counts[s] > 0);
  if (present.length === 0) return <>—</>;
  return (
    <Group gap={4} wrap="wrap">
      {present.map((status) => (
        <StatusBadge
          key={status}
          label={t(`console.payouts.itemCount.${status}`, {
            count: counts[status],
            n: formatNumber(counts[status], locale),
          })}
          color={PAYOUT_ITEM_STATUS_COLORS[status]}
          size="sm"
          data={{ "data-item-count": status }}
        />
      ))}
    </Group>
  );
}
