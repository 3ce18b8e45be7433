import { findUnstorableText as findInValue, unstorableReason } from "@an/domain";

const PROBLEM = {
  nul: "contains U+0000 (a NUL character)",
  lone_surrogate: "contains a lone UTF-16 surrogate (not a character)",
} as const;

/**
 * Why a decoded webhook body can't be stored as text in PostgreSQL, or null when it can,
 * in words for the provider's delivery log: `path` is dotted from the root
 * (`payload.attendees.0.name`, or `body`), and `problem` reads after it in a sentence.
 * The rule itself is the domain's one rule for storable text.
 */
export function findUnstorableText(value: unknown): { path: string; problem: string } | null {
  const found = findInValue(value);
  if (!found) return null;
  // A key is checked before its value, so a last step that is itself unstorable is the key.
  const last = found.path.at(-1);
  const isKey = typeof last === "string" && unstorableReason(last) !== null;
  // Control characters in a key would garble the message: show them escaped.
  const path = found.path.length === 0 ? "body" : JSON.stringify(found.path.join(".")).slice(1, -1);
  return { path, problem: `${isKey ? "(a key) " : ""}${PROBLEM[found.reason]}` };
}
