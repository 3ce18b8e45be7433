import { Alert, Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Navigate, Outlet, useLocation } from "react-router";
import { fullName, setViewerTimeZone } from "../lib/format";
import { isSupportedLocale } from "@an/domain";
import { useEffect } from "react";
import { Trans } from "react-i18next";
import { useT } from "../lib/i18n";
import { hasPickedLocale, setLocale, useToken } from "../lib/session";
import { describeError, type RouterOutputs, useTRPC } from "../lib/trpc";
import { AppLayout, useSignOut } from "./app-layout";
import { LocalePicker } from "./locale-picker";
import { RoleBadges } from "./role-badges";

type Me = RouterOutputs["auth"]["getMe"];

function NotAdmin({ me }: { me: Me }) {
  const signOut = useSignOut();
  const t = useT();
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" maw={460} w="100%">
        <Stack>
          <Title order={3}>{t("console.common.notAdmin.title")}</Title>
          <Text size="sm" style={{ overflowWrap: "anywhere" }}>
            <Trans
              i18nKey="console.common.notAdmin.signedInAs"
              values={{ name: fullName(me), email: me.email }}
              components={{ data: <bdi /> }}
            />
          </Text>
          <Group gap="xs" wrap="wrap">
            <Text size="sm" c="dimmed">
              {t("console.common.notAdmin.yourRoles")}
            </Text>
            <RoleBadges roles={me.roles} />
          </Group>
          <Group justify="space-between" wrap="wrap">
            <LocalePicker />
            <Button onClick={signOut}>{t("console.header.signOut")}</Button>
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
  const t = useT();
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
        <Loader aria-label={t("console.common.loadingSession")} />
      </Center>
    );
  }
  if (me.isError) {
    const failure = describeError(me.error);
    return (
      <Center mih="100vh" p="md">
        <Alert color="red" title={t("console.common.sessionFailed")} maw={460}>
          <Stack gap="xs">
            <Text size="sm">{failure.message}</Text>
            {failure.requestId ? (
              <Text size="xs" c="dimmed">
                {t("console.common.requestId")} <bdi>{failure.requestId}</bdi>
              </Text>
            ) : null}
            <Group>
              <Button size="xs" variant="light" onClick={() => void me.refetch()}>
                {t("console.common.tryAgain")}
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
