// Usage: npm run -s dev:token -- <email>   (development only)
// Prints the token alone on stdout, so `TOKEN=$(npm run -s dev:token -- EMAIL)` works;
// everything else goes to stderr.
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
  process.stderr.write(
    `Token for ${email}, expires ${expiresAt.toISOString()}; send it as: Authorization: Bearer <token>\n`,
  );
  return token;
});
