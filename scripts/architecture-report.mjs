#!/usr/bin/env node
// Prints the figures the architecture is held to: import cycles between source files, the
// largest files, SQL and schema imports in apps/, and job enqueues that bypass the job
// contract. Run it before and after a structural change: `node scripts/architecture-report.mjs`.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const isTest = (file) =>
  /\.(test|e2e\.test|integration\.test)\.tsx?$/.test(file) || /\/e2e\//.test(file);

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

const files = ["apps", "packages"]
  .flatMap((top) => readdirSync(join(root, top)).map((name) => join(root, top, name)))
  .filter((dir) => existsSync(join(dir, "src")) || existsSync(join(dir, "e2e")))
  .flatMap((dir) => walk(dir));
const sources = files.filter((file) => !isTest(file));
const rel = (file) => relative(root, file);
const lines = (file) => readFileSync(file, "utf8").split("\n").length;

// Workspace package entry points, from each package.json's "exports".
const packageEntries = new Map();
for (const name of readdirSync(join(root, "packages"))) {
  const manifest = join(root, "packages", name, "package.json");
  if (!existsSync(manifest)) continue;
  const pkg = JSON.parse(readFileSync(manifest, "utf8"));
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    const spec = key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`;
    packageEntries.set(spec, join(root, "packages", name, target));
  }
}

function resolveImport(from, spec) {
  if (packageEntries.has(spec)) return packageEntries.get(spec);
  if (!spec.startsWith(".")) return null;
  const base = resolve(dirname(from), spec);
  for (const candidate of [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    join(base, "index.ts"),
    join(base, "index.tsx"),
  ]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

// Value imports only: `import type` and `export type` vanish at compile time and make no cycle
// at run time; they are counted separately.
const importPattern =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["']([^"']+)["']/g;
function graph(includeTypes) {
  const edges = new Map();
  for (const file of sources) {
    const text = readFileSync(file, "utf8");
    const targets = new Set();
    for (const match of text.matchAll(importPattern)) {
      if (match[2] && !includeTypes) continue;
      const target = resolveImport(file, match[3]);
      if (target && target !== file) targets.add(target);
    }
    edges.set(file, targets);
  }
  return edges;
}

// Tarjan's strongly connected components: every component of more than one file is a cycle.
function cycles(edges) {
  let index = 0;
  const stack = [];
  const state = new Map();
  const found = [];
  const visit = (node) => {
    state.set(node, { index, low: index, onStack: true });
    index += 1;
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (!edges.has(next)) continue;
      if (!state.has(next)) {
        visit(next);
        state.get(node).low = Math.min(state.get(node).low, state.get(next).low);
      } else if (state.get(next).onStack) {
        state.get(node).low = Math.min(state.get(node).low, state.get(next).index);
      }
    }
    if (state.get(node).low === state.get(node).index) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        state.get(member).onStack = false;
        component.push(member);
      } while (member !== node);
      if (component.length > 1) found.push(component.map(rel).sort());
    }
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found;
}

const valueCycles = cycles(graph(false));
const allCycles = cycles(graph(true));
console.log(`import cycles (value imports): ${valueCycles.length}`);
for (const component of valueCycles) console.log(`  ${component.join(" ↔ ")}`);
console.log(`import cycles (type imports included): ${allCycles.length}`);
for (const component of allCycles) console.log(`  ${component.join(" ↔ ")}`);

const sized = sources.map((file) => ({ file: rel(file), lines: lines(file) }));
sized.sort((a, b) => b.lines - a.lines);
console.log("largest source files:");
for (const { file, lines: count } of sized.slice(0, 10)) console.log(`  ${count}  ${file}`);
const overLimit = sized.filter((entry) => entry.file.startsWith("packages/") && entry.lines > 600);
console.log(`source files in packages/ over 600 lines: ${overLimit.length}`);
for (const { file, lines: count } of overLimit) console.log(`  ${count}  ${file}`);

// SQL in apps: query builders, tagged SQL and the schema, anywhere outside the packages.
const sqlPattern =
  /from\s+["'](?:drizzle-orm[^"']*|@an\/db\/schema|postgres)["']|\bsql`|\b(?:db|tx|trx|executor)\s*\.\s*(?:select|insert|update|delete|execute)\b|\.query\.\w+\.find(?:First|Many)\b/;
const sqlInApps = sources
  .filter((file) => rel(file).startsWith("apps/"))
  .filter((file) => sqlPattern.test(readFileSync(file, "utf8")));
console.log(`source files in apps/ with SQL or schema imports: ${sqlInApps.length}`);
for (const file of sqlInApps) console.log(`  ${rel(file)}`);

const jobContract = join(root, "packages", "db", "src", "jobs.ts");
const rawEnqueues = sources
  .filter((file) => file !== jobContract)
  .flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line, at) => (/add_job\s*\(/.test(line) ? [`${rel(file)}:${at + 1}`] : [])),
  );
console.log(`raw graphile_worker.add_job calls outside the job contract: ${rawEnqueues.length}`);
for (const place of rawEnqueues) console.log(`  ${place}`);
