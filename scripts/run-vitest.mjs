#!/usr/bin/env node
// Runs the whole Vitest suite once and ends with the plain line `N passed, N failed`
// (CI reads that line; Vitest's own summary is for people).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const report = join(root, "artifacts", "vitest-report.json");
mkdirSync(dirname(report), { recursive: true });
rmSync(report, { force: true });
rmSync(join(root, "artifacts", "test-summary.txt"), { force: true });

const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  [
    "run",
    // Coverage of the pure rules is part of every full run; its thresholds fail the run.
    "--coverage.enabled=true",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", cwd: root, env: process.env },
);

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests ?? 0;
  // A failed test counts once; a file that failed without a failed test (it did not load,
  // or a hook threw) counts as one more. Vitest's suite count would add every describe.
  const brokenFiles = (json.testResults ?? []).filter(
    (file) =>
      file.status === "failed" &&
      !(file.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  failed = (json.numFailedTests ?? 0) + brokenFiles;
  skipped = (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
} else {
  failed = 1;
}
if (passed + failed === 0) failed = 1; // a run that ran nothing is a failure, not a pass
const summary = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
// Kept for .ci/run, which repeats it as its very last line (turbo prints after us).
writeFileSync(join(root, "artifacts", "test-summary.txt"), `${summary}\n`);
process.stdout.write(`\n${summary}\n`);
process.exit(result.status === 0 && failed === 0 ? 0 : 1);
