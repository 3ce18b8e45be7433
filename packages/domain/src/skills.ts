/**
 * Skill terms are compared in one canonical form, so "Node.js", " node-js " and "NODEJS"
 * are the same term and "Résumé writing" matches "resume writing".
 *
 * The form: Unicode NFKD with combining marks removed (diacritics dropped, ligatures and
 * full-width letters folded), lowercased, then every character that is not a letter, a
 * digit, `+` or `#` removed — spaces, dots, hyphens, slashes and the like all go.
 * `+` and `#` stay because they carry meaning in skill names: "C++", "C#" and "C" are
 * three different skills. Letters of any script are kept ("بايثون" stays as it is).
 *
 * The result may be empty (a term made only of punctuation); callers treat an empty term
 * as no term. Normalizing is idempotent: `normalizeSkillTerm(normalizeSkillTerm(x))`
 * equals `normalizeSkillTerm(x)`.
 */
export function normalizeSkillTerm(term: string): string {
  return term
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}+#]/gu, "");
}
