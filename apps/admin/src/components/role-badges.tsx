import { Badge, CloseButton, Group, Text, Tooltip } from "@mantine/core";
import { useT } from "../lib/i18n";
import { ROLE_COLORS, type Role } from "../lib/roles";

type RoleBadgesProps = {
  roles: readonly Role[];
  /** Shown in the revoke buttons' accessible names, e.g. the user's email. */
  owner?: string;
  /** Adds an × to each badge; omitted, the badges are read-only. */
  onRevoke?: (role: Role) => void;
  /** Roles whose × is disabled, with the reason shown on hover. */
  locked?: Partial<Record<Role, string>>;
};

/** A user's roles as a labelled list of badges. */
export function RoleBadges({ roles, owner, onRevoke, locked = {} }: RoleBadgesProps) {
  const t = useT();
  if (roles.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {t("console.common.noRoles")}
      </Text>
    );
  }
  return (
    <Group
      gap={6}
      wrap="wrap"
      role="list"
      aria-label={owner ? t("console.common.rolesOf", { owner }) : t("console.common.roles")}
    >
      {roles.map((role) => {
        const lockedReason = locked[role];
        const roleName = t(`console.common.role.${role}`);
        const revoke = onRevoke ? (
          <Tooltip
            label={lockedReason ?? t("console.common.revokeRole", { role: roleName })}
            withArrow
          >
            <CloseButton
              size="xs"
              variant="transparent"
              c="inherit"
              disabled={Boolean(lockedReason)}
              aria-label={
                owner
                  ? t("console.common.revokeRoleFrom", { role: roleName, owner })
                  : t("console.common.revokeRole", { role: roleName })
              }
              onClick={() => onRevoke(role)}
            />
          </Tooltip>
        ) : null;
        return (
          <Badge
            key={role}
            role="listitem"
            color={ROLE_COLORS[role]}
            variant="light"
            data-role={role}
            rightSection={revoke}
            pe={revoke ? 2 : undefined}
          >
            {roleName}
          </Badge>
        );
      })}
    </Group>
  );
}
