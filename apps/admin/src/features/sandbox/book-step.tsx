import {
  Button,
  Card,
  Group,
  Loader,
  SimpleGrid,
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
import { Sentence } from "./sentence";
import { withLocale } from "./sim-links";
import { formatDateTime, formatMoney, formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
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
  const t = useT();
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
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.sandbox.book.section")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.sandbox.book.title")}</Title>
        {advisors.isPending ? (
          <Loader size="sm" aria-label={t("console.sandbox.book.loading")} />
        ) : advisors.isError ? (
          <ErrorNote error={advisors.error} title={t("console.sandbox.book.loadFailed")} />
        ) : items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.sandbox.book.noAdvisor")}
          </Text>
        ) : (
          <form onSubmit={submit}>
            <Stack gap="sm">
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm" verticalSpacing="xs">
                <NativeSelect
                  label={t("console.sandbox.book.advisor")}
                  value={advisor?.userId ?? ""}
                  data={items.map((a) => ({
                    value: a.userId,
                    label: t("console.sandbox.book.advisorOption", {
                      name: a.displayName,
                      rate: formatMoney(a.hourlyRate, a.currency, locale),
                    }),
                  }))}
                  onChange={(event) => setAdvisorId(event.currentTarget.value)}
                />
                <NativeSelect
                  label={t("console.sandbox.book.length")}
                  value={String(duration)}
                  data={DURATIONS.map((d) => ({
                    value: String(d),
                    label: t("console.sandbox.book.minutes", {
                      count: d,
                      n: formatNumber(d, locale),
                    }),
                  }))}
                  onChange={(event) => {
                    const next = DURATIONS.find((d) => String(d) === event.currentTarget.value);
                    if (next) setDuration(next);
                  }}
                />
              </SimpleGrid>
              <TextInput
                label={t("console.sandbox.book.project")}
                maxLength={200}
                value={project}
                onChange={(event) => setProject(event.currentTarget.value)}
              />
              <Group>
                <Button type="submit" loading={prepare.isPending}>
                  {t("console.sandbox.book.prepare")}
                </Button>
              </Group>
            </Stack>
          </form>
        )}
        <ErrorNote error={prepare.error} title={t("console.sandbox.book.prepareFailed")} />
        {prepared ? (
          <Stack gap="xs" data-testid="sandbox-prepared" data-intent-id={prepared.intentId}>
            <Text size="sm">
              <Sentence
                k="console.sandbox.book.quoteFrozen"
                values={{
                  price: prepared.quote.formatted,
                  count: prepared.quote.durationMinutes,
                  n: formatNumber(prepared.quote.durationMinutes, locale),
                  policy: prepared.refundPolicy.version,
                  until: formatDateTime(prepared.expiresAt, locale),
                }}
              />
            </Text>
            <Group wrap="wrap">
              <Button
                component="a"
                href={withLocale(prepared.bookingUrl, locale)}
                target="_blank"
                rel="noopener"
                variant="light"
              >
                {t("console.sandbox.book.openBookingPage")}
              </Button>
              <Text size="xs" c="dimmed">
                {t("console.sandbox.book.openHint")}
              </Text>
            </Group>
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
