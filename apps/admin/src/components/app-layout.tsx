import { AppShell, Burger, Button, Group, NavLink, Stack, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { NavLink as RouterLink, useLocation } from "react-router";
import { fullName } from "../lib/format";
import { setToken } from "../lib/session";
import type { RouterOutputs } from "../lib/trpc";
import { LocalePicker } from "./locale-picker";
import { RoleBadges } from "./role-badges";

type Me = RouterOutputs["auth"]["me"];

const NAV = [
  { to: "/consultations", label: "Consultations" },
  { to: "/ledger", label: "Ledger" },
  { to: "/payouts", label: "Payouts" },
  { to: "/finance", label: "Finance" },
  { to: "/reconciliation", label: "Reconciliation" },
  { to: "/incidents", label: "Security incidents" },
  { to: "/webhook-events", label: "Webhook events" },
  { to: "/applications", label: "Applications" },
  { to: "/advisors", label: "Advisors" },
  { to: "/skills", label: "Skills" },
  { to: "/reviews", label: "Reviews" },
  { to: "/users", label: "Users & roles" },
  { to: "/notifications", label: "Notifications outbox" },
  // Development only, like dev sign-in: book and pay as a demo client.
  ...(import.meta.env.DEV ? [{ to: "/sandbox", label: "Sandbox" }] : []),
] as const;

/** Forgets the token and every cached answer, which sends the router to sign-in. */
export function useSignOut(): () => void {
  const queryClient = useQueryClient();
  return () => {
    setToken(null);
    queryClient.clear();
  };
}

/** The signed-in operator's name and roles, the language picker and sign-out. */
function SessionControls({ me }: { me: Me }) {
  const signOut = useSignOut();
  return (
    <Group gap="sm" wrap="nowrap">
      <Stack gap={0} align="flex-end" visibleFrom="sm">
        <Text size="sm" fw={500} data-testid="signed-in-user">
          {fullName(me)}
        </Text>
        <Text size="xs" c="dimmed">
          {me.email}
        </Text>
      </Stack>
      <RoleBadges roles={me.roles} />
      <LocalePicker />
      <Button variant="default" size="xs" onClick={signOut}>
        Sign out
      </Button>
    </Group>
  );
}

/** The console frame: header with the session controls, navigation, and the page. */
export function AppLayout({ me, children }: { me: Me; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            <Title order={4}>Advisor Network console</Title>
          </Group>
          <SessionControls me={me} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        {NAV.map((item) => (
          <NavLink
            key={item.to}
            component={RouterLink}
            to={item.to}
            label={item.label}
            active={location.pathname.startsWith(item.to)}
            onClick={close}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
