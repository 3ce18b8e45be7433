import { Badge, Group, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";
import { formatNumber } from "../../lib/format";
import { useT } from "../../lib/i18n";
import { useLocale } from "../../lib/session";

/** Statuses from which the sandbox offers to carry a consultation on to a payout. */
export const PAYABLE_PATH: readonly string[] = ["completed", "released", "paid_out"];

/** One step of the payout walk-through: its number, what it does, and whether it's done. */
export function PayoutStep({
  n,
  title,
  done,
  children,
}: {
  n: number;
  title: string;
  done: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <Stack gap={4} data-payout-step={n} data-done={done}>
      <Group gap="xs" wrap="wrap">
        <Badge color={done ? "teal" : "gray"} variant={done ? "filled" : "light"} circle>
          {formatNumber(n, locale)}
        </Badge>
        <Text size="sm" fw={500}>
          {title}
        </Text>
        {done ? (
          <Text size="xs" c="teal">
            {t("console.sandbox.payout.done")}
          </Text>
        ) : null}
      </Group>
      <Stack gap={4} ps={34}>
        {children}
      </Stack>
    </Stack>
  );
}
