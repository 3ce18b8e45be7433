import { Table } from "@mantine/core";
import type { ReactNode } from "react";

/**
 * A wide table's box that scrolls sideways inside itself below `minWidth` px (a phone),
 * instead of widening the page. The box is a named region reachable by keyboard, so a
 * keyboard user can scroll it too (axe's scrollable-region-focusable).
 */
export function ScrollTable({
  minWidth,
  label,
  children,
}: {
  minWidth: number;
  /** The region's accessible name: usually the table's. */
  label: string;
  children: ReactNode;
}) {
  return (
    <Table.ScrollContainer
      type="native"
      // Positioned, so screen-reader-only text (absolutely placed) scrolls with the table
      // instead of stretching the page sideways.
      pos="relative"
      minWidth={minWidth}
      tabIndex={0}
      role="region"
      aria-label={label}
    >
      {children}
    </Table.ScrollContainer>
  );
}
