import { Badge, CloseButton, Group, Text, Tooltip } from "@mantine/core";
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
  if (roles.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        No roles
      </Text>
    );
  }
  return (
    <Group gap={6} role="list" aria-label={owner ? `Roles of ${owner}` : "Roles"}>
      {roles.map((role) => {
        const lockedReason = locked[role];
        const revoke = onRevoke ? (
          <Tooltip label={lockedReason ?? `Revoke ${role}`} withArrow>
            <CloseButton
              size="xs"
              variant="transparent"
              c="inherit"
              disabled={Boolean(lockedReason)}
              aria-label={`Revoke ${role}${owner ? ` from ${owner}` : ""}`}
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
            pr={revoke ? 2 : undefined}
          >
            {role}
          </Badge>
        );
      })}
    </Group>
  );
}
