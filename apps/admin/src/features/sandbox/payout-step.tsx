import { Badge, Group, Stack, Text } from "@mantine/core";
import type { ReactNode } from "react";

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
  return (
    <Stack gap={4} data-payout-step={n} data-done={done}>
      <Group gap="xs">
        <Badge color={done ? "teal" : "gray"} variant={done ? "filled" : "light"} circle>
          {n}
        </Badge>
        <Text size="sm" fw={500}>
          {title}
        </Text>
        {done ? (
          <Text size="xs" c="teal">
            done
          </Text>
        ) : null}
      </Group>
      <Stack gap={4} pl={34}>
        {children}
      </Stack>
    </Stack>
  );
}
