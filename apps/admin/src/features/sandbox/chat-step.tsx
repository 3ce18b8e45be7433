import { Button, Card, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { AdvisorChatSide } from "./advisor-chat-side";
import { ClientChatSide } from "./client-chat-side";
import type { DemoSession } from "./sandbox-api";
import { useT } from "../../lib/i18n";

/**
 * The project chat, as the client and as an advisor side by side (stacked on narrow
 * screens): create a project, invite, accept, chat live, buy a pass, pay it and carry it
 * to a payout. Each side is its own demo user, token and cache; either half works alone,
 * so two tabs can each play one side. Opened on demand (and kept open for the tab): closed,
 * it adds nothing to the booking walk-through above.
 */
export function ChatStep({ client }: { client: DemoSession | null }) {
  const t = useT();
  const [open, setOpen] = useState(loadOpen);
  const toggle = () => {
    saveOpen(!open);
    setOpen(!open);
  };
  return (
    <Card withBorder padding="md" component="section" aria-label={t("console.sandbox.chat.title")}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t("console.sandbox.chat.title")}</Title>
          <Button size="xs" variant="light" onClick={toggle} aria-expanded={open}>
            {open ? t("console.sandbox.chat.close") : t("console.sandbox.chat.open")}
          </Button>
        </Group>
        <Text size="sm" c="dimmed">
          {t("console.sandbox.chat.intro")}
        </Text>
        {open ? (
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
        ) : null}
      </Stack>
    </Card>
  );
}

const OPEN_KEY = "an.admin.sandbox.chat-open";

function loadOpen(): boolean {
  try {
    return window.sessionStorage.getItem(OPEN_KEY) === "1";
  } catch {
    return false;
  }
}

function saveOpen(open: boolean): void {
  try {
    if (open) window.sessionStorage.setItem(OPEN_KEY, "1");
    else window.sessionStorage.removeItem(OPEN_KEY);
  } catch {
    // Storage disabled: the choice lasts as long as the page.
  }
}
