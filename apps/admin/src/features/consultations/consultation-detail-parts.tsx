import { Stack, Text, Title } from "@mantine/core";
import type { ReactNode } from "react";
import { Trans } from "react-i18next";
import { DateTime } from "../../components/formatted";
import { getViewerTimeZone } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { directionOf, useLocale } from "../../lib/session";

/**
 * Wraps interpolated data (an amount, a name) in first-strong isolates when the console
 * reads right to left, for text that can't hold a `<bdi>` (notifications, accessible
 * names). Left-to-right text is left as written.
 */
export function useIsolate(): (text: string) => string {
  const rtl = directionOf(useLocale()) === "rtl";
  return (text) => (rtl ? `\u2068${text}\u2069` : text);
}

/** A small uppercase label above its value. */
export function Field({ label, children }: { label: ReactNode; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <div>{children}</div>
    </Stack>
  );
}

/** A party of the consultation and the zone they live in (null while it's unknown). */
export type PartyZone = { party: "client" | "advisor"; zone: string | null | undefined };

/**
 * An instant in the viewer's zone (the zone shown), in UTC beneath, and in the parties' own
 * zones where those differ from the viewer's, each labelled with whose time it is.
 */
export function Instant({
  value,
  parties = [],
  testId,
}: {
  value: string | null;
  parties?: readonly PartyZone[];
  testId?: string;
}) {
  const t = useT();
  if (!value) return <Text size="sm">—</Text>;
  const viewer = getViewerTimeZone();
  const byZone = new Map<string, Set<PartyZone["party"]>>();
  for (const { party, zone } of parties) {
    if (!zone || zone === viewer) continue;
    byZone.set(zone, (byZone.get(zone) ?? new Set()).add(party));
  }
  return (
    <Stack gap={0}>
      <Text size="sm" data-testid={testId}>
        <DateTime value={value} />
      </Text>
      {viewer === "UTC" || byZone.has("UTC") ? null : (
        <Text size="xs" c="dimmed">
          <DateTime value={value} timeZone="UTC" />
        </Text>
      )}
      {[...byZone].map(([zone, whose]) => (
        <Text key={zone} size="xs" c="dimmed" data-party-zone={[...whose].join(" ")}>
          <Trans
            t={t}
            i18nKey={
              whose.size > 1
                ? "console.consultations.times.bothTime"
                : whose.has("client")
                  ? "console.consultations.times.clientTime"
                  : "console.consultations.times.advisorTime"
            }
            values={{ zone }}
            components={{ bdi: <bdi /> }}
          />{" "}
          <DateTime value={value} timeZone={zone} />
        </Text>
      ))}
    </Stack>
  );
}

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
