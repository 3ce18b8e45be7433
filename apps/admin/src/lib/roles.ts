import type { Role } from "@an/domain";
import type { MantineColor } from "@mantine/core";

export { isRole, type Role, ROLES } from "@an/domain";

/** Badge colour per role; typed as a full record so a new role can't be forgotten here. */
export const ROLE_COLORS: Record<Role, MantineColor> = {
  client: "gray",
  advisor: "teal",
  admin: "grape",
};
