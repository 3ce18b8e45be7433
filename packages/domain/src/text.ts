/**
 * Text we can store. PostgreSQL refuses U+0000 in `text` and `jsonb`, and a lone UTF-16
 * surrogate (half of a pair, as a truncated emoji leaves behind) can't be encoded as UTF-8,
 * so either one in a caller's input would otherwise fail deep in a query. Every edge
 * refuses such strings up front, with this one rule.
 */
export type UnstorableReason = "nul" | "lone_surrogate";

// Code units, not code points (no `u` flag): a high surrogate not followed by a low one,
// or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why `value` can't be stored, or null when it can. */
export function unstorableReason(value: string): UnstorableReason | null {
  if (value.includes("\u0000")) return "nul";
  if (LONE_SURROGATE.test(value)) return "lone_surrogate";
  return null;
}

/** True when `value` has neither U+0000 nor a lone surrogate. */
export function isStorableText(value: string): boolean {
  return unstorableReason(value) === null;
}

/** Where in a parsed JSON value the first unstorable string sits (a key or a value). */
export type UnstorableText = { path: (string | number)[]; reason: UnstorableReason };

/**
 * Walks a parsed JSON value (objects, arrays, strings; object keys too, since they land in
 * `jsonb` as well) and reports the first string that can't be stored, or null. Depth is
 * bounded by the JSON parser that built the value.
 */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): UnstorableText | null {
  if (typeof value === "string") {
    const reason = unstorableReason(value);
    return reason ? { path, reason } : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findUnstorableText(value[i], [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const keyReason = unstorableReason(key);
      if (keyReason) return { path: [...path, key], reason: keyReason };
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}
