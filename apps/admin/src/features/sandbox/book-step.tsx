import {
  Button,
  Card,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorNote } from "./error-note";
import { type Prepared, type SandboxApi, sandboxQueryClient } from "./sandbox-api";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useLocale } from "../../lib/session";

/** The lengths `bookings.prepare` accepts, in minutes. */
const DURATIONS = [30, 45, 60, 90, 120] as const;

/** Step 2: pick an advisor and a length, prepare the booking and open its booking page. */
export function Book({
  api,
  onPrepared,
  prepared,
}: {
  api: SandboxApi;
  prepared: Prepared | null;
  onPrepared: (prepared: Prepared | null) => void;
}) {
  const locale = useLocale();
  const advisors = useQuery(api.discovery.search.queryOptions({ limit: 50 }), sandboxQueryClient);
  const [advisorId, setAdvisorId] = useState("");
  const [duration, setDuration] = useState<(typeof DURATIONS)[number]>(60);
  const [project, setProject] = useState("");
  const items = advisors.data?.items ?? [];
  const advisor = items.find((a) => a.userId === advisorId) ?? items[0];
  const prepare = useMutation(
    // The previous link goes while a new one is prepared: it would book the old quote.
    api.bookings.prepare.mutationOptions({
      onMutate: () => onPrepared(null),
      onSuccess: onPrepared,
    }),
    sandboxQueryClient,
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!advisor) return;
    prepare.mutate({
      advisorId: advisor.userId,
      durationMinutes: duration,
      project: project.trim() || undefined,
    });
  };
  return (
    <Card withBorder padding="md" component="section" aria-label="Book">
      <Stack gap="sm">
        <Title order={4}>2. Book an advisor</Title>
        {advisors.isPending ? (
          <Loader size="sm" aria-label="Loading advisors" />
        ) : advisors.isError ? (
          <ErrorNote error={advisors.error} title="Couldn't load advisors" />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            No bookable advisor yet: approve an application first (or run the quick start&apos;s
            marketplace seed).
          </Text>
        ) : (
          <form onSubmit={submit}>
            <Stack gap="sm">
              <Group align="flex-end" grow>
                <NativeSelect
                  label="Advisor"
                  value={advisor?.userId ?? ""}
                  data={items.map((a) => ({
                    value: a.userId,
                    label: `${a.displayName} · ${formatMoney(a.hourlyRate, a.currency, locale)}/h`,
                  }))}
                  onChange={(event) => setAdvisorId(event.currentTarget.value)}
                />
                <NativeSelect
                  label="Length"
                  value={String(duration)}
                  data={DURATIONS.map((d) => ({ value: String(d), label: `${d} minutes` }))}
                  onChange={(event) => {
                    const next = DURATIONS.find((d) => String(d) === event.currentTarget.value);
                    if (next) setDuration(next);
                  }}
                />
              </Group>
              <TextInput
                label="Project (optional)"
                maxLength={200}
                value={project}
                onChange={(event) => setProject(event.currentTarget.value)}
              />
              <Group>
                <Button type="submit" loading={prepare.isPending}>
                  Prepare booking
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        <ErrorNote error={prepare.error} title="Couldn't prepare the booking" />
        {prepared ? (
          <Stack gap="xs" data-testid="sandbox-prepared" data-intent-id={prepared.intentId}>
            <Text size="sm">
              Quote frozen: <b>{prepared.quote.formatted}</b> for {prepared.quote.durationMinutes}{" "}
              minutes · refund policy {prepared.refundPolicy.version} · link valid until{" "}
              {formatDateTime(prepared.expiresAt, locale)}
            </Text>
            <Group>
              <Button
                component="a"
                href={prepared.bookingUrl}
                target="_blank"
                rel="noopener"
                variant="light"
              >
                Open the booking page
              </Button>
              <Text size="xs" c="dimmed">
                Opens the simulated Cal.com in a new tab (its pages refuse to be framed). Book
                there; the consultation appears below.
              </Text>
            </Group>
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
