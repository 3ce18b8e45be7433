import {
  AppShell,
  Burger,
  Button,
  Divider,
  Group,
  NavLink,
  ScrollArea,
  Stack,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { NavLink as RouterLink, useLocation } from "react-router";
import { fullName } from "../lib/format";
import { useT } from "../lib/i18n";
import { setToken } from "../lib/session";
import type { RouterOutputs } from "../lib/trpc";
import { LocalePicker } from "./locale-picker";
import { PreferencesButton } from "./preferences-modal";
import { RoleBadges } from "./role-badges";

type Me = RouterOutputs["auth"]["getMe"];

/** The menu, in order; labels are catalog keys under `console.nav`. */
const NAV = [
  { to: "/consultations", label: "consultations" },
  { to: "/projects", label: "projects" },
  { to: "/conversations", label: "conversations" },
  { to: "/ledger", label: "ledger" },
  { to: "/payouts", label: "payouts" },
  { to: "/subscribers", label: "subscribers" },
  { to: "/plans", label: "plans" },
  { to: "/finance", label: "finance" },
  { to: "/reconciliation", label: "reconciliation" },
  { to: "/incidents", label: "incidents" },
  { to: "/webhook-events", label: "webhookEvents" },
  { to: "/applications", label: "applications" },
  { to: "/advisors", label: "advisors" },
  { to: "/skills", label: "skills" },
  { to: "/reviews", label: "reviews" },
  { to: "/users", label: "users" },
  { to: "/notifications", label: "notifications" },
  { to: "/settings", label: "settings" },
  // Development only, like dev sign-in: book and pay as a demo client.
  ...(import.meta.env.DEV ? [{ to: "/sandbox", label: "sandbox" }] : []),
] as const;

/** Where signing in (or an unknown address) lands: the menu's first item. */
export const HOME_PATH: string = NAV[0].to;

/** Forgets the token and every cached answer, which sends the router to sign-in. */
export function useSignOut(): () => void {
  const queryClient = useQueryClient();
  return () => {
    setToken(null);
    queryClient.clear();
  };
}

function Identity({ me, align }: { me: Me; align: "flex-start" | "flex-end" }) {
  return (
    <Stack gap={0} align={align} miw={0}>
      <Text
        size="sm"
        fw={500}
        data-testid="signed-in-user"
        maw="100%"
        style={{ overflowWrap: "anywhere" }}
      >
        <bdi>{fullName(me)}</bdi>
      </Text>
      <Text size="xs" c="dimmed" maw="100%" style={{ overflowWrap: "anywhere" }}>
        <bdi>{me.email}</bdi>
      </Text>
    </Stack>
  );
}

/**
 * The signed-in operator's name and roles, the language picker and sign-out: in the header
 * on wide screens, at the foot of the burger menu on narrow ones, where the header has room
 * for the burger and the title only.
 */
function SessionControls({ me, stacked }: { me: Me; stacked: boolean }) {
  const signOut = useSignOut();
  const t = useT();
  if (stacked) {
    return (
      <Stack gap="xs" data-testid="session-controls">
        <Identity me={me} align="flex-start" />
        <RoleBadges roles={me.roles} />
        <Group gap="xs" wrap="wrap">
          <LocalePicker />
          <PreferencesButton me={me} />
          <Button variant="default" size="xs" onClick={signOut}>
            {t("console.header.signOut")}
          </Button>
        </Group>
      </Stack>
    );
  }
  return (
    <Group gap="sm" wrap="nowrap" data-testid="session-controls">
      <Identity me={me} align="flex-end" />
      <RoleBadges roles={me.roles} />
      <LocalePicker />
      <PreferencesButton me={me} />
      <Button variant="default" size="xs" onClick={signOut}>
        {t("console.header.signOut")}
      </Button>
    </Group>
  );
}

/**
 * The console frame: a header with the session controls, the navigation, and the page.
 * Below Mantine's `md` breakpoint the navigation folds behind a burger and the session
 * controls move into it, so the header never overflows a phone's width.
 */
export function AppLayout({ me, children }: { me: Me; children: ReactNode }) {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const t = useT();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 240, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label={t("console.header.toggleNavigation")}
              aria-expanded={opened}
            />
            <Title order={4} lineClamp={1}>
              {t("console.header.title")}
            </Title>
          </Group>
          <Group visibleFrom="md" wrap="nowrap">
            <SessionControls me={me} stacked={false} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label={t("console.header.mainNavigation")}>
        <AppShell.Section grow component={ScrollArea}>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={RouterLink}
              to={item.to}
              label={t(`console.nav.${item.label}`)}
              active={location.pathname.startsWith(item.to)}
              onClick={close}
            />
          ))}
        </AppShell.Section>
        <AppShell.Section hiddenFrom="md">
          <Divider my="xs" />
          <SessionControls me={me} stacked />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
