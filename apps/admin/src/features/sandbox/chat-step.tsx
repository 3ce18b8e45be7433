import { Card, Grid, Stack, Text, Title } from "@mantine/core";
import { AdvisorChatSide } from "./advisor-chat-side";
import { ClientChatSide } from "./client-chat-side";
import type { DemoSession } from "./sandbox-api";
import { useT } from "../../lib/i18n";

/**
 * The project chat, as the client and as an advisor side by side (stacked on narrow
 * screens): create a project, invite, accept, chat live, buy a pass, pay it and carry it
 * to a payout. Each side is its own demo user, token and cache; either half works alone,
 * so two tabs can each play one side.
 */
export function ChatStep({ client }: { client: DemoSession | null }) {
  const t = useT();
  return (
    <Card withBorder padding="md" component="section" aria-label={t("console.sandbox.chat.title")}>
      <Stack gap="sm">
        <Title order={4}>{t("console.sandbox.chat.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.sandbox.chat.intro")}
        </Text>
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Card
              withBorder
              padding="sm"
              component="section"
              aria-label={t("console.sandbox.chat.asClient")}
            >
              <Stack gap="sm">
                <Title order={5}>{t("console.sandbox.chat.asClient")}</Title>
                {client ? (
                  <ClientChatSide key={client.token} session={client} />
                ) : (
                  <Text size="sm" c="dimmed">
                    {t("console.sandbox.chat.pickClientFirst")}
                  </Text>
                )}
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 6 }}>
            <Card
              withBorder
              padding="sm"
              component="section"
              aria-label={t("console.sandbox.chat.asAdvisor")}
            >
              <Stack gap="sm">
                <Title order={5}>{t("console.sandbox.chat.asAdvisor")}</Title>
                <AdvisorChatSide />
              </Stack>
            </Card>
          </Grid.Col>
        </Grid>
      </Stack>
    </Card>
  );
}
