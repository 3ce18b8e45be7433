import { Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { formatDateTime } from "../../lib/format";
import type { ConsoleLocale } from "../../lib/session";

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** An instant in a given IANA zone, e.g. "Nov 1, 2026, 10:00 AM"; "—" when absent. */
export function formatInZone(
  value: string | null | undefined,
  locale: ConsoleLocale,
  timeZone: string,
): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  try {
    return new Intl.DateTimeFormat(locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone,
    }).format(date);
  } catch {
    return date.toISOString();
  }
}

/** A small uppercase label above its value. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** An instant in the admin's zone, with UTC (and optionally another zone) beneath. */
export function Instant({
  value,
  locale,
  otherZone,
  testId,
}: {
  value: string | null;
  locale: ConsoleLocale;
  otherZone?: { label: string; zone: string };
  testId?: string;
}) {
  if (!value) return <Text size="sm">—</Text>;
  return (
    <Stack gap={0}>
      <Text size="sm" data-testid={testId}>
        {formatDateTime(value, locale)}{" "}
        <Text span size="xs" c="dimmed">
          ({BROWSER_ZONE})
        </Text>
      </Text>
      <Text size="xs" c="dimmed">
        {formatInZone(value, locale, "UTC")} UTC
      </Text>
      {otherZone && otherZone.zone !== BROWSER_ZONE ? (
        <Text size="xs" c="dimmed">
          {formatInZone(value, locale, otherZone.zone)} {otherZone.label} ({otherZone.zone})
        </Text>
      ) : null}
    </Stack>
  );
}

/** A titled section of the detail page, named for assistive technology by its title. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Stack gap="xs" component="section" aria-label={title}>
      <Title order={4}>{title}</Title>
      {children}
    </Stack>
  );
}

/** The dimmed line a section shows when it has nothing to list. */
export function Nothing({ children }: { children: ReactNode }) {
  return (
    <Text size="sm" c="dimmed">
      {children}
    </Text>
  );
}
