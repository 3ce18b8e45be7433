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
import { fullName } from "../../lib/format";
import { describeError, useTRPC } from "../../lib/trpc";

/** Step 1: pick a demo client and sign in as them, into the sandbox's own client. */
export function PickClient({
  session,
  onSession,
}: {
  session: ClientSession | null;
  onSession: (session: ClientSession | null) => void;
}) {
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
    <Card withBorder padding="md" component="section" aria-label="Client">
      <Stack gap="sm">
        <Title order={4}>1. Act as a client</Title>
        {users.isPending ? (
          <Loader size="sm" aria-label="Loading demo users" />
        ) : users.isError ? (
          <Alert color="red" title="Dev sign-in is unavailable">
            {describeError(users.error).message}
          </Alert>
        ) : session ? (
          <Group justify="space-between">
            <Text size="sm" data-testid="sandbox-acting-as">
              Acting as <b>{session.name}</b> ({session.email})
            </Text>
            <Button variant="default" size="xs" onClick={() => onSession(null)}>
              Switch client
            </Button>
          </Group>
        ) : (
          <Group align="flex-end">
            <NativeSelect
              label="Demo client"
              value={picked?.email ?? ""}
              data={clients.map((u) => ({
                value: u.email,
                label: `${fullName(u)} (${u.email})`,
              }))}
              onChange={(event) => setEmail(event.currentTarget.value)}
              w={360}
            />
            <Button
              loading={signIn.isPending}
              disabled={!picked}
              onClick={() => {
                if (picked) signIn.mutate({ email: picked.email });
              }}
            >
              Act as this client
            </Button>
          </Group>
        )}
        <ErrorNote error={signIn.error} title="Couldn't sign in as the client" />
        <Text size="xs" c="dimmed">
          The client gets a token of their own, used only on this page: your admin session stays as
          it is.
        </Text>
      </Stack>
    </Card>
  );
}
