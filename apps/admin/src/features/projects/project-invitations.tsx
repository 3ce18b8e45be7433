import { Button, Stack, Table, Text, Title, VisuallyHidden } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { EmptyRow, ListStates } from "../../components/list-states";
import { Data, DateTime } from "../../components/formatted";
import { useT } from "../../lib/i18n";
import { useTRPC } from "../../lib/trpc";
import type { RouterOutputs } from "../../lib/trpc";
import { InvitationStatusBadge } from "./project-status-badge";

/** An invitation as the project page lists it. */
export type Invitation = RouterOutputs["invitations"]["listForProject"]["items"][number];

/** The advisors invited into the project's chat, newest first, with their scope. */
export function ProjectInvitations({
  projectId,
  onRevoke,
}: {
  projectId: string;
  onRevoke: (invitation: Invitation) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const query = useQuery(trpc.invitations.listForProject.queryOptions({ projectId }));
  const items = query.data?.items ?? [];
  const yesNo = (value: boolean) =>
    value ? t("console.conversations.yes") : t("console.conversations.no");
  return (
    <Stack gap="xs" component="section" aria-label={t("console.projects.invitations")}>
      <Title order={4}>{t("console.projects.invitations")}</Title>
      <ListStates query={query} shown={items.length} noun={t("console.projects.invitations")}>
        <Table.ScrollContainer
          minWidth={900}
          // Focusable, so a keyboard can scroll a table wider than a phone.
          scrollAreaProps={{
            viewportProps: {
              tabIndex: 0,
              role: "region",
              "aria-label": t("console.projects.invitations"),
            },
          }}
        >
          <Table verticalSpacing={4} fz="sm" aria-label={t("console.projects.invitations")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.projects.advisor")}</Table.Th>
                <Table.Th>{t("console.projects.status")}</Table.Th>
                <Table.Th>{t("console.projects.seesHistory")}</Table.Th>
                <Table.Th>{t("console.projects.mayPost")}</Table.Th>
                <Table.Th>{t("console.projects.expires")}</Table.Th>
                <Table.Th>{t("console.projects.invited")}</Table.Th>
                <Table.Th>
                  <VisuallyHidden>{t("console.projects.actions")}</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((inv) => (
                <Table.Tr key={inv.id} data-invitation-id={inv.id}>
                  <Table.Td>
                    <Text size="sm">
                      <Data>{inv.advisor.displayName}</Data>
                    </Text>
                    {inv.message ? (
                      <Text size="xs" c="dimmed" dir="auto" style={{ overflowWrap: "anywhere" }}>
                        {inv.message}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    <InvitationStatusBadge status={inv.status} />
                    {inv.revokedReason ? (
                      <Text size="xs" c="dimmed" dir="auto">
                        {inv.revokedReason}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{yesNo(inv.seesHistory)}</Table.Td>
                  <Table.Td>{yesNo(inv.canPost)}</Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={inv.expiresAt} />
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: "nowrap" }}>
                    <DateTime value={inv.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {inv.actions.revoke ? (
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => onRevoke(inv)}
                        aria-label={t("console.projects.revokeLabel", {
                          advisor: inv.advisor.displayName,
                        })}
                      >
                        {t("console.projects.revoke")}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
              {items.length === 0 ? (
                <EmptyRow colSpan={7}>{t("console.projects.noInvitations")}</EmptyRow>
              ) : null}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </ListStates>
    </Stack>
  );
}
