import {
  ADVISOR_ONBOARDING_MODES,
  type AdvisorOnboardingMode,
  type AdvisorOnboardingRules,
} from "@an/domain";
import { DateTime } from "../../components/formatted";
import {
  Alert,
  Badge,
  Button,
  Card,
  Code,
  Group,
  NumberInput,
  Radio,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useSearchParams } from "react-router";
import { MIN_REASON_LENGTH } from "../../components/reason-modal";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { describeError, type RouterOutputs, useTRPC } from "../../lib/trpc";
import { CommissionOverridesCard } from "./commission-overrides";
import { CommissionSection } from "./commission-rules";
import { PayoutSection } from "./payout-rules";
import { PricingSection } from "./pricing-rules";
import { RefundSection } from "./refund-rules";

type Invitation = RouterOutputs["applicationInvitations"]["list"]["items"][number];

const STATUS_COLORS: Record<Invitation["status"], string> = {
  pending: "blue",
  used: "teal",
  expired: "gray",
  revoked: "red",
};

/** How advisors join: the mode in force, its history, and a change with a reason. */
function OnboardingCard() {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const rules = useQuery(trpc.platformRules.get.queryOptions({ kind: "advisor_onboarding" }));
  const [mode, setMode] = useState<AdvisorOnboardingMode | null>(null);
  const [reason, setReason] = useState("");
  const save = useMutation(
    trpc.platformRules.setAdvisorOnboarding.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.platformRules.pathKey());
        setMode(null);
        setReason("");
        notifySuccess(t("console.settings.onboarding.saved"));
      },
    }),
  );
  if (!rules.data) {
    return rules.isError ? (
      <Alert color="red">{describeError(rules.error).message}</Alert>
    ) : (
      <Text size="sm">{t("console.billing.loading")}</Text>
    );
  }
  // `get` answers for any kind; this card asked for advisor_onboarding.
  const inForce = {
    ...rules.data.inForce,
    rules: rules.data.inForce.rules as AdvisorOnboardingRules,
  };
  const chosen = mode ?? inForce.rules.mode;
  const tooShort = reason.trim().length < MIN_REASON_LENGTH;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen !== inForce.rules.mode && !tooShort) {
      save.mutate({ mode: chosen, reason: reason.trim() });
    }
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={4}>{t("console.settings.onboarding.title")}</Title>
        <Text size="sm">
          {t("console.settings.onboarding.inForce", {
            mode: t(`console.settings.onboarding.mode.${inForce.rules.mode}`),
            version: inForce.version,
          })}
          {inForce.version === 0 ? ` ${t("console.settings.onboarding.isDefault")}` : null}
        </Text>
        <form onSubmit={submit}>
          <Stack>
            <Radio.Group
              label={t("console.settings.onboarding.modeLabel")}
              value={chosen}
              onChange={(value) => setMode(value as AdvisorOnboardingMode)}
            >
              <Stack gap="xs" mt="xs">
                {ADVISOR_ONBOARDING_MODES.map((value) => (
                  <Radio
                    key={value}
                    value={value}
                    label={t(`console.settings.onboarding.mode.${value}`)}
                    description={t(`console.settings.onboarding.modeHint.${value}`)}
                  />
                ))}
              </Stack>
            </Radio.Group>
            <Textarea
              label={t("console.billing.reason")}
              description={t("console.billing.reasonHint")}
              required
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
            />
            {save.isError ? <Alert color="red">{describeError(save.error).message}</Alert> : null}
            <Group>
              <Button
                type="submit"
                loading={save.isPending}
                disabled={chosen === inForce.rules.mode || tooShort}
              >
                {t("console.settings.onboarding.save")}
              </Button>
            </Group>
          </Stack>
        </form>
        <Title order={5}>{t("console.settings.history")}</Title>
        {rules.data.history.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.settings.noHistory")}
          </Text>
        ) : (
          <Table aria-label={t("console.settings.history")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.settings.version")}</Table.Th>
                <Table.Th>{t("console.settings.onboarding.modeLabel")}</Table.Th>
                <Table.Th>{t("console.settings.when")}</Table.Th>
                <Table.Th>{t("console.settings.who")}</Table.Th>
                <Table.Th>{t("console.billing.reason")}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.history.map((v) => (
                <Table.Tr key={v.version}>
                  <Table.Td>{v.version}</Table.Td>
                  <Table.Td>
                    {t(
                      `console.settings.onboarding.mode.${(v.rules as AdvisorOnboardingRules).mode}`,
                    )}
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={v.createdAt} />
                  </Table.Td>
                  <Table.Td>{v.createdBy ?? "—"}</Table.Td>
                  <Table.Td style={{ whiteSpace: "pre-wrap" }}>{v.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Stack>
    </Card>
  );
}

/** Invitations to apply while onboarding is invite-only: issue, list, revoke. */
function InvitationsCard() {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  const list = useQuery(trpc.applicationInvitations.list.queryOptions({ limit: 100 }));
  const [email, setEmail] = useState("");
  const [days, setDays] = useState<number>(14);
  const [shown, setShown] = useState<{ email: string; token: string } | null>(null);
  const issue = useMutation(
    trpc.applicationInvitations.issue.mutationOptions({
      onSuccess: async (issued) => {
        await invalidate(trpc.applicationInvitations.pathKey());
        setShown({ email: issued.email, token: issued.token });
        setEmail("");
      },
    }),
  );
  const revoke = useMutation(
    trpc.applicationInvitations.revoke.mutationOptions({
      onSuccess: async () => {
        await invalidate(trpc.applicationInvitations.pathKey());
        notifySuccess(t("console.settings.invitations.revoked"));
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(null);
    issue.mutate({
      email: email.trim(),
      expiresAt: new Date(Date.now() + days * 86_400_000).toISOString(),
    });
  };
  return (
    <Card withBorder>
      <Stack>
        <Title order={4}>{t("console.settings.invitations.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.settings.invitations.hint")}
        </Text>
        <form onSubmit={submit}>
          <Group align="flex-end">
            <TextInput
              type="email"
              required
              label={t("console.settings.invitations.email")}
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
            <NumberInput
              label={t("console.settings.invitations.expiresInDays")}
              min={1}
              max={90}
              value={days}
              onChange={(value) => setDays(typeof value === "number" ? value : 14)}
            />
            <Button type="submit" loading={issue.isPending}>
              {t("console.settings.invitations.issue")}
            </Button>
          </Group>
        </form>
        {issue.isError ? <Alert color="red">{describeError(issue.error).message}</Alert> : null}
        {revoke.isError ? <Alert color="red">{describeError(revoke.error).message}</Alert> : null}
        {shown ? (
          <Alert
            color="teal"
            title={t("console.settings.invitations.issued", { email: shown.email })}
          >
            <Stack gap={4}>
              <Text size="sm">{t("console.settings.invitations.shownOnce")}</Text>
              <Code>{shown.token}</Code>
            </Stack>
          </Alert>
        ) : null}
        {list.data && list.data.items.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t("console.settings.invitations.none")}
          </Text>
        ) : null}
        {list.data && list.data.items.length > 0 ? (
          <Table aria-label={t("console.settings.invitations.title")}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.settings.invitations.email")}</Table.Th>
                <Table.Th>{t("console.settings.invitations.status")}</Table.Th>
                <Table.Th>{t("console.settings.invitations.expires")}</Table.Th>
                <Table.Th>{t("console.settings.who")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.items.map((invitation) => (
                <Table.Tr key={invitation.id}>
                  <Table.Td>{invitation.email}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={STATUS_COLORS[invitation.status]}>
                      {t(`console.settings.invitations.statuses.${invitation.status}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={invitation.expiresAt} />
                  </Table.Td>
                  <Table.Td>{invitation.createdBy ?? "—"}</Table.Td>
                  <Table.Td>
                    {invitation.status === "pending" ? (
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        loading={revoke.isPending && revoke.variables?.id === invitation.id}
                        onClick={() => revoke.mutate({ id: invitation.id })}
                      >
                        {t("console.settings.invitations.revoke")}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        ) : null}
      </Stack>
    </Card>
  );
}

const TABS = ["onboarding", "pricing", "commission", "refunds", "payouts"] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | null): value is Tab => TABS.includes(value as Tab);

/**
 * Platform settings an operator changes without a deploy, each change versioned and audited:
 * one tab per kind of rule (the tab is in the address, so a link opens it).
 */
export function SettingsPage() {
  const t = useT();
  const [searchParams, setSearchParams] = useSearchParams();
  const tabParam = searchParams.get("tab");
  const tab: Tab = isTab(tabParam) ? tabParam : "onboarding";
  return (
    <Stack gap="lg">
      <Stack gap={0}>
        <Title order={2}>{t("console.settings.title")}</Title>
        <Text size="sm" c="dimmed">
          {t("console.settings.subtitle")}
        </Text>
      </Stack>
      <Tabs
        value={tab}
        onChange={(value) => setSearchParams(value && value !== "onboarding" ? { tab: value } : {})}
        keepMounted={false}
      >
        <Tabs.List>
          {TABS.map((value) => (
            <Tabs.Tab key={value} value={value}>
              {t(`console.settings.tabs.${value}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="onboarding" pt="md">
          <Stack gap="lg">
            <OnboardingCard />
            <InvitationsCard />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="pricing" pt="md">
          <PricingSection />
        </Tabs.Panel>
        <Tabs.Panel value="commission" pt="md">
          <Stack gap="lg">
            <CommissionSection />
            <CommissionOverridesCard />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="refunds" pt="md">
          <RefundSection />
        </Tabs.Panel>
        <Tabs.Panel value="payouts" pt="md">
          <PayoutSection />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
