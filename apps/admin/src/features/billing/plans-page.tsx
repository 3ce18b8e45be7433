import {
  Badge,
  Button,
  Card,
  Center,
  Checkbox,
  Code,
  Group,
  Loader,
  Modal,
  NativeSelect,
  NumberInput,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from "@mantine/core";
import { ScrollTable } from "../../components/scroll-table";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Data, Money } from "../../components/formatted";
import { type FormEvent, useState } from "react";
import {
  EntitlementsText,
  MAX_BILLING_REASON,
  OTHER_PLAN_LOCALES,
  PLAN_CURRENCIES,
  type PlanEntitlements,
  ReasonField,
  reasonOk,
} from "./billing-parts";
import { ErrorNote } from "../sandbox/error-note";
import { MoneyInput } from "../../components/money-input";
import { ReasonModal } from "../../components/reason-modal";
import { StatusBadge } from "../../components/status-badge";
import { useT } from "../../lib/i18n";
import { useInvalidate } from "../../lib/invalidate";
import { notifySuccess } from "../../lib/notify";
import { type ConsoleLocale, useLocale } from "../../lib/session";
import { describeError, type RouterInputs, type RouterOutputs, useTRPC } from "../../lib/trpc";

type Plan = RouterOutputs["billingAdmin"]["listPlans"]["plans"][number];
type Interval = "month" | "year";
type PlanTexts = Record<string, { name: string; description: string }>;
/**
 * The texts as the API takes them: English required, every other locale optional (left out
 * when empty). Its inferred type lists every locale as present, hence the assertion.
 */
type TextsInput = RouterInputs["billingAdmin"]["createPlan"]["texts"];

const INTERVALS: Interval[] = ["month", "year"];

function useInvalidatePlans() {
  const trpc = useTRPC();
  const invalidate = useInvalidate();
  return () => invalidate(trpc.billingAdmin.pathKey());
}

/** The plan's name in the operator's language when it has one, else in English. */
function planName(plan: Plan, locale: ConsoleLocale): string {
  const texts = plan.texts as PlanTexts;
  return texts[locale]?.name || texts.en?.name || plan.key;
}

/** Whether the plan grants what it grants, as the three fields a form edits. */
function EntitlementsFields({
  value,
  onChange,
}: {
  value: PlanEntitlements;
  onChange: (value: PlanEntitlements) => void;
}) {
  const t = useT();
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {t("console.billing.plans.entitlements")}
      </Text>
      <Checkbox
        label={t("console.billing.plans.inviteAdvisors")}
        checked={value.inviteAdvisors}
        onChange={(event) => onChange({ ...value, inviteAdvisors: event.currentTarget.checked })}
      />
      <NumberInput
        label={t("console.billing.plans.maxAdvisors")}
        min={0}
        max={100}
        allowDecimal={false}
        disabled={!value.inviteAdvisors}
        value={value.maxAdvisorsPerProject}
        onChange={(next) =>
          onChange({ ...value, maxAdvisorsPerProject: typeof next === "number" ? next : 0 })
        }
        w={220}
      />
      <Checkbox
        label={t("console.billing.plans.buyPasses")}
        checked={value.buyPasses}
        onChange={(event) => onChange({ ...value, buyPasses: event.currentTarget.checked })}
      />
    </Stack>
  );
}

/** A plan's name and description in each language; English is required. */
function TextsFields({
  value,
  onChange,
}: {
  value: PlanTexts;
  onChange: (value: PlanTexts) => void;
}) {
  const t = useT();
  const set = (locale: string, field: "name" | "description", text: string) => {
    const current = value[locale] ?? { name: "", description: "" };
    onChange({ ...value, [locale]: { ...current, [field]: text } });
  };
  return (
    <Stack gap="xs">
      {(["en", ...OTHER_PLAN_LOCALES] as const).map((locale) => (
        <Group key={locale} align="flex-start" grow>
          <TextInput
            label={t("console.billing.plans.nameIn", { locale: locale.toUpperCase() })}
            required={locale === "en"}
            maxLength={80}
            value={value[locale]?.name ?? ""}
            onChange={(event) => set(locale, "name", event.currentTarget.value)}
          />
          <Textarea
            label={t("console.billing.plans.descriptionIn", { locale: locale.toUpperCase() })}
            required={locale === "en"}
            autosize
            minRows={1}
            maxLength={500}
            value={value[locale]?.description ?? ""}
            onChange={(event) => set(locale, "description", event.currentTarget.value)}
          />
        </Group>
      ))}
    </Stack>
  );
}

/** Only the languages with a name: an empty optional language is left out, not sent blank. */
function filledTexts(texts: PlanTexts): PlanTexts {
  return Object.fromEntries(
    Object.entries(texts)
      .map(([locale, text]) => [
        locale,
        { name: text.name.trim(), description: text.description.trim() },
      ])
      .filter(([, text]) => (text as { name: string }).name.length > 0),
  ) as PlanTexts;
}

type DraftPrice = {
  currency: string;
  interval: Interval;
  amount: number | null;
  trialDays: number;
};

function PriceFields({
  value,
  onChange,
}: {
  value: DraftPrice;
  onChange: (value: DraftPrice) => void;
}) {
  const t = useT();
  return (
    <Group align="flex-end" grow>
      <NativeSelect
        label={t("console.billing.plans.currency")}
        value={value.currency}
        data={[...PLAN_CURRENCIES]}
        onChange={(event) => onChange({ ...value, currency: event.currentTarget.value })}
      />
      <NativeSelect
        label={t("console.billing.plans.interval")}
        value={value.interval}
        data={INTERVALS.map((i) => ({ value: i, label: t(`console.billing.interval.${i}`) }))}
        onChange={(event) =>
          onChange({ ...value, interval: event.currentTarget.value as Interval })
        }
      />
      {/* Keyed by currency: its decimals decide how the typed amount is read. */}
      <MoneyInput
        key={value.currency}
        label={t("console.billing.plans.amount")}
        currency={value.currency}
        initialMinor={value.amount}
        onChange={(amount) => onChange({ ...value, amount })}
      />
      <NumberInput
        label={t("console.billing.plans.trialDays")}
        min={0}
        max={90}
        allowDecimal={false}
        value={value.trialDays}
        onChange={(next) => onChange({ ...value, trialDays: typeof next === "number" ? next : 0 })}
      />
    </Group>
  );
}

const NEW_PRICE: DraftPrice = { currency: "USD", interval: "month", amount: null, trialDays: 0 };

function CreatePlanModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidatePlans();
  const [key, setKey] = useState("");
  const [texts, setTexts] = useState<PlanTexts>({ en: { name: "", description: "" } });
  const [entitlements, setEntitlements] = useState<PlanEntitlements>({
    inviteAdvisors: true,
    maxAdvisorsPerProject: 3,
    buyPasses: true,
  });
  const [prices, setPrices] = useState<DraftPrice[]>([{ ...NEW_PRICE }]);
  const [reason, setReason] = useState("");
  const create = useMutation(
    trpc.billingAdmin.createPlan.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(t("console.billing.plans.created", { key }));
        onClose();
      },
    }),
  );
  const complete =
    key.trim() &&
    texts.en?.name.trim() &&
    texts.en?.description.trim() &&
    prices.every((p) => p.amount !== null && p.amount > 0) &&
    reasonOk(reason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    create.mutate({
      key: key.trim(),
      texts: filledTexts(texts) as TextsInput,
      entitlements,
      prices: prices.map((p) => ({
        currency: p.currency,
        interval: p.interval,
        amount: p.amount ?? 0,
        trialDays: p.trialDays,
      })),
      reason: reason.trim(),
    });
  };
  return (
    <Modal opened={opened} onClose={onClose} title={t("console.billing.plans.new")} size="xl">
      <form onSubmit={submit} aria-label={t("console.billing.plans.new")}>
        <Stack>
          <TextInput
            label={t("console.billing.plans.key")}
            description={t("console.billing.plans.keyHint")}
            required
            maxLength={40}
            value={key}
            onChange={(event) => setKey(event.currentTarget.value.toLowerCase())}
            w={280}
          />
          <TextsFields value={texts} onChange={setTexts} />
          <EntitlementsFields value={entitlements} onChange={setEntitlements} />
          <Stack gap="xs">
            <Text size="sm" fw={500}>
              {t("console.billing.plans.prices")}
            </Text>
            {prices.map((price, index) => (
              <Group key={index} align="flex-end" wrap="wrap">
                <PriceFields
                  value={price}
                  onChange={(next) => setPrices(prices.map((p, i) => (i === index ? next : p)))}
                />
                <Button
                  variant="subtle"
                  color="red"
                  disabled={prices.length === 1}
                  onClick={() => setPrices(prices.filter((_, i) => i !== index))}
                >
                  {t("console.billing.plans.removeRow")}
                </Button>
              </Group>
            ))}
            <Group>
              <Button variant="default" size="xs" onClick={() => setPrices([...prices, NEW_PRICE])}>
                {t("console.billing.plans.addPriceRow")}
              </Button>
            </Group>
          </Stack>
          <ReasonField value={reason} onChange={setReason} />
          <ErrorNote error={create.error} title={t("console.billing.plans.createFailed")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t("console.billing.cancel")}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!complete}>
              {t("console.billing.plans.create")}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditPlanForm({ plan, onClose }: { plan: Plan; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidatePlans();
  const [texts, setTexts] = useState<PlanTexts>(plan.texts as PlanTexts);
  const [entitlements, setEntitlements] = useState<PlanEntitlements>(plan.entitlements);
  const [sortOrder, setSortOrder] = useState<number>(plan.sortOrder);
  const [reason, setReason] = useState("");
  const update = useMutation(
    trpc.billingAdmin.updatePlan.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(t("console.billing.plans.updated", { key: plan.key }));
        onClose();
      },
    }),
  );
  const complete = texts.en?.name.trim() && texts.en?.description.trim() && reasonOk(reason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    update.mutate({
      key: plan.key,
      texts: filledTexts(texts) as TextsInput,
      entitlements,
      sortOrder,
      reason: reason.trim(),
    });
  };
  return (
    <form onSubmit={submit} aria-label={t("console.billing.plans.editTitle", { key: plan.key })}>
      <Stack>
        <TextsFields value={texts} onChange={setTexts} />
        <EntitlementsFields value={entitlements} onChange={setEntitlements} />
        <NumberInput
          label={t("console.billing.plans.sortOrder")}
          allowDecimal={false}
          value={sortOrder}
          onChange={(next) => setSortOrder(typeof next === "number" ? next : 0)}
          w={160}
        />
        <ReasonField value={reason} onChange={setReason} />
        <ErrorNote error={update.error} title={t("console.billing.plans.updateFailed")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("console.billing.cancel")}
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!complete}>
            {t("console.billing.save")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function SetPriceForm({ plan, onClose }: { plan: Plan; onClose: () => void }) {
  const t = useT();
  const trpc = useTRPC();
  const invalidate = useInvalidatePlans();
  const [price, setPrice] = useState<DraftPrice>({ ...NEW_PRICE });
  const [reason, setReason] = useState("");
  const setPlanPrice = useMutation(
    trpc.billingAdmin.setPlanPrice.mutationOptions({
      onSuccess: async () => {
        await invalidate();
        notifySuccess(t("console.billing.plans.priceSet", { key: plan.key }));
        onClose();
      },
    }),
  );
  const complete = price.amount !== null && price.amount > 0 && reasonOk(reason);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    setPlanPrice.mutate({
      key: plan.key,
      currency: price.currency,
      interval: price.interval,
      amount: price.amount ?? 0,
      trialDays: price.trialDays,
      reason: reason.trim(),
    });
  };
  return (
    <form
      onSubmit={submit}
      aria-label={t("console.billing.plans.setPriceTitle", { key: plan.key })}
    >
      <Stack>
        <Text size="sm" c="dimmed">
          {t("console.billing.plans.setPriceHint")}
        </Text>
        <PriceFields value={price} onChange={setPrice} />
        <ReasonField value={reason} onChange={setReason} />
        <ErrorNote error={setPlanPrice.error} title={t("console.billing.plans.priceFailed")} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t("console.billing.cancel")}
          </Button>
          <Button type="submit" loading={setPlanPrice.isPending} disabled={!complete}>
            {t("console.billing.plans.setPrice")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

type Dialog =
  | { kind: "edit"; plan: Plan }
  | { kind: "price"; plan: Plan }
  | { kind: "removePrice"; plan: Plan; currency: string; interval: Interval }
  | { kind: "status"; plan: Plan; status: "active" | "retired" }
  | null;

function PlanCard({
  plan,
  locale,
  onDialog,
}: {
  plan: Plan;
  locale: ConsoleLocale;
  onDialog: (dialog: Dialog) => void;
}) {
  const t = useT();
  const texts = plan.texts as PlanTexts;
  const retired = plan.status === "retired";
  return (
    <Card
      withBorder
      padding="md"
      component="section"
      aria-label={plan.key}
      data-plan-key={plan.key}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Group gap="xs">
              <Title order={4}>
                <Data>{planName(plan, locale)}</Data>
              </Title>
              <Code>{plan.key}</Code>
              <StatusBadge
                label={t(`console.billing.plans.status.${plan.status}`)}
                color={retired ? "gray" : "teal"}
                data={{ "data-status": plan.status }}
              />
            </Group>
            <Text size="sm" c="dimmed">
              {texts[locale]?.description || texts.en?.description}
            </Text>
            <Text size="sm">
              <EntitlementsText entitlements={plan.entitlements} />
            </Text>
            <Text size="xs" c="dimmed">
              {t("console.billing.plans.subscriberCount", { n: plan.subscriberCount })} ·{" "}
              {t("console.billing.plans.languages", {
                list: Object.keys(texts).join(", ").toUpperCase(),
              })}
            </Text>
          </Stack>
          <Group gap="xs">
            <Button size="xs" variant="light" onClick={() => onDialog({ kind: "edit", plan })}>
              {t("console.billing.plans.edit")}
            </Button>
            <Button size="xs" variant="light" onClick={() => onDialog({ kind: "price", plan })}>
              {t("console.billing.plans.setPrice")}
            </Button>
            <Button
              size="xs"
              variant="light"
              color={retired ? "teal" : "red"}
              onClick={() =>
                onDialog({ kind: "status", plan, status: retired ? "active" : "retired" })
              }
            >
              {retired ? t("console.billing.plans.reactivate") : t("console.billing.plans.retire")}
            </Button>
          </Group>
        </Group>
        <ScrollTable minWidth={640} label={t("console.billing.plans.pricesOf", { key: plan.key })}>
          <Table striped aria-label={t("console.billing.plans.pricesOf", { key: plan.key })}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("console.billing.plans.currency")}</Table.Th>
                <Table.Th>{t("console.billing.plans.interval")}</Table.Th>
                <Table.Th>{t("console.billing.plans.amount")}</Table.Th>
                <Table.Th>{t("console.billing.plans.trialDays")}</Table.Th>
                <Table.Th>{t("console.billing.plans.stripePrice")}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plan.prices.map((price) => (
                <Table.Tr key={price.id} data-price-active={String(price.active)}>
                  <Table.Td>
                    <Data>{price.currency}</Data>
                  </Table.Td>
                  <Table.Td>{t(`console.billing.interval.${price.interval}`)}</Table.Td>
                  <Table.Td>
                    <Money amount={price.amount} currency={price.currency} />
                  </Table.Td>
                  <Table.Td>{price.trialDays}</Table.Td>
                  <Table.Td>
                    <Code fz="xs">{price.stripePriceId ?? "—"}</Code>{" "}
                    {price.active ? null : (
                      <Badge size="xs" color="gray" variant="light">
                        {t("console.billing.plans.priceInactive")}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {price.active ? (
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() =>
                          onDialog({
                            kind: "removePrice",
                            plan,
                            currency: price.currency,
                            interval: price.interval,
                          })
                        }
                      >
                        {t("console.billing.plans.removePrice")}
                      </Button>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
              {plan.prices.length === 0 ? (
                <Table.Tr>
                  <Table.Td colSpan={6}>
                    <Text size="sm" c="dimmed">
                      {t("console.billing.plans.noPrices")}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ) : null}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Stack>
    </Card>
  );
}

/**
 * The plans clients can subscribe to: what each grants, its prices per currency and interval
 * (the allowlist the server checks every subscription against), its subscribers. Every change
 * says why; the API audits it.
 */
export function PlansPage() {
  const t = useT();
  const locale = useLocale();
  const trpc = useTRPC();
  const invalidate = useInvalidatePlans();
  const plans = useQuery(trpc.billingAdmin.listPlans.queryOptions());
  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const done = (message: string) => async () => {
    await invalidate();
    notifySuccess(message);
    setDialog(null);
  };
  const removePrice = useMutation(
    trpc.billingAdmin.removePlanPrice.mutationOptions({
      onSuccess: done(t("console.billing.plans.priceRemoved")),
    }),
  );
  const setStatus = useMutation(
    trpc.billingAdmin.setPlanStatus.mutationOptions({
      onSuccess: done(t("console.billing.plans.statusChanged")),
    }),
  );

  return (
    <Stack maw={1200}>
      <Group justify="space-between" align="flex-end">
        <Stack gap={0}>
          <Title order={2}>{t("console.billing.plans.title")}</Title>
          <Text size="sm" c="dimmed">
            {t("console.billing.plans.intro")}
          </Text>
        </Stack>
        <Button onClick={() => setCreating(true)}>{t("console.billing.plans.new")}</Button>
      </Group>
      {plans.isPending ? (
        <Center p="xl">
          <Loader aria-label={t("console.billing.loading")} />
        </Center>
      ) : plans.isError ? (
        <Text c="red">{describeError(plans.error).message}</Text>
      ) : plans.data.plans.length === 0 ? (
        <Text c="dimmed">{t("console.billing.plans.empty")}</Text>
      ) : (
        plans.data.plans.map((plan) => (
          <PlanCard key={plan.id} plan={plan} locale={locale} onDialog={setDialog} />
        ))
      )}

      {creating ? <CreatePlanModal opened onClose={() => setCreating(false)} /> : null}
      <Modal
        opened={dialog?.kind === "edit"}
        onClose={() => setDialog(null)}
        title={dialog ? t("console.billing.plans.editTitle", { key: dialog.plan.key }) : ""}
        size="xl"
      >
        {dialog?.kind === "edit" ? (
          <EditPlanForm plan={dialog.plan} onClose={() => setDialog(null)} />
        ) : null}
      </Modal>
      <Modal
        opened={dialog?.kind === "price"}
        onClose={() => setDialog(null)}
        title={dialog ? t("console.billing.plans.setPriceTitle", { key: dialog.plan.key }) : ""}
        size="xl"
      >
        {dialog?.kind === "price" ? (
          <SetPriceForm plan={dialog.plan} onClose={() => setDialog(null)} />
        ) : null}
      </Modal>
      <ReasonModal
        opened={dialog?.kind === "removePrice"}
        title={t("console.billing.plans.removePriceTitle")}
        label={t("console.billing.reason")}
        confirmLabel={t("console.billing.plans.removePrice")}
        color="red"
        maxLength={MAX_BILLING_REASON}
        pending={removePrice.isPending}
        onConfirm={(reason) =>
          dialog?.kind === "removePrice" &&
          removePrice.mutate({
            key: dialog.plan.key,
            currency: dialog.currency,
            interval: dialog.interval,
            reason,
          })
        }
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          {dialog?.kind === "removePrice"
            ? t("console.billing.plans.removePriceHint", {
                key: dialog.plan.key,
                currency: dialog.currency,
                interval: t(`console.billing.interval.${dialog.interval}`),
              })
            : null}
        </Text>
      </ReasonModal>
      <ReasonModal
        opened={dialog?.kind === "status"}
        title={
          dialog?.kind === "status" && dialog.status === "retired"
            ? t("console.billing.plans.retireTitle", { key: dialog.plan.key })
            : t("console.billing.plans.reactivateTitle", {
                key: dialog?.kind === "status" ? dialog.plan.key : "",
              })
        }
        label={t("console.billing.reason")}
        confirmLabel={
          dialog?.kind === "status" && dialog.status === "retired"
            ? t("console.billing.plans.retire")
            : t("console.billing.plans.reactivate")
        }
        color={dialog?.kind === "status" && dialog.status === "retired" ? "red" : "teal"}
        maxLength={MAX_BILLING_REASON}
        pending={setStatus.isPending}
        onConfirm={(reason) =>
          dialog?.kind === "status" &&
          setStatus.mutate({ key: dialog.plan.key, status: dialog.status, reason })
        }
        onClose={() => setDialog(null)}
      >
        <Text size="sm">
          {dialog?.kind === "status" && dialog.status === "retired"
            ? t("console.billing.plans.retireHint")
            : t("console.billing.plans.reactivateHint")}
        </Text>
      </ReasonModal>
    </Stack>
  );
}
