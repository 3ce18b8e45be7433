import { Badge, Center, Group, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Book } from "./book-step";
import { ChatStep } from "./chat-step";
import { PickClient } from "./pick-client";
import { SubscriptionCard } from "./subscription-card";
import {
  type ClientSession,
  loadSession,
  type Prepared,
  sandboxQueryClient,
  saveSession,
  useSandboxApi,
} from "./sandbox-api";
import { Watch } from "./watch-step";
import { useT } from "../../lib/i18n";

/**
 * Development only: act as a demo client through the whole booking flow — prepare,
 * book on the simulated Cal.com, pay on the simulated Stripe checkout, end the meeting,
 * cancel, report a no-show or dispute — and watch the consultation and its ledger change
 * as the admin sees them; then onboard the advisor to the simulated Stripe Connect and pay
 * the consultation out.
 */
export function SandboxPage() {
  const t = useT();
  const [session, setSession] = useState<ClientSession | null>(loadSession);
  const [prepared, setPrepared] = useState<Prepared | null>(null);
  const api = useSandboxApi(session?.token ?? null);
  const changeSession = (next: ClientSession | null) => {
    saveSession(next);
    setSession(next);
    setPrepared(null);
    sandboxQueryClient.clear();
  };

  return (
    <Stack gap="lg" maw={1400} miw={0}>
      <Stack gap={4}>
        <Group gap="sm" wrap="wrap">
          <Title order={2}>{t("console.sandbox.page.title")}</Title>
          <Badge color="orange" variant="light">
            {t("console.sandbox.page.devOnly")}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t("console.sandbox.page.intro")}
        </Text>
      </Stack>
      <PickClient session={session} onSession={changeSession} />
      {session ? (
        <>
          <Book api={api} prepared={prepared} onPrepared={setPrepared} />
          <Watch key={session.token} api={api} prepared={prepared} />
          <SubscriptionCard key={`billing-${session.token}`} api={api} session={session} />
        </>
      ) : (
        <Center p="md">
          <Text size="sm" c="dimmed">
            {t("console.sandbox.page.pickFirst")}
          </Text>
        </Center>
      )}
      <ChatStep client={session} />
    </Stack>
  );
}
