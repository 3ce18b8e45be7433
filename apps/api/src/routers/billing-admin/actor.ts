import type { Actor } from "@an/db";

/** The admin making a change, as the audit log records them. */
export const adminActor = (userId: string): Actor => ({ kind: "user", userId });
