import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Navigate, Outlet, useLocation } from "react-router";
import { fullName, setViewerTimeZone } from "../lib/format";
import { isSupportedLocale } from "@an/domain";
import { useEffect } from "react";
import { hasPickedLocale, setLocale, useToken } from "../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../lib/trpc";
import { AppLayout, useSignOut } from "./app-layout";
import { LocalePicker } from "./locale-picker";
import { RoleBadges } from "./role-badges";

type Me = RouterOutputs["auth"]["getMe"];

function NotAdmin({ me }: { me: Me }) {
  const signOut = useSignOut();
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={460} w="100%">
        <Stack>
          <Title order={3}>You need the admin role to use the console</Title>
          <Text size="sm">
            You are signed in as {fullName(me)} ({me.email}). Ask an existing admin to grant you the
            admin role, then sign in again.
          </Text>
          <Group gap="xs">
            <Text size="sm" c="dimmed">
              Your roles:
            </Text>
            <RoleBadges roles={me.roles} />
          </Group>
          <Group justify="space-between">
            <LocalePicker />
            <Button onClick={signOut}>Sign out</Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
}

/**
 * Guards the console's pages: signed-out operators go to sign-in, non-admins get an
 * explanation instead of a wall of permission errors.
 */
export function RequireAdmin() {
  const token = useToken();
  const location = useLocation();
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.getMe.queryOptions(undefined, { enabled: token !== null }));
  const savedLocale = me.data?.locale;
  // A browser that has no pick of its own opens in the language saved on the user, so the
  // choice follows them from one browser to the next.
  useEffect(() => {
    if (savedLocale && isSupportedLocale(savedLocale) && !hasPickedLocale()) {
      setLocale(savedLocale);
    }
  }, [savedLocale]);

  if (!token) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (me.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading your session" />
      </Center>
    );
  }
  if (me.isError) {
    const failure = describeError(me.error);
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" title="Couldn't load your session" maw={460}>
          <Stack gap="xs">
            <Text size="sm">{failure.message}</Text>
            {failure.requestId ? (
              <Text size="xs" c="dimmed">
                Request id: {failure.requestId}
              </Text>
            ) : null}
            <Group>
              <Button size="xs" variant="light" onClick={() => void me.refetch()}>
                Try again
              </Button>
            </Group>
          </Stack>
        </Alert>
      </Center>
    );
  }
  // Set during render, before any page formats a time: every time shows in this zone.
  setViewerTimeZone(me.data.timeZone);
  if (!me.data.roles.includes("admin")) return <NotAdmin me={me.data} />;
  return (
    <AppLayout me={me.data}>
      <Outlet />
    </AppLayout>
  );
}
