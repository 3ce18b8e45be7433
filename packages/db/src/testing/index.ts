import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { createDb, type DbHandle } from "../client";

declare module "vitest" {
  export interface ProvidedContext {
    /** Admin URL of the test server (its `postgres` database). */
    testServerUrl: string;
    /** Name of the template database built from the real migrations. */
    templateDatabase: string;
  }
}

export type TestDatabase = DbHandle & {
  url: string;
  name: string;
  /** Drops the database (terminating any connections still open to it). */
  drop: () => Promise<void>;
};

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A fresh database cloned from the migrated template: every test file gets its own, so
 * files run in parallel without seeing each other's rows.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject("testServerUrl");
  const template = inject("templateDatabase");
  if (!serverUrl || !template) {
    throw new Error(
      "No test database: run tests through the root vitest config, whose globalSetup builds it.",
    );
  }
  const name = `an_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database "${name}" template "${template}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  const handle = createDb(url, { max: 5, applicationName: "advisor-network:test" });
  return {
    ...handle,
    url,
    name,
    drop: async () => {
      await handle.close();
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
