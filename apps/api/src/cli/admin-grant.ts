// Usage: pnpm admin:grant <email> [role]   (role defaults to admin)
import { adminGrant, CliError } from "./commands";
import { operator, runCli } from "./run";

const [email, role] = process.argv.slice(2).filter((a) => a !== "--");
await runCli(async (db) => {
  if (!email) throw new CliError("Usage: pnpm admin:grant <email> [client|advisor|admin]");
  const result = await adminGrant(db, { email, role, operator: operator() });
  return result.changed
    ? `Granted ${result.role} to ${email} (${result.userId}). Audited.`
    : `${email} already has the ${result.role} role; nothing changed.`;
});
