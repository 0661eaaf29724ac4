// Runs the daemon in a test: in-process (startDaemon, as the CLI wires it) or as a child process
// of the real CLI, against the replica on a virtual clock; plus the waits, table checksums and a
// database link that can be cut, which the daemon tests share.
import type { ChildProcess } from 'node:child_process';
import { createServer, type Server, Socket } from 'node:net';
import type pg from 'pg';
import pino from 'pino';
import { easternOffsetHours } from '../../replica/server/gameTimes.ts';
import type { Replica } from '../../replica/server.ts';
import type { Skeleton } from '../../replica/skeleton.ts';
import { daemonFlagsSchema, parseFlags } from '../../src/config.ts';
import {
  type DaemonSetup,
  daemonDatasets,
  type RunningDaemon,
  startDaemon,
} from '../../src/daemonCommand.ts';
import { gamesToLoad } from '../../src/sinks/coverage.ts';
import type { TableSpec } from '../../src/sinks/tableSpec.ts';
import type { Dataset } from '../../src/streams/dataset.ts';
import { tablesOf } from '../../src/streams/dataset.ts';
import { DATASETS, isSeasonWide } from '../../src/streams/datasets.ts';
import { type CliOptions, spawnCli } from './cli.ts';
import { FAST_RETRY, startTestReplica, TEST_API_KEY, testSkeleton } from './pipeline.ts';

/** The per-game datasets: what a daemon loads for every game that turns final. */
export const PER_GAME: readonly string[] = [...DATASETS.values()]
  .filter((dataset) => !isSeasonWide(dataset))
  .map((dataset) => dataset.name);

/** The first `count` dates of the season with final games, in order (opening night first). */
export function firstGameDays(skeleton: Skeleton, count: number): string[] {
  return [...new Set(skeleton.games.filter((game) => game.status === 3).map((game) => game.date))]
    .sort()
    .slice(0, count);
}

/** An Eastern wall-clock time of a date as an ISO instant, e.g. `2025-10-21T17:00:00-04:00`. */
export function easternInstant(date: string, time: string): string {
  return `${date}T${time}-0${easternOffsetHours(date)}:00`;
}

/**
 * The replica at noon of the season's third game day, at real speed: the first two days' games are
 * final (`finals`; the second day's, `yesterday`, are on the scoreboard a daemon started now reads,
 * the first day's it catches up on), the third's not started. Each call takes `latencyMs`, so the
 * load spans seconds.
 */
export async function replicaAfterSecondDay(
  latencyMs: number,
): Promise<{ replica: Replica; yesterday: string[]; finals: string[] }> {
  const skeleton = testSkeleton();
  const days = firstGameDays(skeleton, 3);
  const playedOn = (day: string | undefined) =>
    skeleton.games.filter((game) => game.date === day && game.status === 3).map((game) => game.id);
  const replica = await startTestReplica({
    clock: { start: easternInstant(days[2] as string, '12:00:00'), speed: 1 },
    hustleUnavailableDays: 0,
    latency: { baseMs: latencyMs, perRowUs: 0 },
  });
  return { replica, yesterday: playedOn(days[1]), finals: [...playedOn(days[0]), ...playedOn(days[1])] };
}

/** Whether every per-game dataset covers every one of `gameIds`. */
export async function allLoaded(pool: pg.Pool, gameIds: readonly string[]): Promise<boolean> {
  return (await gamesToLoad(pool, PER_GAME, gameIds, 0)).length === 0;
}

export interface Health {
  readonly status: number;
  readonly body: { readonly healthy: boolean; readonly role: string; readonly reasons?: readonly string[] };
}

export async function health(url: string | undefined): Promise<Health> {
  const response = await fetch(`${url}/healthz`);
  return { status: response.status, body: (await response.json()) as Health['body'] };
}

/** Waits until /healthz answers `status`; answers that report. */
export function healthSays(url: string | undefined, status: number, timeoutMs = 30_000): Promise<Health> {
  return waitFor(
    `/healthz to say ${status}`,
    async () => {
      const report = await health(url);
      return report.status === status ? report : undefined;
    },
    timeoutMs,
    100,
  );
}

export const testLogger = () => pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

/** An in-process daemon with the CLI's wiring; flags as the CLI takes them. */
export async function startTestDaemon(
  pool: pg.Pool,
  replica: Replica,
  flags: Record<string, string | boolean>,
  extra: Partial<Pick<DaemonSetup, 'listen' | 'http' | 'breaker'>> = {},
): Promise<RunningDaemon> {
  const parsed = parseFlags(daemonFlagsSchema, { rate: '1000', burst: '100', ...flags });
  return startDaemon(
    {
      flags: parsed,
      datasets: daemonDatasets(parsed.datasets),
      apiKey: TEST_API_KEY,
      baseUrl: replica.url,
      retry: FAST_RETRY,
      ...extra,
    },
    { pool, logger: testLogger() },
  );
}

/**
 * `nba-ingest daemon` as a child process (spawnCli), at log level info; its stderr is kept whole
 * unless `log` says otherwise, and told line by line to `log.onLine`.
 */
export function spawnDaemon(
  databaseUrl: string,
  replica: Pick<Replica, 'url'>,
  args: readonly string[],
  log: Pick<CliOptions, 'onLine' | 'keepLog'> = {},
): { child: ChildProcess; log: () => string; exit: Promise<number | null> } {
  const daemon = spawnCli(['daemon', '--rate', '1000', '--burst', '100', ...args], {
    databaseUrl,
    baseUrl: replica.url,
    ...log,
  });
  return { child: daemon.child, log: daemon.log, exit: daemon.exit.then((exit) => exit.code) };
}

/** Polls `check` until it answers a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Games every configured dataset holds, by the daemon's own record. */
export async function ingestedGames(pool: pg.Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ game_id: string }>(
    'SELECT game_id FROM nba_ingest.finals WHERE ingested_at IS NOT NULL',
  );
  return new Set(rows.map((row) => row.game_id));
}

export type TableChecksums = Record<string, { rows: number; checksum: string }>;

/**
 * An md5 per table of every declared column of every row, in key order: equal databases, equal
 * checksums. Pipeline bookkeeping (created_at, updated_at) is not a declared column.
 */
export async function specChecksums(pool: pg.Pool, specs: readonly TableSpec[]): Promise<TableChecksums> {
  const result: TableChecksums = {};
  const byTable = new Map(specs.map((spec) => [spec.table, spec]));
  for (const [table, spec] of [...byTable].sort(([a], [b]) => a.localeCompare(b))) {
    const columns = spec.columns.map((column) => `"${column.name}"`).join(', ');
    const order = spec.key.map((column) => `r."${column}"`).join(', ');
    const { rows } = await pool.query<{ rows: string; checksum: string }>(
      `SELECT count(*) AS rows, md5(coalesce(string_agg(r::text, E'\\n' ORDER BY ${order}), '')) AS checksum
       FROM (SELECT ${columns} FROM ${table}) AS r`,
    );
    result[table] = { rows: Number(rows[0]?.rows ?? 0), checksum: rows[0]?.checksum ?? '' };
  }
  return result;
}

/** specChecksums of every table the datasets write. */
export function tableChecksums(pool: pg.Pool, datasets: readonly Dataset[]): Promise<TableChecksums> {
  return specChecksums(
    pool,
    datasets.flatMap((dataset) => tablesOf(dataset)),
  );
}

/** Tables of either record whose row count or checksum differs from the other's (missing counts as differing). */
export function differingTables(expected: TableChecksums, actual: TableChecksums): string[] {
  return Object.keys({ ...expected, ...actual }).filter(
    (table) =>
      expected[table]?.rows !== actual[table]?.rows || expected[table]?.checksum !== actual[table]?.checksum,
  );
}

/**
 * A TCP link to the database server that a test can cut: while cut, every open connection is
 * dropped and new ones are refused, as when the server goes away; restored, it connects again.
 */
export class DatabaseLink {
  readonly #server: Server;
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #cut = false;

  private constructor(server: Server, target: URL) {
    this.#server = server;
    this.#target = target;
  }

  static async open(databaseUrl: string): Promise<DatabaseLink> {
    const target = new URL(databaseUrl);
    let link: DatabaseLink | undefined;
    const server = createServer((client) => link?.accept(client));
    link = new DatabaseLink(server, target);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return link;
  }

  /** The database URL through the link. */
  get url(): string {
    const address = this.#server.address();
    const url = new URL(this.#target.href);
    url.hostname = '127.0.0.1';
    url.port = String(typeof address === 'object' && address ? address.port : 0);
    return url.href;
  }

  accept(client: Socket): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(Number(this.#target.port || 5432), this.#target.hostname);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
