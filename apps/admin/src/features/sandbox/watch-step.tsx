import { Button, Card, Grid, Group, Loader, Stack, Table, Text, Title } from "@mantine/core";
import { skipToken, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { AdminView } from "./admin-view";
import { ClientView } from "./client-view";
import { ErrorNote } from "./error-note";
import { PAYABLE_PATH } from "./payout-step";
import { PayoutSteps } from "./payout-steps";
import { POLL_MS, type Prepared, type SandboxApi, sandboxQueryClient } from "./sandbox-api";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";

/** Step 3: the client's consultations (live), and the selected one side by side with the admin's view. */
export function Watch({ api, prepared }: { api: SandboxApi; prepared: Prepared | null }) {
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
      <Card withBorder padding="md" component="section" aria-label="The client's consultations">
        <Stack gap="sm">
          <Group justify="space-between">
            <Title order={4}>3. The client&apos;s consultations</Title>
            {list.isFetching ? <Loader size="xs" aria-label="Refreshing" /> : null}
          </Group>
          {list.isPending ? (
            <Loader size="sm" aria-label="Loading the client's consultations" />
          ) : list.isError ? (
            <ErrorNote error={list.error} title="Couldn't load the client's consultations" />
          ) : items.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet. Book on the booking page: the consultation shows up here once the simulated
              Cal.com&apos;s webhook is processed.
            </Text>
          ) : (
            <Table verticalSpacing={4} fz="sm" highlightOnHover aria-label="Sandbox consultations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Starts</Table.Th>
                  <Table.Th>Advisor</Table.Th>
                  <Table.Th>Price</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
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
                      {formatDateTime(item.startsAt, locale)}
                    </Table.Td>
                    <Table.Td>{item.advisor.displayName}</Table.Td>
                    <Table.Td>{formatMoney(item.price, item.currency, locale)}</Table.Td>
                    <Table.Td>
                      <ConsultationStatusBadge status={item.status} />
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant={item.id === selectedId ? "filled" : "default"}
                        onClick={() => setSelected(item.id)}
                        aria-pressed={item.id === selectedId}
                        aria-label={`Watch the consultation on ${formatDateTime(item.startsAt, locale)}`}
                      >
                        Watch
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Card>

      {selectedId ? (
        // The admin's side gets more room: its timeline and ledger are tables.
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <Card withBorder padding="md" component="section" aria-label="As the client" h="100%">
              <Stack gap="sm">
                <Title order={4}>As the client</Title>
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
            <Card withBorder padding="md" component="section" aria-label="As the admin">
              <Stack gap="sm">
                <Title order={4}>As the admin</Title>
                {admin.isPending ? (
                  <Loader size="sm" aria-label="Loading the admin's view" />
                ) : admin.isError ? (
                  <ErrorNote error={admin.error} title="Couldn't load the admin's view" />
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
