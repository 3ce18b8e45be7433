import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, inject } from "vitest";
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

/**
 * Gives the calling test file its own cloned database for all its tests: created (and
 * prepared by `setup`, e.g. seeding) before the first test, dropped after the last. The
 * returned object stands for that database once the hooks have run.
 */
export function useTestDatabase(setup?: (t: TestDatabase) => Promise<void>): TestDatabase {
  let current: TestDatabase | null = null;
  beforeAll(async () => {
    current = await createTestDatabase();
    await setup?.(current);
  });
  afterAll(async () => {
    await current?.drop();
  });
  return new Proxy({} as TestDatabase, {
    get(_target, key) {
      if (!current) throw new Error("The test database exists only inside tests and hooks.");
      return current[key as keyof TestDatabase];
    },
  });
}
export * from "./fixtures";
export * from "./parties";
export * from "./consultations";
export * from "./payouts";
export * from "./records";
export * from "./chat";
export * from "./billing";
