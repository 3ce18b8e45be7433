import type { Translator } from "@an/domain";
import type { Role } from "../../lib/roles";

/** A role's name in the console's language, from `console.common.role.<role>`. */
export function roleLabel(t: Translator, role: Role): string {
  return t(`console.common.role.${role}`);
}
