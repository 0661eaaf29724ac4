// A fresh, migrated database per test file on the server named by DATABASE_URL, dropped at the end.
// ava runs files in parallel processes, so each file gets its own uniquely named database. No runtime
// import of ava here: benchmarks and scripts use createTestDatabase outside ava's workers.
import { randomBytes } from 'node:crypto';
import type { TestFn } from 'ava';
import pg from 'pg';
import { migrate } from '../../src/sinks/migrate.ts';

export interface TestDatabase {
  readonly pool: pg.Pool;
  /** Includes the password, if any: for connecting, not for printing. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply sql/ migrations (default true). */
  readonly migrate?: boolean;
}

export function serverUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      'DATABASE_URL is not set. Run the tests with `npm test`, which starts a throwaway embedded ' +
        'PostgreSQL, or set DATABASE_URL to a server where this user may create databases.',
    );
  }
  return url;
}

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = serverUrl();
  const name = `nba_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  const address = new URL(server);
  address.pathname = `/${name}`;
  const url = address.href;
  const pool = new pg.Pool({ connectionString: url, application_name: 'nba-ingest-test' });
  let dropped: Promise<void> | undefined;
  const drop = () => {
    dropped ??= (async () => {
      await pool.end();
      await dropDatabase(server, name);
    })();
    return dropped;
  };
  try {
    if (options.migrate ?? true) await migrate(pool);
  } catch (error) {
    await drop();
    throw error;
  }
  return { pool, url, name, drop };
}

/**
 * Registers hooks on the file's ava `test` that create its database before its tests and drop it
 * after them, and answers the database (usable once the tests run): `const db = withTestDatabase(test)`.
 */
export function withTestDatabase(test: TestFn, options: TestDatabaseOptions = {}): TestDatabase {
  let database: TestDatabase | undefined;
  // Serial: the file's own before hooks, registered later, start only once the database exists.
  test.serial.before(async () => {
    database = await createTestDatabase(options);
  });
  test.after.always(async () => {
    await database?.drop();
  });
  const current = (): TestDatabase => {
    if (!database) throw new Error('the test database is created in test.before; use it inside a test');
    return database;
  };
  return {
    get pool() {
      return current().pool;
    },
    get url() {
      return current().url;
    },
    get name() {
      return current().name;
    },
    drop: () => current().drop(),
  };
}

/**
 * Waits for the database's last connections to close (a discarded client may still be ending when
 * its pool has ended) before forcing: a forced drop terminates them, and a client that learns of it
 * with no one listening crashes the test process.
 */
async function dropDatabase(server: string, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await onServer(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}"`));
      return;
    } catch (error) {
      // 55006: the database is being accessed by other users.
      if ((error as { code?: string }).code !== '55006' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await onServer(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

async function onServer(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
