import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  NativeSelect,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { ErrorNote } from "./error-note";
import { type ClientSession, sandboxQueryClient, useSandboxApi } from "./sandbox-api";
import { Sentence } from "./sentence";
import { fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { describeError, useTRPC } from "../../lib/trpc";

/** Step 1: pick a demo client and sign in as them, into the sandbox's own client. */
export function PickClient({
  session,
  onSession,
}: {
  session: ClientSession | null;
  onSession: (session: ClientSession | null) => void;
}) {
  const t = useT();
  const trpc = useTRPC();
  const anonymous = useSandboxApi(null);
  const users = useQuery(trpc.sandbox.listUsers.queryOptions());
  const clients = (users.data ?? []).filter((u) => u.roles.includes("client"));
  const [email, setEmail] = useState("");
  // A plain client by default: advisors and admins are clients too, but less telling.
  const picked =
    clients.find((u) => u.email === email) ??
    clients.find((u) => u.roles.length === 1) ??
    clients[0];
  const signIn = useMutation(
    anonymous.sandbox.signIn.mutationOptions({
      onSuccess: (result) => {
        const name = fullName({
          firstName: result.user.firstName,
          lastName: picked?.lastName ?? null,
        });
        onSession({
          token: result.token,
          email: result.user.email ?? email,
          name,
          userId: result.user.id,
        });
      },
    }),
    sandboxQueryClient,
  );

  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={t("console.sandbox.pick.section")}
    >
      <Stack gap="sm">
        <Title order={4}>{t("console.sandbox.pick.title")}</Title>
        {users.isPending ? (
          <Loader size="sm" aria-label={t("console.sandbox.pick.loading")} />
        ) : users.isError ? (
          <Alert color="red" title={t("console.sandbox.pick.unavailable")}>
            {describeError(users.error).message}
          </Alert>
        ) : session ? (
          <Group justify="space-between" wrap="wrap">
            <Text size="sm" data-testid="sandbox-acting-as" style={{ overflowWrap: "anywhere" }}>
              <Sentence
                k="console.sandbox.pick.actingAs"
                values={{ name: session.name, email: session.email }}
              />
            </Text>
            <Button variant="default" size="xs" onClick={() => onSession(null)}>
              {t("console.sandbox.pick.switch")}
            </Button>
          </Group>
        ) : (
          <Group align="flex-end" wrap="wrap">
            <NativeSelect
              label={t("console.sandbox.pick.demoClient")}
              value={picked?.email ?? ""}
              data={clients.map((u) => ({
                value: u.email,
                label: `${fullName(u)} (${u.email})`,
              }))}
              onChange={(event) => setEmail(event.currentTarget.value)}
              w={360}
              maw="100%"
            />
            <Button
              loading={signIn.isPending}
              disabled={!picked}
              onClick={() => {
                if (picked) signIn.mutate({ email: picked.email });
              }}
            >
              {t("console.sandbox.pick.actAs")}
            </Button>
          </Group>
        )}
        <ErrorNote error={signIn.error} title={t("console.sandbox.pick.signInFailed")} />
        <Text size="xs" c="dimmed">
          {t("console.sandbox.pick.tokenNote")}
        </Text>
      </Stack>
    </Card>
  );
}
