import { defineConfig } from "drizzle-kit";

// Only `generate` is used: migrations are generated, reviewed and committed, never pushed.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: process.env.DRIZZLE_OUT ?? "./drizzle",
  casing: "snake_case",
});
