// Fails when the drizzle schema has changed without a generated migration: generates into
// a scratch copy of the migrations folder and checks that drizzle-kit found nothing to do.
import { execFileSync } from "node:child_process";
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

// drizzle-kit resolves `out` relative to the package, so the scratch copy lives here.
const scratch = ".drift-check";
rmSync(scratch, { recursive: true, force: true });
let exitCode = 0;
try {
  cpSync("drizzle", scratch, { recursive: true });
  const before = readdirSync(scratch).filter((f) => f.endsWith(".sql")).length;
  const output = execFileSync(
    join("node_modules", ".bin", "drizzle-kit"),
    ["generate", "--name", "drift_check"],
    {
      env: { ...process.env, DRIZZLE_OUT: `./${scratch}` },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const after = readdirSync(scratch).filter((f) => f.endsWith(".sql")).length;
  if (after !== before) {
    process.stderr.write(
      "Migration drift: the schema in packages/db/src/schema differs from the committed migrations.\n" +
        "Run `pnpm db:generate`, review the new SQL file, and commit it.\n",
    );
    exitCode = 1;
  } else if (!/No schema changes/.test(output)) {
    // drizzle-kit can exit 0 after failing; only its explicit all-clear counts.
    process.stderr.write(`Could not check for migration drift; drizzle-kit said:\n${output}\n`);
    exitCode = 1;
  } else {
    process.stdout.write("No migration drift: the committed migrations match the schema.\n");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(exitCode);
