import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeSkillTerm } from "./skills";

describe("normalizeSkillTerm", () => {
  it.each([
    ["lowercases", "TypeScript", "typescript"],
    ["trims", "  react  ", "react"],
    ["drops dots", "Node.js", "nodejs"],
    ["drops hyphens and spaces", " node - js ", "nodejs"],
    ["drops slashes and underscores", "CI/CD_pipelines", "cicdpipelines"],
    ["strips diacritics", "Résumé Écriture", "resumeecriture"],
    ["folds full-width letters", "ＧＯ", "go"],
    ["folds ligatures", "ﬁnance", "finance"],
    ["keeps +", "C++", "c++"],
    ["keeps #", "C#", "c#"],
    ["keeps + and # among dropped punctuation", " F# / .NET ", "f#net"],
    ["keeps digits", "Web 3.0", "web30"],
    ["keeps other scripts", "بايثون", "بايثون"],
    ["punctuation only is empty", " .-/ ", ""],
  ])("%s: %j → %j", (_name, input, expected) => {
    expect(normalizeSkillTerm(input)).toBe(expected);
  });

  it("node, nodejs and node.js differ only as node vs nodejs", () => {
    expect(normalizeSkillTerm("nodejs")).toBe(normalizeSkillTerm("Node.js"));
    expect(normalizeSkillTerm("node")).not.toBe(normalizeSkillTerm("node.js"));
  });

  it("c, c++ and c# stay distinct", () => {
    const terms = ["C", "C++", "C#"].map(normalizeSkillTerm);
    expect(new Set(terms).size).toBe(3);
  });

  it("is idempotent", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const once = normalizeSkillTerm(s);
        expect(normalizeSkillTerm(once)).toBe(once);
      }),
    );
  });

  it("never contains whitespace, dots or hyphens, or upper-case letters", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (s) => {
        const out = normalizeSkillTerm(s);
        expect(out).not.toMatch(/[\s.-]/u);
        expect(out).toBe(out.toLowerCase());
      }),
    );
  });
});
