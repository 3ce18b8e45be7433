/**
 * Fails (exit 1) when the message catalogs are incomplete, or when the console asks for a
 * key English doesn't have: every `t("…")` with a literal key in apps/admin/src must name a
 * message (or a plural's base). Run by the console's lint, so a missing translation fails
 * the build, not a person reading the console in German.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { baseKey, catalogProblems, flattenCatalog, MESSAGE_CATALOGS } from "@an/domain";

const root = join(import.meta.dirname, "..");
const consoleSrc = join(root, "apps/admin/src");

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

const problems = catalogProblems(MESSAGE_CATALOGS);
const englishKeys = new Set([...flattenCatalog(MESSAGE_CATALOGS.en).keys()].map(baseKey));
for (const file of files(consoleSrc)) {
  const source = readFileSync(file, "utf8");
  for (const match of source.matchAll(/\bt\(\s*["']([\w.-]+)["']/g)) {
    const key = match[1]!;
    if (!englishKeys.has(key)) {
      const line = source.slice(0, match.index).split("\n").length;
      problems.push(`${relative(root, file)}:${line}: no message "${key}" in en.json`);
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`${problem}\n`);
  process.stderr.write(`\n${problems.length} catalog problem(s).\n`);
  process.exit(1);
}
process.stdout.write("Catalogs complete: every console key has a message in every language.\n");
