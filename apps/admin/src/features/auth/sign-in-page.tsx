import {
  Alert,
  Button,
  Center,
  Divider,
  Group,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Navigate, useLocation, useNavigate } from "react-router";
import { HOME_PATH } from "../../components/app-layout";
import { LocalePicker } from "../../components/locale-picker";
import { RoleBadges } from "../../components/role-badges";
import { fullName } from "../../lib/format";
import { setToken, useToken } from "../../lib/session";
import { describeError, useTRPC } from "../../lib/trpc";

/** Where the guard was sending the operator before they had to sign in. */
function useReturnPath(): string {
  const location = useLocation();
  const state: unknown = location.state;
  if (state && typeof state === "object" && "from" in state && typeof state.from === "string") {
    return state.from.startsWith("/") && state.from !== "/sign-in" ? state.from : HOME_PATH;
  }
  return HOME_PATH;
}

/** Demo users from the API's dev sign-in: one button each. Development only. */
function DevSignIn({ onToken }: { onToken: (token: string) => void }) {
  const trpc = useTRPC();
  const users = useQuery(trpc.sandbox.listUsers.queryOptions());
  const signIn = useMutation(
    trpc.sandbox.signIn.mutationOptions({ onSuccess: (result) => onToken(result.token) }),
  );

  if (users.isPending) return <Loader size="sm" aria-label="Loading demo users" />;
  if (users.isError) {
    return (
      <Alert color="red" title="Dev sign-in is unavailable">
        {describeError(users.error).message}
      </Alert>
    );
  }
  return (
    <Table verticalSpacing="xs" aria-label="Demo users">
      <Table.Tbody>
        {users.data.map((user) => {
          const name = fullName(user);
          return (
            <Table.Tr key={user.email}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {name}
                </Text>
                <Text size="xs" c="dimmed">
                  {user.email}
                </Text>
              </Table.Td>
              <Table.Td>
                <RoleBadges roles={user.roles} />
              </Table.Td>
              <Table.Td ta="end">
                <Button
                  size="xs"
                  data-testid={`sign-in-${user.email}`}
                  aria-label={`Sign in as ${name} (${user.email})`}
                  loading={signIn.isPending && signIn.variables.email === user.email}
                  disabled={signIn.isPending}
                  onClick={() => signIn.mutate({ email: user.email })}
                >
                  Sign in as {user.firstName ?? user.email}
                </Button>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** Signs in with a token minted elsewhere (identity provider, `pnpm dev:token`). */
function TokenSignIn({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim().replace(/^Bearer\s+/i, "");
    if (token) onToken(token);
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-end" wrap="nowrap">
        <PasswordInput
          flex={1}
          label="Access token"
          description="A bearer token from the identity provider"
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
        />
        <Button type="submit" variant="default" disabled={!value.trim()}>
          Use token
        </Button>
      </Group>
    </form>
  );
}

export function SignInPage() {
  const token = useToken();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const returnPath = useReturnPath();

  if (token) return <Navigate to={returnPath} replace />;

  const acceptToken = (next: string) => {
    // Nothing cached for a previous operator may leak into this session.
    queryClient.clear();
    setToken(next);
    void navigate(returnPath, { replace: true });
  };

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="xs" p="xl" w="100%" maw={640}>
        <Stack>
          <Group justify="space-between" align="flex-start">
            <div>
              <Title order={2}>Advisor Network console</Title>
              <Text size="sm" c="dimmed">
                Sign in to manage users, roles and notifications.
              </Text>
            </div>
            <LocalePicker />
          </Group>
          {import.meta.env.DEV ? (
            <>
              <Text size="sm" fw={500}>
                Development: sign in as a demo user
              </Text>
              <DevSignIn onToken={acceptToken} />
              <Divider label="or" />
            </>
          ) : null}
          <TokenSignIn onToken={acceptToken} />
        </Stack>
      </Paper>
    </Center>
  );
}
