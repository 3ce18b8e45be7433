import { canonicalTimeZone, isStorableText, ROLES } from "@an/domain";
import { z } from "zod";

/**
 * The string every input uses: one with U+0000 or a lone UTF-16 surrogate (which
 * PostgreSQL can't store) is TEXT_INVALID_CHARACTERS on that field. Chain as on
 * `z.string()`: `text().trim().min(1).max(200)`.
 */
export function text() {
  return z.string().refine(isStorableText, { error: "TEXT_INVALID_CHARACTERS" });
}

/** A role name; anything else is UNKNOWN_ROLE with the offending value in the message. */
export const roleSchema = z.enum(ROLES, { error: "UNKNOWN_ROLE" });

/**
 * An IANA time zone a person lives in ("Europe/Paris", "UTC"), stored in its canonical
 * spelling; anything else (an unknown name, an offset) is INVALID_TIME_ZONE on that field.
 */
export const timeZoneSchema = z
  .string()
  .max(64)
  .transform((value, ctx) => {
    const zone = canonicalTimeZone(value);
    if (zone) return zone;
    ctx.addIssue({ code: "custom", message: "INVALID_TIME_ZONE" });
    return z.NEVER;
  });

export const userIdSchema = text().trim().min(1).max(255);

/** What the rows a list pages over are keyed by: generated uuids, or user ids (text). */
export type CursorIdKind = "uuid" | "text";

const uuid = z.uuid();
const MAX_DATE_MS = 8.64e15;

/**
 * Opaque keyset cursor: base64url of `<created_at ms>:<id>`. One that doesn't decode to a
 * real instant and an id of the list's kind is INVALID_CURSOR (start from the first page),
 * never a query that fails on the database.
 */
export function keysetCursor(idKind: CursorIdKind) {
  return z
    .string()
    .max(600)
    .transform((value, ctx) => {
      const decoded = Buffer.from(value, "base64url").toString("utf8");
      const sep = decoded.indexOf(":");
      const msText = decoded.slice(0, sep);
      const id = decoded.slice(sep + 1);
      // Rows are created after 1970 and before the end of JavaScript's dates; anything else
      // is no cursor we issued (and PostgreSQL refuses years before 4713 BC).
      const ms = /^\d{1,16}$/.test(msText) ? Number(msText) : NaN;
      const createdAt = new Date(ms <= MAX_DATE_MS ? ms : NaN);
      const idValid =
        idKind === "uuid"
          ? uuid.safeParse(id).success
          : id.length > 0 && id.length <= 255 && isStorableText(id);
      if (sep < 1 || Number.isNaN(createdAt.getTime()) || !idValid) {
        ctx.addIssue({ code: "custom", message: "INVALID_CURSOR" });
        return z.NEVER;
      }
      return { createdAt, id };
    });
}

/** The cursor of a list of rows keyed by uuid, the common case. */
export const cursorSchema = keysetCursor("uuid");
/** The cursor of a list keyed by user id (users, advisors). */
export const userCursorSchema = keysetCursor("text");

export function encodeCursor(cursor: { createdAt: Date; id: string } | null): string | null {
  return cursor
    ? Buffer.from(`${cursor.createdAt.getTime()}:${cursor.id}`, "utf8").toString("base64url")
    : null;
}
