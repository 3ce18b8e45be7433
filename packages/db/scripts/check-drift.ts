// Fails when the drizzle schema has changed without a generated migration: generates into
// a scratch copy of the migrations folder and checks nothing new appears.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const scratch = mkdtempSync(join(tmpdir(), "drizzle-drift-"));
try {
  cpSync("drizzle", scratch, { recursive: true });
  const before = readdirSync(scratch).filter((f) => f.endsWith(".sql")).length;
  execFileSync(join("node_modules", ".bin", "drizzle-kit"), ["generate", "--name", "drift_check"], {
    env: { ...process.env, DRIZZLE_OUT: scratch },
    stdio: "pipe",
  });
  const after = readdirSync(scratch).filter((f) => f.endsWith(".sql"));
  if (after.length !== before) {
    process.stderr.write(
      "Migration drift: the schema in packages/db/src/schema differs from the committed migrations.\n" +
        "Run `pnpm db:generate`, review the new SQL file, and commit it.\n",
    );
    process.exit(1);
  }
  process.stdout.write("No migration drift: the committed migrations match the schema.\n");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
