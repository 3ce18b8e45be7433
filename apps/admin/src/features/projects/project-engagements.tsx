import { Button, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { EmptyRow, ListStates } from "../../components/list-states";
import { Data, DateTime, Money, Num } from "../../components/formatted";
import { formatDuration, formatMoney } from "../../lib/format";
import { useT } from "../../lib/i18n";
import type { ConsoleLocale } from "../../lib/session";
import { useTRPC } from "../../lib/trpc";
import { ConsultationStatusBadge } from "../consultations/consultation-status-badge";

/**
 * The async advice passes bought on the project, newest first, each with its chat activity:
 * the messages attributed to it and how long the advisor took to answer first.
 */
export function ProjectEngagements({
  projectId,
  locale,
}: {
  projectId: string;
  locale: ConsoleLocale;
}) {
  const t = useT();
  const trpc = useTRPC();
  const query = useQuery(trpc.passes.listForProject.queryOptions({ projectId }));
  const items = query.data?.items ?? [];
  return (
    <Stack gap="xs" component="section" aria-label={t("console.projects.engagements")}>
      <Title order={4}>{t("console.projects.engagements")}</Title>
      <Text size="sm" c="dimmed">
        {t("console.projects.engagementsHint")}
      </Text>
      <ListStates query={query} shown={items.length} noun={t("console.projects.engagements")}>
        <Table.ScrollContainer
          minWidth={1000}
          // Focusable, so a keyboard can scroll a table wider than a phone.
          scrollAreaProps={{
            viewportProps: {
              tabIndex: 0,
              role: "region",
              "aria-label": t("console.projects.engagements"),
            },
          }}
        >
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.projects.engagements")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.projects.advisor")}</Table.Th>
                <Table.Th>{t("console.projects.status")}</Table.Th>
                <Table.Th>{t("console.projects.window")}</Table.Th>
                <Table.Th>{t("console.projects.price")}</Table.Th>
                <Table.Th>{t("console.projects.messages")}</Table.Th>
                <Table.Th>{t("console.projects.firstResponse")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("console.projects.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((pass) => (
                <Table.Tr key={pass.consultationId} data-consultation-id={pass.consultationId}>
                  <Table.Td>
                    <Text size="sm">
                      <Data>{pass.advisorName}</Data>
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t("console.projects.passDays", { days: pass.days ?? "—" })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <ConsultationStatusBadge status={pass.status} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Text size="sm">
                      <DateTime value={pass.startsAt} />
                    </Text>
                    <Text size="xs" c="dimmed">
                      <DateTime value={pass.endsAt} />
                    </Text>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <Text size="sm">
                      <Money amount={pass.price} currency={pass.currency} />
                    </Text>
                    {pass.refundable !== pass.price ? (
                      <Text size="xs" c="dimmed">
                        {t("console.projects.refundable", {
                          amount: formatMoney(pass.refundable, pass.currency, locale),
                        })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {pass.activity ? <Num value={pass.activity.messageCount} /> : "—"}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    {formatDuration(pass.activity?.firstResponseSeconds ?? null, locale)}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="light"
                      component={Link}
                      to={`/consultations/${pass.consultationId}`}
                      aria-label={t("console.projects.openPassLabel", {
                        advisor: pass.advisorName,
                      })}
                    >
                      {t("console.projects.openPass")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
              {items.length === 0 ? (
                <EmptyRow colSpan={7}>{t("console.projects.noEngagements")}</EmptyRow>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>
    </Stack>
  );
}
