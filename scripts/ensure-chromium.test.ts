import { spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type ChromiumProbe, DEFAULT_CHROMIUM_PATH, planChromium } from "./ensure-chromium";

const probe = (over: Partial<ChromiumProbe> & { executables?: string[] }): ChromiumProbe => ({
  env: { PATH: "/usr/local/bin:/usr/bin:/bin" },
  isRoot: false,
  hasAptGet: true,
  isExecutable: (path) => (over.executables ?? []).includes(path),
  ...over,
});

describe("npm test finds Chromium before the suite runs", () => {
  it.each([
    [
      "Debian's chromium, at the default path",
      "found",
      probe({ executables: [DEFAULT_CHROMIUM_PATH] }),
    ],
    [
      "an explicit CHROMIUM_PATH",
      "found",
      probe({ env: { CHROMIUM_PATH: "/opt/chrome/chrome" }, executables: ["/opt/chrome/chrome"] }),
    ],
    ["root on Debian without it: installs it, as CI does", "install", probe({ isRoot: true })],
    ["root without apt-get", "missing", probe({ isRoot: true, hasAptGet: false })],
    ["not root", "missing", probe({})],
    [
      "a wrong explicit CHROMIUM_PATH, even as root",
      "missing",
      probe({
        env: { CHROMIUM_PATH: "/nope" },
        isRoot: true,
        executables: [DEFAULT_CHROMIUM_PATH],
      }),
    ],
  ])("%s → %s", (_name, kind, machine) => {
    expect(planChromium(machine).kind).toBe(kind);
  });

  it("tells a user without root the one command to run", () => {
    const plan = planChromium(probe({}));
    expect(plan).toEqual({
      kind: "missing",
      message: expect.stringContaining("sudo apt-get install -y chromium"),
    });
  });

  it("names the variable to set when Chromium is on PATH under another name", () => {
    const plan = planChromium(probe({ executables: ["/usr/bin/chromium-browser"] }));
    expect(plan).toEqual({
      kind: "missing",
      message: expect.stringContaining("CHROMIUM_PATH=/usr/bin/chromium-browser npm test"),
    });
  });

  it("the script stops at once, with status 1 and the reason, when Chromium can't be had", async () => {
    const root = join(dirname(fileURLToPath(import.meta.url)), "..");
    const dir = await mkdtemp(join(tmpdir(), "an-chromium-"));
    try {
      const fake = join(dir, "chromium");
      await writeFile(fake, "#!/bin/sh\n");
      await chmod(fake, 0o755);
      const run = (CHROMIUM_PATH: string) =>
        spawnSync(process.execPath, ["--import", "tsx", "scripts/ensure-chromium.ts"], {
          cwd: root,
          env: { ...process.env, CHROMIUM_PATH },
          encoding: "utf8",
        });
      expect(run(fake)).toMatchObject({ status: 0, stdout: "" });
      const missing = run(join(dir, "missing"));
      expect(missing.status).toBe(1);
      expect(missing.stderr).toContain("is not an executable file");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
