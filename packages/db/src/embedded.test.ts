import { chmod, mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  allowPassingThrough,
  ensureExecutable,
  foldersBlocking,
  startEmbeddedPostgres,
} from "./embedded";

const made: string[] = [];
/** A fresh folder that only its owner may enter (what `mktemp -d` makes). */
async function privateFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "an-embedded-700-"));
  await chmod(dir, 0o700);
  made.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe("embedded PostgreSQL from a folder other users can't traverse", () => {
  it("finds the folder the postgres user can't enter, and only that one", async () => {
    const dir = await privateFolder();
    await mkdir(join(dir, "repo", "node_modules"), { recursive: true });
    const stranger = { name: "postgres", uid: 54_321, gid: 54_321 };
    const notCreatedYet = { name: "postgres", uid: null, gid: null };
    const owner = { name: "me", uid: userInfo().uid, gid: userInfo().gid };
    const target = join(dir, "repo", "node_modules");
    expect(await foldersBlocking([target, join(dir, "repo")], stranger)).toEqual([dir]);
    expect(await foldersBlocking([target], notCreatedYet)).toEqual([dir]);
    expect(await foldersBlocking([target], owner)).toEqual([]);
    await chmod(dir, 0o701);
    expect(await foldersBlocking([target], stranger)).toEqual([]);
  });

  it("opens the data folder's own parent for passing through only, keeping its other bits", async () => {
    const dir = await privateFolder();
    await allowPassingThrough(dir);
    expect((await stat(dir)).mode & 0o7777).toBe(0o701);
    const shared = join(dir, "shared");
    await mkdir(shared);
    await chmod(shared, 0o1777); // like /tmp: sticky and world-writable, left as it is
    await allowPassingThrough(shared);
    expect((await stat(shared)).mode & 0o7777).toBe(0o1777);
  });

  it("makes the binaries executable before anything spawns them", async () => {
    const dir = await privateFolder();
    const file = join(dir, "initdb");
    await writeFile(file, "#!/bin/sh\n", { mode: 0o644 });
    await ensureExecutable([file]);
    expect((await stat(file)).mode & 0o777).toBe(0o755);
  });

  it("as root, stops at once naming the folder and the fix; otherwise it just starts", async () => {
    const dir = await privateFolder();
    const dataDir = join(dir, "cluster", "data");
    const started = Date.now();
    const attempt = startEmbeddedPostgres({ dataDir, ephemeral: true });
    if (userInfo().uid === 0) {
      // The cluster runs as the postgres user, which can't pass through `dir`.
      const error = await attempt.then(
        (handle) => handle.stop().then(() => null),
        (e: unknown) => e as Error,
      );
      expect(error?.message).toContain(`chmod o+x '${dir}'`);
      expect(error?.message).toContain("DATABASE_URL");
      expect(Date.now() - started).toBeLessThan(5_000);
    } else {
      // Not root: the cluster runs as this user, who owns `dir`.
      const handle = await attempt;
      await handle.stop();
    }
  });
});
