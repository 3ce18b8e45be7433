import { Code, Text } from "@mantine/core";

/**
 * A JSON value indented for reading (a string is shown as given: it may already be
 * formatted). "—" for nothing or an empty object.
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
      aria-label={label}
      style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere", maxHeight: 480, overflow: "auto" }}
    >
      {text}
    </Code>
  );
}
