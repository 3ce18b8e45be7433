import {
  Badge,
  type BadgeProps,
  darken,
  type MantineColor,
  parseThemeColor,
  Tooltip,
  useMantineTheme,
} from "@mantine/core";
import type { CSSProperties, ReactNode } from "react";
import classes from "./status-badge.module.css";

/**
 * The console's one status badge: a coloured label (translated by the caller, keyed by the
 * status), explained on hover when `meaning` is given. It never truncates: its label wraps
 * or the badge grows instead of cutting "QUEUED" to "QUEU…" (Mantine's badge clips its label
 * with an ellipsis).
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
  const theme = useMantineTheme();
  const parsed = parseThemeColor({ color, theme });
  // Mantine's light and outline badges write in the colour's 6th shade, under 4.5:1 against
  // their tint for yellow, teal or green: a darkened 9th shade stays recognisable and reads.
  const tinted = variant === "light" || variant === "outline" || variant === "transparent";
  const style: CSSProperties | undefined =
    tinted && parsed.isThemeColor && parsed.color in theme.colors
      ? ({
          "--badge-color": darken(theme.colors[parsed.color]![9], 0.3),
        } as CSSProperties)
      : undefined;
  const badge = (
    <Badge
      color={color}
      variant={variant}
      size={size}
      autoContrast={variant === "filled"}
      classNames={{ root: classes.root, label: classes.label }}
      style={style}
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
