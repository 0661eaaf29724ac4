// Applies the numbered migrations in sql/ (NNN_name.sql) in order, each in its own transaction, and
// records them in nba_ingest.schema_migrations with a checksum. A session advisory lock makes two
// processes migrating at once safe; editing an applied migration is refused, never silently skipped.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { checkOut } from './checkOut.ts';
import { DatabaseError } from './databaseError.ts';

export interface MigrateOptions {
  /** The migrations directory; the repository's sql/ by default. */
  readonly directory?: string;
}

interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly checksum: string;
}

export const MIGRATIONS_DIRECTORY = fileURLToPath(new URL('../../sql/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/;
/** Any fixed number does; this one is the table's name through hashtext, written out. */
const LOCK_KEY = "hashtext('nba_ingest.schema_migrations')";
/** SQLSTATE 42501: the user lacks a privilege the migration needs (a setup problem, not a bug). */
const INSUFFICIENT_PRIVILEGE = '42501';

const BOOTSTRAP = `
CREATE SCHEMA IF NOT EXISTS nba_ingest;
CREATE TABLE IF NOT EXISTS nba_ingest.schema_migrations (
  version    int PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);`;

/** Applies the pending migrations; answers their names (`001_nba_reference`, …), empty when none. */
export async function migrate(pool: pg.Pool, options: MigrateOptions = {}): Promise<string[]> {
  const migrations = await readMigrations(options.directory ?? MIGRATIONS_DIRECTORY);
  const client = await checkOut(pool);
  let failure: Error | undefined;
  try {
    // The bootstrap runs under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide.
    await client.query(`SELECT pg_advisory_lock(${LOCK_KEY})`);
    await client.query(BOOTSTRAP);
    const applied = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM nba_ingest.schema_migrations ORDER BY version',
    );
    checkApplied(migrations, applied.rows);
    const done = new Set(applied.rows.map((row) => row.version));
    const names: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await applyMigration(client, migration);
      names.push(`${String(migration.version).padStart(3, '0')}_${migration.name}`);
    }
    await client.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`);
    return names;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) {
      throw new DatabaseError(
        'configuration',
        `the database user may not create or change the schema: ${failure.message}`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    // A failed client is closed, which also releases the session lock.
    client.release(failure);
  }
}

async function applyMigration(client: pg.PoolClient, migration: Migration): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      'INSERT INTO nba_ingest.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)',
      [migration.version, migration.name, migration.checksum],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    throw new DatabaseError('configuration', `migration ${migration.file} failed: ${message}`, {
      cause: error,
    });
  }
}

function checkApplied(
  migrations: readonly Migration[],
  applied: readonly { version: number; name: string; checksum: string }[],
): void {
  const byVersion = new Map(migrations.map((migration) => [migration.version, migration]));
  for (const row of applied) {
    const migration = byVersion.get(row.version);
    const label = `${String(row.version).padStart(3, '0')}_${row.name}.sql`;
    if (!migration) {
      throw new DatabaseError(
        'configuration',
        `the database has migration ${label} applied, which this version of nba-ingest does not have; ` +
          'run a newer nba-ingest or use another database',
      );
    }
    if (migration.checksum !== row.checksum || migration.name !== row.name) {
      throw new DatabaseError(
        'configuration',
        `migration ${migration.file} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… ` +
          `recorded, ${migration.checksum.slice(0, 12)}… on disk); restore it and add a new migration instead`,
      );
    }
  }
}

async function readMigrations(directory: string): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = MIGRATION_FILE.exec(file);
    if (!match?.[1] || !match[2]) {
      throw new DatabaseError('configuration', `${file} in ${directory} is not named NNN_name.sql`);
    }
    const version = Number(match[1]);
    if (migrations.some((migration) => migration.version === version)) {
      throw new DatabaseError('configuration', `two migrations in ${directory} have version ${match[1]}`);
    }
    // Line endings do not change a migration: a checkout with CRLF has the same checksum.
    const sql = (await readFile(join(directory, file), 'utf8')).replaceAll('\r\n', '\n');
    const checksum = createHash('sha256').update(sql).digest('hex');
    migrations.push({ version, name: match[2], file, sql, checksum });
  }
  return migrations;
}
