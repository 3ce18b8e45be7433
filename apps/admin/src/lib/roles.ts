import type { MantineColor } from "@mantine/core";
import type { RouterOutputs } from "./trpc";

export type Role = RouterOutputs["auth"]["me"]["roles"][number];

/** Badge colour per role; typed as a full record so a new role can't be forgotten here. */
export const ROLE_COLORS: Record<Role, MantineColor> = {
  client: "gray",
  advisor: "teal",
  admin: "grape",
};

/** Every role, in the order the console lists them. */
export const ROLES = ["client", "advisor", "admin"] as const satisfies readonly Role[];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
