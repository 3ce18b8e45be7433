import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

async function lint(code: string) {
  const eslint = new ESLint({ cwd: packageDir });
  const [result] = await eslint.lintText(code, { filePath: join(packageDir, "src", "result.ts") });
  return (result?.messages ?? []).map((m) => m.ruleId);
}

// Type-aware ESLint takes seconds to start, more so while the rest of the suite runs.
describe("packages/domain stays pure (lint-enforced)", { timeout: 60_000 }, () => {
  it.each([
    [
      "a workspace import",
      `import { createDb } from "@an/db";\nexport const x = createDb;\n`,
      "no-restricted-imports",
    ],
    [
      "file-system I/O",
      `import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n`,
      "no-restricted-imports",
    ],
    ["reading the clock", `export const now = () => Date.now();\n`, "no-restricted-syntax"],
    ["a no-argument Date", `export const now = () => new Date();\n`, "no-restricted-syntax"],
    ["randomness", `export const r = () => Math.random();\n`, "no-restricted-syntax"],
    ["the environment", `export const e = () => process.env.X;\n`, "no-restricted-globals"],
  ])("refuses %s", async (_name, code, rule) => {
    expect(await lint(code)).toContain(rule);
  });

  it("accepts pure code", async () => {
    expect(await lint(`export const add = (a: number, b: number): number => a + b;\n`)).toEqual([]);
  });
});
