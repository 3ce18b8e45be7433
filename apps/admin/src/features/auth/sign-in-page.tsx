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
import { ScrollTable } from "../../components/scroll-table";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Trans } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { HOME_PATH } from "../../components/app-layout";
import { LocalePicker } from "../../components/locale-picker";
import { RoleBadges } from "../../components/role-badges";
import { fullName } from "../../lib/format";
import { useT } from "../../lib/i18n";
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
  const t = useT();
  const trpc = useTRPC();
  const users = useQuery(trpc.sandbox.listUsers.queryOptions());
  const signIn = useMutation(
    trpc.sandbox.signIn.mutationOptions({ onSuccess: (result) => onToken(result.token) }),
  );

  if (users.isPending) return <Loader size="sm" aria-label={t("console.signIn.loadingUsers")} />;
  if (users.isError) {
    return (
      <Alert color="red" title={t("console.signIn.devUnavailable")}>
        {describeError(users.error).message}
      </Alert>
    );
  }
  return (
    <ScrollTable minWidth={460} label={t("console.signIn.demoUsers")}>
      <Table verticalSpacing="xs" aria-label={t("console.signIn.demoUsers")}>
        <Table.Tbody>
          {users.data.map((user) => {
            const name = fullName(user);
            return (
              <Table.Tr key={user.email}>
                <Table.Td>
                  <Text size="sm" fw={500}>
                    <bdi>{name}</bdi>
                  </Text>
                  <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
                    <bdi>{user.email}</bdi>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <RoleBadges roles={user.roles} />
                </Table.Td>
                <Table.Td ta="end">
                  <Button
                    size="xs"
                    data-testid={`sign-in-${user.email}`}
                    aria-label={t("console.signIn.signInAsLabel", { name, email: user.email })}
                    loading={signIn.isPending && signIn.variables.email === user.email}
                    disabled={signIn.isPending}
                    onClick={() => signIn.mutate({ email: user.email })}
                  >
                    <Trans
                      i18nKey="console.signIn.signInAs"
                      values={{ name: user.firstName ?? user.email }}
                      components={{ data: <bdi /> }}
                    />
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </ScrollTable>
  );
}

/** Signs in with a token minted elsewhere (identity provider, `pnpm dev:token`). */
function TokenSignIn({ onToken }: { onToken: (token: string) => void }) {
  const t = useT();
  const [value, setValue] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim().replace(/^Bearer\s+/i, "");
    if (token) onToken(token);
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-end" wrap="wrap">
        <PasswordInput
          flex={1}
          miw={200}
          label={t("console.signIn.accessToken")}
          description={t("console.signIn.accessTokenHint")}
          value={value}
          onChange={(event) => setValue(event.currentTarget.value)}
        />
        <Button type="submit" variant="default" disabled={!value.trim()}>
          {t("console.signIn.useToken")}
        </Button>
      </Group>
    </form>
  );
}

export function SignInPage() {
  const t = useT();
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
          <Group justify="space-between" align="flex-start" wrap="wrap">
            <div>
              <Title order={2}>{t("console.header.title")}</Title>
              <Text size="sm" c="dimmed">
                {t("console.signIn.intro")}
              </Text>
            </div>
            <LocalePicker />
          </Group>
          {import.meta.env.DEV ? (
            <>
              <Text size="sm" fw={500}>
                {t("console.signIn.devTitle")}
              </Text>
              <DevSignIn onToken={acceptToken} />
              <Divider label={t("console.signIn.or")} />
            </>
          ) : null}
          <TokenSignIn onToken={acceptToken} />
        </Stack>
      </Paper>
    </Center>
  );
}
