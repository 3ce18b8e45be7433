import { Code, Text } from "@mantine/core";

/**
 * A JSON value indented for reading (a string is shown as given: it may already be
 * formatted). "—" for nothing or an empty object. Code reads left to right in any locale,
 * and a long body scrolls inside the block rather than widening a phone's page.
 */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  if (
    value === null ||
    value === undefined ||
    (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0)
  ) {
    return (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  }
  const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
  return (
    <Code
      block
      dir="ltr"
      translate="no"
      // Scrollable, so reachable by keyboard; a region so its name is allowed and read.
      role={label ? "region" : undefined}
      aria-label={label}
      tabIndex={0}
      style={{
        whiteSpace: "pre-wrap",
        overflowWrap: "anywhere",
        maxHeight: 480,
        maxWidth: "100%",
        overflow: "auto",
      }}
    >
      {text}
    </Code>
  );
}
