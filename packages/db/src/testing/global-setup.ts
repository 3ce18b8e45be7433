import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../embedded";
import { migrateDatabase } from "../migrate";

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Vitest global setup: a real PostgreSQL (TEST_DATABASE_URL, or an embedded one in a
 * temporary folder), and a template database built once from the committed migrations.
 * Each test file clones it (see createTestDatabase), which takes milliseconds.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgresHandle | null = null;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = await mkdtemp(join(tmpdir(), "an-test-pg-"));
    embedded = await startEmbeddedPostgres({ dataDir: join(dir, "data"), ephemeral: true });
    serverUrl = embedded.url;
  }
  const template = `an_template_${Date.now().toString(36)}_${process.pid}`;
  const admin = postgres(withDatabase(serverUrl, "postgres"), {
    max: 1,
    onnotice: () => undefined,
  });
  try {
    await admin.unsafe(`create database "${template}"`);
  } catch (error) {
    await admin.end();
    throw new Error(
      `Cannot create the test template database on ${new URL(serverUrl).host}. ` +
        `Integration tests need a real PostgreSQL: unset TEST_DATABASE_URL to use the embedded one, ` +
        `or point it at a server where this user may CREATE DATABASE.`,
      { cause: error },
    );
  }
  await migrateDatabase(withDatabase(serverUrl, template));
  // A template can't be cloned while anyone is connected to it.
  await admin.unsafe(`alter database "${template}" with is_template true allow_connections false`);
  project.provide("testServerUrl", withDatabase(serverUrl, "postgres"));
  project.provide("templateDatabase", template);

  return async () => {
    await admin.unsafe(`alter database "${template}" with is_template false`);
    await admin.unsafe(`drop database if exists "${template}" with (force)`);
    await admin.end();
    await embedded?.stop();
  };
}
