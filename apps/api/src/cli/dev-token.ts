// Usage: pnpm dev:token <email>   (development only)
import { CliError, devToken } from "./commands";
import { runCli } from "./run";

const [email] = process.argv.slice(2).filter((a) => a !== "--");
if (process.env.NODE_ENV === "production") {
  process.stderr.write(
    "Refusing to mint tokens: NODE_ENV is production, where tokens come only from the identity provider.\n",
  );
  process.exit(1);
}
await runCli(async (db, env) => {
  if (!email) throw new CliError("Usage: pnpm dev:token <email>");
  const { token, expiresAt } = await devToken(db, env, { email });
  return `${token}\n# expires ${expiresAt.toISOString()}; use as: Authorization: Bearer <token>`;
});
