#!/usr/bin/env node
// Installs the workspace's dependencies when they are missing or older than the lockfile,
// so `npm start` and `npm test` work from a fresh clone with only Node and npm.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const marker = join(root, "node_modules", ".modules.yaml");
const lockfile = join(root, "pnpm-lock.yaml");
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync(lockfile).mtimeMs;
if (stale) {
  // stderr: a command's stdout may be captured (`TOKEN=$(npm run -s dev:token -- …)`).
  console.error("Installing dependencies (first run)…");
  const r = spawnSync(
    process.execPath,
    [join(root, "scripts", "pnpm.mjs"), "install", "--frozen-lockfile"],
    // pnpm's progress goes to stderr too, for the same reason.
    { stdio: ["inherit", process.stderr, "inherit"], cwd: root },
  );
  if (r.status !== 0) process.exit(r.status ?? 1);
}
