#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's "packageManager", whether or not pnpm is
// installed: a fresh machine has only Node and npm, so we fall back to `npm exec`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinned = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).packageManager;
const version = pinned.replace(/^pnpm@/, "").split("+")[0];
const args = process.argv.slice(2);

function run(cmd, cmdArgs) {
  return spawnSync(cmd, cmdArgs, { stdio: "inherit", cwd: process.cwd(), env: process.env });
}

const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8" });
const result =
  probe.status === 0 && probe.stdout.trim() === version
    ? run("pnpm", args)
    : run("npm", ["exec", "--yes", `--package=pnpm@${version}`, "--", "pnpm", ...args]);
process.exit(result.status ?? 1);
