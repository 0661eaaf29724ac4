// Opens the database the tool writes to: the server named by a URL, or, without one, an embedded
// PostgreSQL in a local data directory. Connectivity is checked up front so a wrong URL, password or
// database name fails at once with a DatabaseError whose kind the CLI maps to an exit code.
import { resolve } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { DatabaseError } from './databaseError.ts';
import { startEmbeddedPostgres } from './embeddedPostgres.ts';

export { DatabaseError, type DatabaseErrorKind } from './databaseError.ts';

export interface DatabaseOptions {
  /** `postgres://…`; when absent an embedded PostgreSQL is started in `dataDir`. */
  readonly databaseUrl?: string;
  /** Default `.nba-ingest/postgres` under the current directory. */
  readonly dataDir?: string;
  readonly logger?: Pick<Logger, 'debug' | 'info' | 'warn'>;
}

export interface Database {
  readonly pool: pg.Pool;
  /** The URL with its password redacted, for logs and summaries. */
  readonly url: string;
  readonly embedded: boolean;
  /** Ends the pool, then stops the embedded server if there is one. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_DATA_DIR = '.nba-ingest/postgres';
const EMBEDDED_DATABASE = 'nba';
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * Connections a run may hold: one per batch or legacy game being written (the default 2 Query Tool
 * batches and up to 16 legacy calls in flight), plus coverage reads. Waiting longer than
 * CONNECT_TIMEOUT_MS for one fails the run, so the pool is not the bottleneck.
 */
const POOL_SIZE = 20;

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') {
    const url = checkedUrl(options.databaseUrl);
    const pool = await connect(options.databaseUrl, redactUrl(url), options.logger);
    return database(pool, redactUrl(url), false, async () => undefined);
  }
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const server = await startEmbeddedPostgres({
    dataDir,
    database: EMBEDDED_DATABASE,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const shown = redactUrl(new URL(server.url));
  try {
    const pool = await connect(server.url, shown, options.logger);
    return database(pool, shown, true, server.stop);
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/** `postgres://user:***@host:port/db`: the password never leaves this module in a printable form. */
export function redactUrl(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = '***';
  for (const name of ['password', 'sslpassword']) {
    if (copy.searchParams.has(name)) copy.searchParams.set(name, '***');
  }
  return copy.href.replaceAll('%2A%2A%2A', '***');
}

function database(pool: pg.Pool, url: string, embedded: boolean, stop: () => Promise<void>): Database {
  let closed: Promise<void> | undefined;
  return {
    pool,
    url,
    embedded,
    close: () => {
      closed ??= pool.end().finally(stop);
      return closed;
    },
  };
}

function checkedUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DatabaseError(
      'configuration',
      'DATABASE_URL is not a URL (expected postgres://user@host:port/db)',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseError(
      'configuration',
      `DATABASE_URL must start with postgres://, not ${url.protocol}//`,
    );
  }
  return url;
}

async function connect(
  connectionString: string,
  shown: string,
  logger: DatabaseOptions['logger'],
): Promise<pg.Pool> {
  const pool = new pg.Pool({
    connectionString,
    application_name: 'nba-ingest',
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    max: POOL_SIZE,
  });
  // An idle client whose connection drops is removed by the pool; without a listener it would crash us.
  pool.on('error', (error) =>
    logger?.warn({ err: error.message, url: shown }, 'idle database connection lost'),
  );
  // Handed from the idle list to a caller, a client listens to no one until the caller's code runs:
  // a termination already read from its socket would end the process. The pool still discards it,
  // as it does any client released unqueryable; the caller's next statement reports the loss.
  pool.on('connect', (client) => client.on('error', () => undefined));
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(error, shown);
  }
  logger?.info({ url: shown }, 'database connected');
  return pool;
}

/** Sorts a failed first connection into something to fix (configuration) or to wait for (unavailable). */
function connectionError(error: unknown, shown: string): DatabaseError {
  const { code, message } = error as { code?: string; message?: string };
  const say = (kind: 'configuration' | 'unavailable', what: string) =>
    new DatabaseError(kind, `${what} (${shown})`, { cause: error });
  switch (code) {
    case '28P01':
    case '28000':
      return say('configuration', 'the database refused the user or password');
    case '3D000':
      return say('configuration', 'the database does not exist');
    case 'ENOTFOUND':
      return say('configuration', 'the database host is not known');
    case 'ECONNREFUSED':
      return say('unavailable', 'nothing accepts connections at the database address');
    case '57P03':
    case '53300':
      return say('unavailable', 'the database does not accept connections now');
    default:
      // pg says this when the server asks for a password and the URL carries none.
      if (/password must be a string/.test(message ?? '')) {
        return say('configuration', 'the database asks for a password and DATABASE_URL has none');
      }
      return say('unavailable', `cannot reach the database: ${message ?? String(error)}`);
  }
}
