import {
  Button,
  Card,
  Grid,
  Group,
  Loader,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AdminView } from "./admin-view";
import { ClientView } from "./client-view";
import { ErrorNote } from "./error-note";
import { PAYABLE_PATH } from "./payout-step";
import { PayoutSteps } from "./payout-steps";
import { POLL_MS, type Prepared, type SandboxApi, sandboxQueryClient } from "./sandbox-api";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { DateTime, Data, Money } from "../../components/formatted";
import { formatDateTime } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";

/** Step 3: the client's consultations (live), and the selected one side by side with the admin's view. */
export function Watch({ api, prepared }: { api: SandboxApi; prepared: Prepared | null }) {
  const t = useT();
  const trpc = useTRPC();
  const locale = useLocale();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery(
    api.consultations.list.queryOptions({ as: "client", limit: 20 }, { refetchInterval: POLL_MS }),
    sandboxQueryClient,
  );
  const items = list.data?.items ?? [];
  // The newest booking is followed until another one is picked.
  const selectedId = selected ?? items[0]?.id ?? null;
  const admin = useQuery(
    trpc.consultations.getForAdmin.queryOptions(
      selectedId ? { consultationId: selectedId } : skipToken,
      {
        refetchInterval: POLL_MS,
      },
    ),
  );

  return (
    <Stack gap="md">
      <Card
        withBorder
        padding="md"
        component="section"
        aria-label={t("console.sandbox.watch.section")}
      >
        <Stack gap="sm">
          <Group justify="space-between" wrap="wrap">
            <Title order={4}>{t("console.sandbox.watch.title")}</Title>
            {list.isFetching ? (
              <Loader size="xs" aria-label={t("console.sandbox.watch.refreshing")} />
            ) : null}
          </Group>
          {list.isPending ? (
            <Loader size="sm" aria-label={t("console.sandbox.watch.loading")} />
          ) : list.isError ? (
            <ErrorNote error={list.error} title={t("console.sandbox.watch.loadFailed")} />
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t("console.sandbox.watch.empty")}
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table
                verticalSpacing={4}
                fz="sm"
                highlightOnHover
                aria-label={t("console.sandbox.watch.table")}
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t("console.sandbox.watch.starts")}</Table.Th>
                    <Table.Th>{t("console.sandbox.watch.advisor")}</Table.Th>
                    <Table.Th>{t("console.sandbox.watch.price")}</Table.Th>
                    <Table.Th>{t("console.sandbox.watch.status")}</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>{t("console.sandbox.watch.actions")}</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <Table.Tr
                      key={item.id}
                      data-consultation-id={item.id}
                      data-status={item.status}
                      bg={item.id === selectedId ? "var(--mantine-primary-color-light)" : undefined}
                    >
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        <DateTime value={item.startsAt} />
                      </Table.Td>
                      <Table.Td>
                        <Data>{item.advisor.displayName}</Data>
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: "nowrap" }}>
                        <Money amount={item.price} currency={item.currency} />
                      </Table.Td>
                      <Table.Td>
                        <ConsultationStatusBadge status={item.status} />
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="compact-xs"
                          variant={item.id === selectedId ? "filled" : "default"}
                          onClick={() => setSelected(item.id)}
                          aria-pressed={item.id === selectedId}
                          aria-label={t("console.sandbox.watch.watchLabel", {
                            at: formatDateTime(item.startsAt, locale),
                          })}
                        >
                          {t("console.sandbox.watch.watch")}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Stack>
      </Card>

      {selectedId ? (
        // The admin's side gets more room: its timeline and ledger are tables.
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Card
              withBorder
              padding="md"
              component="section"
              aria-label={t("console.sandbox.watch.asClient")}
              h="100%"
            >
              <Stack gap="sm">
                <Title order={4}>{t("console.sandbox.watch.asClient")}</Title>
                <ClientView
                  key={selectedId}
                  api={api}
                  consultationId={selectedId}
                  adminDetail={admin.data}
                  prepared={prepared}
                />
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Card
              withBorder
              padding="md"
              component="section"
              aria-label={t("console.sandbox.watch.asAdmin")}
            >
              <Stack gap="sm">
                <Title order={4}>{t("console.sandbox.watch.asAdmin")}</Title>
                {admin.isPending ? (
                  <Loader size="sm" aria-label={t("console.sandbox.watch.adminLoading")} />
                ) : admin.isError ? (
                  <ErrorNote
                    error={admin.error}
                    title={t("console.sandbox.watch.adminLoadFailed")}
                  />
                ) : (
                  <AdminView detail={admin.data} />
                )}
              </Stack>
            </Card>
          </Grid.Col>
        </Grid>
      ) : null}
      {/* Still shown once a paid-out consultation is refunded: the reversal is the point. */}
      {admin.data &&
      (PAYABLE_PATH.includes(admin.data.consultation.status) ||
        admin.data.ledger.some((e) => e.kind === "transfer")) ? (
        <PayoutSteps key={admin.data.consultation.id} detail={admin.data} />
      ) : null}
    </Stack>
  );
}
