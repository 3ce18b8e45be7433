/**
 * Why a decoded JSON value can't be stored as text in PostgreSQL, or null when it can:
 * the first string (object keys included) holding U+0000, which `text` and `jsonb` can't
 * hold at all, or a lone UTF-16 surrogate (`"\ud800"`), which isn't a character and which
 * `jsonb` refuses (and a driver would silently turn into U+FFFD). `path` is dotted from
 * the root (`payload.attendees.0.name`); `problem` reads after it in a sentence.
 */
export function findUnstorableText(value: unknown): { path: string; problem: string } | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === "string") {
      const problem = textProblem(v);
      if (problem) return { path: describePath(path), problem };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--)
        stack.push({ value: v[i], path: [...path, String(i)] });
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const problem = textProblem(key);
        if (problem) return { path: describePath([...path, key]), problem: `(a key) ${problem}` };
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return null;
}

/** In `u` mode a surrogate pair is one code point, so `\p{Cs}` matches only lone halves. */
const LONE_SURROGATE = /\p{Cs}/u;

function textProblem(text: string): string | null {
  if (text.includes("\u0000")) return "contains U+0000 (a NUL character)";
  if (LONE_SURROGATE.test(text)) return "contains a lone UTF-16 surrogate (not a character)";
  return null;
}

function describePath(path: string[]): string {
  // Control characters in a key would garble the message: show them escaped.
  return path.length === 0 ? "body" : JSON.stringify(path.join(".")).slice(1, -1);
}
