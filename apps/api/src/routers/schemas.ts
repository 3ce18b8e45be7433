import { ROLES } from "@an/domain";
import { z } from "zod";

/** A role name; anything else is UNKNOWN_ROLE with the offending value in the message. */
export const roleSchema = z.enum(ROLES, { error: "UNKNOWN_ROLE" });

export const userIdSchema = z.string().trim().min(1).max(255);

/** Opaque keyset cursor: base64url of `<created_at ms>:<id>`. */
export const cursorSchema = z
  .string()
  .max(600)
  .transform((value, ctx) => {
    const decoded = Buffer.from(value, "base64url").toString("utf8");
    const sep = decoded.indexOf(":");
    const ms = Number(decoded.slice(0, sep));
    if (sep < 1 || !Number.isFinite(ms)) {
      ctx.addIssue({ code: "custom", message: "INVALID_CURSOR" });
      return z.NEVER;
    }
    return { createdAt: new Date(ms), id: decoded.slice(sep + 1) };
  });

export function encodeCursor(cursor: { createdAt: Date; id: string } | null): string | null {
  return cursor
    ? Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, "utf8").toString("base64url")
    : null;
}
