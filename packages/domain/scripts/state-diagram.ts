/**
 * Rewrites the state diagram in packages/domain/README.md from the transition table.
 * Run: cd packages/domain && pnpm exec tsx scripts/state-diagram.ts
 * A unit test fails while the README's block differs from transitionTableToMermaid().
 */
import { readFileSync, writeFileSync } from "node:fs";
import { transitionTableToMermaid } from "../src/consultation-machine";

const START = "<!-- state-diagram:start -->";
const END = "<!-- state-diagram:end -->";
const readmeUrl = new URL("../README.md", import.meta.url);

const readme = readFileSync(readmeUrl, "utf8");
const from = readme.indexOf(START);
const to = readme.indexOf(END);
if (from === -1 || to < from) {
  throw new Error(`README.md needs ${START} … ${END} markers`);
}
const block = `${START}\n\n\`\`\`mermaid\n${transitionTableToMermaid()}\n\`\`\`\n\n${END}`;
const next = readme.slice(0, from) + block + readme.slice(to + END.length);
if (next !== readme) writeFileSync(readmeUrl, next);
process.stdout.write(next === readme ? "state diagram up to date\n" : "state diagram rewritten\n");
