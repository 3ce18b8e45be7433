// Usage: npm run -s assistant:key -- [name]   (name defaults to "assistant")
// Prints the key alone on stdout, so `KEY=$(npm run -s assistant:key)` works; it is shown
// this once (only its hash is stored). Everything else goes to stderr.
import { assistantKey } from "./commands";
import { operator, runCli } from "./run";

const [name] = process.argv.slice(2).filter((a) => a !== "--");
await runCli(async (db) => {
  const issued = await assistantKey(db, { name: name ?? "assistant", operator: operator() });
  process.stderr.write(
    `Issued assistant credential ${issued.id} (prefix ${issued.prefix}). Audited. The key is shown only now; the assistant sends it as: Authorization: Bearer <key>\n`,
  );
  return issued.key;
});
