// Run by `npm test` before anything else: the console's browser tests drive a real
// Chromium (npm's browser downloads can't run everywhere), so find it — or, as root on
// Debian/Ubuntu, install the distribution's package as CI does — or stop at once with the
// one command to run, instead of failing minutes later.
import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the browser tests look when CHROMIUM_PATH is unset (apps/admin/e2e/stack.ts). */
export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";
const NAMES = ["chromium", "chromium-browser"];
export const APT_INSTALL = "apt-get install -y chromium";

export type ChromiumPlan =
  { kind: "found"; path: string } | { kind: "install" } | { kind: "missing"; message: string };

export type ChromiumProbe = {
  env: Record<string, string | undefined>;
  isRoot: boolean;
  isExecutable: (path: string) => boolean;
  hasAptGet: boolean;
};

/**
 * What `npm test` does about Chromium. An explicit CHROMIUM_PATH is used as given (a wrong
 * one is reported, never papered over by an install); otherwise the default path the
 * browser tests use; a Chromium elsewhere on PATH is named with the variable to set;
 * otherwise root with apt-get installs Debian's package; anyone else is told the one
 * command to run.
 */
export function planChromium(probe: ChromiumProbe): ChromiumPlan {
  const given = probe.env.CHROMIUM_PATH;
  if (given) {
    if (probe.isExecutable(given)) return { kind: "found", path: given };
    return {
      kind: "missing",
      message:
        `CHROMIUM_PATH is ${given}, which is not an executable file. ` +
        `Point it at Chromium, or unset it to use ${DEFAULT_CHROMIUM_PATH}.`,
    };
  }
  if (probe.isExecutable(DEFAULT_CHROMIUM_PATH))
    return { kind: "found", path: DEFAULT_CHROMIUM_PATH };
  // Installed under another name (Ubuntu's chromium-browser, a custom build on PATH): the
  // tests only need to be told where.
  const elsewhere = (probe.env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => NAMES.map((name) => join(dir, name)))
    .find((path) => path !== DEFAULT_CHROMIUM_PATH && probe.isExecutable(path));
  if (elsewhere) {
    return {
      kind: "missing",
      message:
        `The browser tests look for Chromium at ${DEFAULT_CHROMIUM_PATH}; it is at ${elsewhere}. Run:\n` +
        `  CHROMIUM_PATH=${elsewhere} npm test`,
    };
  }
  if (probe.isRoot && probe.hasAptGet) return { kind: "install" };
  return {
    kind: "missing",
    message:
      "The console's browser tests need Chromium, which isn't installed. Run:\n" +
      `  sudo ${APT_INSTALL}\n` +
      "(or set CHROMIUM_PATH to a Chromium binary), then npm test again.",
  };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function probeMachine(): ChromiumProbe {
  return {
    env: process.env,
    isRoot: process.getuid?.() === 0,
    isExecutable,
    hasAptGet: spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status === 0,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const plan = planChromium(probeMachine());
  if (plan.kind === "missing") {
    process.stderr.write(`${plan.message}\n`);
    process.exit(1);
  }
  if (plan.kind === "install") {
    process.stderr.write("Chromium is missing: installing Debian's chromium package (as root)…\n");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const ok =
      spawnSync("apt-get", ["update", "-qq"], { stdio: ["ignore", 2, 2], env }).status === 0 &&
      spawnSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", 2, 2], env })
        .status === 0;
    const after = planChromium(probeMachine());
    if (!ok || after.kind !== "found") {
      process.stderr.write(
        `Installing Chromium failed. Install it yourself (${APT_INSTALL}) or set CHROMIUM_PATH, then npm test again.\n`,
      );
      process.exit(1);
    }
  }
}
