import { Badge, type BadgeProps, type MantineColor, Tooltip } from "@mantine/core";
import type { ReactNode } from "react";
import classes from "./status-badge.module.css";

/**
 * The console's one status badge: a coloured label (translated by the caller, keyed by the
 * status), explained on hover when `meaning` is given. It never truncates: its label wraps
 * or the badge grows instead of cutting "QUEUED" to "QUEU…" (Mantine's badge clips its label
 * with an ellipsis). Its colours reach AA contrast through the theme (lib/theme.ts).
 */
export function StatusBadge({
  label,
  color,
  meaning,
  size,
  variant = "light",
  data,
}: {
  label: ReactNode;
  color: MantineColor;
  meaning?: string | null;
  size?: BadgeProps["size"];
  variant?: BadgeProps["variant"];
  /** `data-*` attributes for tests and styling, e.g. `{ "data-status": "queued" }`. */
  data?: Record<`data-${string}`, string | undefined>;
}) {
  const badge = (
    <Badge
      color={color}
      variant={variant}
      size={size}
      classNames={{ root: classes.root, label: classes.label }}
      data-status-badge=""
      {...data}
    >
      {label}
    </Badge>
  );
  return meaning ? (
    <Tooltip label={meaning} multiline maw={280} withArrow>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}
