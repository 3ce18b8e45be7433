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
 * `jsonb` as well) and reports the first string that can't be stored, or null. Iterative,
 * so a deeply nested body (which `JSON.parse` accepts) can't overflow the call stack.
 */
export function findUnstorableText(value: unknown): UnstorableText | null {
  // Each frame links to its parent instead of copying the path, so a body nested thousands
  // deep costs linear memory; the path is spelled out only for the string that is reported.
  type Frame = { value: unknown; key: string | number | null; parent: Frame | null };
  const pathOf = (frame: Frame): (string | number)[] => {
    const path: (string | number)[] = [];
    for (let f: Frame | null = frame; f !== null && f.key !== null; f = f.parent) path.push(f.key);
    return path.reverse();
  };
  const stack: Frame[] = [{ value, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const v = frame.value;
    if (typeof v === "string") {
      const reason = unstorableReason(v);
      if (reason) return { path: pathOf(frame), reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ value: v[i], key: i, parent: frame });
    } else if (v !== null && typeof v === "object") {
      // Reversed, each key (as a string to check) above its value: popped in document order.
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const [key, item] = entries[i]!;
        const child: Frame = { value: item, key, parent: frame };
        stack.push(child);
        if (unstorableReason(key)) stack.push({ value: key, key, parent: frame });
      }
    }
  }
  return null;
}
