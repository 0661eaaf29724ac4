// Experiment 3 of issue 6, database faults: terminates the loader's backend in the middle of a COPY
// into staging or of a merge, or every connection of the database, during a backfill (in-process or
// the real CLI), and measures whether the run recovers, or exits 75 and a rerun does, against a
// fault-free run. It measures and does not assert: the figures carry what a test asserts.
import pg from 'pg';
import type { Replica } from '../replica/server.ts';
import { openDatabase } from '../src/sinks/database.ts';
import { loadPlanFor } from '../src/sinks/loadPlan.ts';
import { type Dataset, tablesOf } from '../src/streams/dataset.ts';
import { shotChart } from '../src/streams/shotChart.ts';
import { verify } from '../src/streams/verify.ts';
import { spawnCli } from '../test/support/cli.ts';
import {
  differingTables,
  easternInstant,
  firstGameDays,
  type TableChecksums,
  tableChecksums,
} from '../test/support/daemon.ts';
import { createTestDatabase, serverUrl, type TestDatabase } from '../test/support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../test/support/pipeline.ts';
import { backendsLeft, PoolWatch } from '../test/support/poolWatch.ts';

/** `copy`/`merge`: the loader's backend running that statement; `all`: every backend of the database. */
export type DatabaseFault = 'copy' | 'merge' | 'all';
export type FaultRunner = 'in-process' | 'cli';

export interface DatabaseFaultCase {
  readonly name: string;
  readonly fault: DatabaseFault;
  readonly runner: FaultRunner;
  /**
   * How many times the fault strikes: a count, or `persistent` (every time the statement shows,
   * until the run ends), which outlasts the writer's reconnects and makes the run give up.
   */
  readonly strikes: number | 'persistent';
}

const DEFAULT_CASES: readonly DatabaseFaultCase[] = [
  { name: 'copy', fault: 'copy', runner: 'in-process', strikes: 1 },
  { name: 'merge', fault: 'merge', runner: 'in-process', strikes: 1 },
  { name: 'restart', fault: 'all', runner: 'in-process', strikes: 1 },
  { name: 'cli-restart', fault: 'all', runner: 'cli', strikes: 1 },
  { name: 'cli-copy-persistent', fault: 'copy', runner: 'cli', strikes: 'persistent' },
];

export interface DatabaseFaultsOptions {
  /** The season has been played for this many game days (the replica's clock): its final games. */
  readonly gameDays?: number;
  readonly cases?: readonly DatabaseFaultCase[];
  readonly datasets?: readonly Dataset[];
  /** How often pg_stat_activity is read to catch the statement (ms). */
  readonly pollIntervalMs?: number;
  readonly concurrency?: number;
  readonly batchSize?: number;
}

export interface CaseFigures {
  readonly name: string;
  readonly fault: DatabaseFault;
  readonly runner: FaultRunner;
  /** The strikes the case asked for. */
  readonly planned: number | 'persistent';
  /** Times the fault struck (a statement caught and its backend, or all backends, terminated). */
  readonly strikes: number;
  /** Backends pg_terminate_backend ended. */
  readonly terminated: number;
  /** The statements caught when the fault struck, counted: `COPY`, `merge`. */
  readonly caught: Readonly<Record<string, number>>;
  /** The faulted run: its outcome in nba_ingest.runs (or how it ended) and its exit code. */
  readonly outcome: string;
  readonly exitCode: number | null;
  /** What the CLI said on stderr (its `nba-ingest:` line), for the CLI runner. */
  readonly message: string | null;
  readonly rerunNeeded: boolean;
  readonly rerunExitCode: number | null;
  readonly checksumsEqual: boolean;
  /** Tables whose checksum differs from the fault-free run. */
  readonly differingTables: readonly string[];
  readonly verifyPassed: boolean;
  readonly verifyFailures: readonly string[];
  /** Backends of the database in COPY, or idle in a transaction, once the runs are over. */
  readonly copyBackendsLeft: number;
  readonly openTransactionsLeft: number;
  /** In-process only (null for the CLI): clients that saw an error, and how often one was acquired again. */
  readonly brokenClients: number | null;
  readonly brokenClientsReused: number | null;
  readonly seconds: number;
}

export interface DatabaseFaultsFigures {
  readonly finalGames: number;
  readonly rows: number;
  readonly cases: readonly CaseFigures[];
  readonly seconds: number;
}

const SEASON = '2025-26';
const SEASON_TYPE = 'Regular Season';
/** The loader's connections, as the CLI names them; the in-process pool takes the same name. */
const LOADER = 'nba-ingest';

export async function runDatabaseFaults(options: DatabaseFaultsOptions = {}): Promise<DatabaseFaultsFigures> {
  const started = performance.now();
  const datasets = options.datasets ?? [shotChart];
  const days = firstGameDays(testSkeleton(), (options.gameDays ?? 15) + 1);
  const afterLastDay = days[days.length - 1];
  if (afterLastDay === undefined) throw new Error('the season has no game days');
  // At noon of the next game day, that day's games are not started: the final games stay put.
  const replica = await startTestReplica({
    clock: { start: easternInstant(afterLastDay, '12:00:00'), speed: 1 },
  });
  try {
    const run = { replica, datasets, options };
    const reference = await createTestDatabase();
    let expected: TableChecksums;
    let finalGames: number;
    try {
      const summary = await runTestBackfill({ pool: reference.pool, replica, options: backfillOptions(run) });
      if (summary.exitCode !== 0) throw new Error(`the fault-free run exited ${summary.exitCode}`);
      finalGames = summary.finalGames;
      expected = await tableChecksums(reference.pool, datasets);
    } finally {
      await reference.drop();
    }
    const cases: CaseFigures[] = [];
    for (const spec of options.cases ?? DEFAULT_CASES) cases.push(await runCase(spec, run, expected));
    return {
      finalGames,
      rows: Object.values(expected).reduce((sum, table) => sum + table.rows, 0),
      cases,
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await replica.close();
  }
}

interface Run {
  readonly replica: Replica;
  readonly datasets: readonly Dataset[];
  readonly options: DatabaseFaultsOptions;
}

const backfillOptions = (run: Run) => ({
  datasets: run.datasets,
  concurrency: run.options.concurrency ?? 2,
  batchSize: run.options.batchSize,
});

async function runCase(spec: DatabaseFaultCase, run: Run, expected: TableChecksums): Promise<CaseFigures> {
  const started = performance.now();
  const db = await createTestDatabase();
  // Terminating every connection ends the idle ones of this pool too: a pool without a listener
  // would crash the process on their 'error'.
  db.pool.on('error', () => undefined);
  try {
    const injector = await FaultInjector.start(db.name, spec, statementsOf(run.datasets), run.options);
    let first: Attempt;
    try {
      first = await attempt(spec.runner, db, run);
    } finally {
      await injector.stop();
    }
    const rerunNeeded = first.exitCode !== 0;
    const rerun = rerunNeeded ? await attempt(spec.runner, db, run) : null;
    const afterRuns = await backendsLeft(db.pool, db.name);
    const seen = [first.left, rerun?.left ?? null, afterRuns].filter((left) => left !== null);
    const backends = {
      copy: Math.max(...seen.map((left) => left.copy)),
      inTransaction: Math.max(...seen.map((left) => left.inTransaction)),
    };
    const differing = differingTables(expected, await tableChecksums(db.pool, run.datasets));
    const report = await verify(db.pool, { season: SEASON, seasonType: SEASON_TYPE, datasets: run.datasets });
    const watch = first.watch;
    return {
      name: spec.name,
      fault: spec.fault,
      runner: spec.runner,
      planned: spec.strikes,
      strikes: injector.strikes,
      terminated: injector.terminated,
      caught: { ...injector.caught },
      outcome: first.outcome,
      exitCode: first.exitCode,
      message: first.message,
      rerunNeeded,
      rerunExitCode: rerun?.exitCode ?? null,
      checksumsEqual: differing.length === 0,
      differingTables: differing,
      verifyPassed: report.passed,
      verifyFailures: report.checks.filter((c) => c.status === 'fail').map((c) => `${c.name}: ${c.value}`),
      copyBackendsLeft: backends.copy,
      openTransactionsLeft: backends.inTransaction,
      brokenClients: watch ? watch.broken : null,
      brokenClientsReused: watch ? watch.reused : null,
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await db.drop();
  }
}

interface Attempt {
  readonly outcome: string;
  readonly exitCode: number | null;
  readonly message: string | null;
  readonly watch: PoolWatch | null;
  /**
   * Backends left in COPY or in a transaction as the run ended, read while its pool still holds its
   * connections (in-process only: a CLI's connections end with its process).
   */
  readonly left: { copy: number; inTransaction: number } | null;
}

function attempt(runner: FaultRunner, db: TestDatabase, run: Run): Promise<Attempt> {
  return runner === 'cli' ? cliAttempt(db, run) : inProcessAttempt(db, run);
}

/**
 * backfill() on the pool the CLI opens (openDatabase), watched for clients reused after an error;
 * the outcome as the run recorded it.
 */
async function inProcessAttempt(db: TestDatabase, run: Run): Promise<Attempt> {
  const database = await openDatabase({ databaseUrl: db.url });
  const { pool } = database;
  const watch = new PoolWatch(pool);
  try {
    let thrown: string | null = null;
    try {
      await runTestBackfill({ pool, replica: run.replica, options: backfillOptions(run) });
    } catch (error) {
      thrown = error instanceof Error ? error.message : String(error);
    }
    const recorded = await lastRun(db.pool);
    return {
      outcome: thrown === null ? recorded.outcome : `${recorded.outcome} (threw: ${thrown})`,
      exitCode: recorded.exitCode,
      message: null,
      watch,
      left: await backendsLeft(db.pool, db.name),
    };
  } finally {
    await database.close();
  }
}

/** The real CLI as a child process: `nba-ingest backfill` of the datasets; its exit code. */
async function cliAttempt(db: TestDatabase, run: Run): Promise<Attempt> {
  const args = ['backfill', '--season', SEASON, '--datasets', run.datasets.map((d) => d.name).join(',')];
  args.push('--rate', '1000', '--burst', '100', '--concurrency', String(run.options.concurrency ?? 2));
  if (run.options.batchSize !== undefined) args.push('--batch-size', String(run.options.batchSize));
  const cli = spawnCli(args, { databaseUrl: db.url, baseUrl: run.replica.url, logLevel: 'error' });
  const { code: exitCode } = await cli.exit;
  const stderr = cli.log();
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  // Its one-line verdict, or, when it died without one, the end of what it printed.
  const said =
    lines.find((line) => line.startsWith('nba-ingest:')) ??
    (exitCode === 0 ? null : lines.slice(-3).join(' | ').slice(0, 500) || null);
  return { outcome: (await lastRun(db.pool)).outcome, exitCode, message: said, watch: null, left: null };
}

async function lastRun(pool: pg.Pool): Promise<{ outcome: string; exitCode: number | null }> {
  const { rows } = await pool.query<{ outcome: string; exit_code: number | null }>(
    'SELECT outcome, exit_code FROM nba_ingest.runs ORDER BY run_id DESC LIMIT 1',
  );
  return { outcome: rows[0]?.outcome ?? 'no run recorded', exitCode: rows[0]?.exit_code ?? null };
}

/** The statements a fault waits for, as LIKE patterns of their text (generated from the declarations). */
interface Statements {
  readonly copy: readonly string[];
  readonly merge: readonly string[];
}

function statementsOf(datasets: readonly Dataset[]): Statements {
  const plans = datasets.flatMap((dataset) => tablesOf(dataset)).map((spec) => loadPlanFor(spec));
  // pg_stat_activity keeps the first track_activity_query_size bytes of a statement: a prefix will do.
  const like = (statement: string) => `${statement.slice(0, 100).replace(/[\\%_]/g, '\\$&')}%`;
  return { copy: plans.map((plan) => like(plan.copy)), merge: plans.map((plan) => like(plan.merge)) };
}

/**
 * Polls pg_stat_activity of one database from a connection to another (the server's default), and
 * strikes when the case's statement is running: terminates that backend, or every backend of the
 * database. Every query is filtered by the database's name.
 */
class FaultInjector {
  strikes = 0;
  terminated = 0;
  readonly caught: Record<string, number> = {};
  readonly #client: pg.Client;
  /** Settles with the poll's failure, if any, reported by stop() rather than as an unhandled rejection. */
  readonly #loop: Promise<unknown>;
  #stopped = false;

  private constructor(
    client: pg.Client,
    datname: string,
    spec: DatabaseFaultCase,
    statements: Statements,
    intervalMs: number,
  ) {
    this.#client = client;
    this.#loop = this.#poll(datname, spec, statements, intervalMs).catch((error: unknown) => error);
  }

  static async start(
    datname: string,
    spec: DatabaseFaultCase,
    statements: Statements,
    options: DatabaseFaultsOptions,
  ): Promise<FaultInjector> {
    const client = new pg.Client({ connectionString: serverUrl(), application_name: 'nba-ingest-chaos' });
    await client.connect();
    return new FaultInjector(client, datname, spec, statements, options.pollIntervalMs ?? 2);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    try {
      const failure = await this.#loop;
      if (failure !== undefined) throw failure;
    } finally {
      await this.#client.end();
    }
  }

  async #poll(
    datname: string,
    spec: DatabaseFaultCase,
    statements: Statements,
    intervalMs: number,
  ): Promise<void> {
    const wanted = spec.fault === 'merge' ? [] : statements.copy;
    const merges = spec.fault === 'copy' ? [] : statements.merge;
    const more = () => spec.strikes === 'persistent' || this.strikes < spec.strikes;
    while (!this.#stopped && more()) {
      const { rows } = await this.#client.query<{ pid: number; statement: string }>(
        `SELECT pid, CASE WHEN query LIKE ANY($2::text[]) THEN 'COPY' ELSE 'merge' END AS statement
           FROM pg_stat_activity
          WHERE datname = $1 AND state = 'active' AND application_name = $4
            AND (query LIKE ANY($2::text[]) OR query LIKE ANY($3::text[]))`,
        [datname, wanted, merges, LOADER],
      );
      const caught = rows[0];
      if (caught) {
        const ended =
          spec.fault === 'all' ? await this.#terminateAll(datname) : await this.#terminate(datname, rows);
        if (ended > 0) {
          this.strikes += 1;
          this.terminated += ended;
          this.caught[caught.statement] = (this.caught[caught.statement] ?? 0) + 1;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  async #terminate(datname: string, backends: readonly { pid: number }[]): Promise<number> {
    const { rows } = await this.#client.query<{ ended: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
        WHERE datname = $1 AND pid = ANY($2::int[])`,
      [datname, backends.map((backend) => backend.pid)],
    );
    return rows[0]?.ended ?? 0;
  }

  /** As when PostgreSQL restarts its connections: every client backend of the database ends. */
  async #terminateAll(datname: string): Promise<number> {
    const { rows } = await this.#client.query<{ ended: number }>(
      `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [datname],
    );
    return rows[0]?.ended ?? 0;
  }
}

const round = (value: number): number => Math.round(value * 10) / 10;

/**
 * What the figures show went wrong, one line each (none when every case held): a fault that never
 * struck, data that differs from the fault-free run, verify failing, a backend left in COPY or in a
 * transaction, a broken client reused, a single strike not survived within the run, a persistent
 * one not ending in exit 75, a rerun that did not finish the job.
 */
export function databaseFaultsProblems(figures: DatabaseFaultsFigures): string[] {
  const problems: string[] = [];
  for (const c of figures.cases) {
    const problem = (text: string) => problems.push(`${c.name}: ${text}`);
    if (c.strikes === 0) problem('the fault never struck (no statement caught)');
    if (!c.checksumsEqual)
      problem(`checksums differ from the fault-free run in ${c.differingTables.join(', ')}`);
    if (!c.verifyPassed) problem(`verify fails: ${c.verifyFailures.join('; ')}`);
    if (c.copyBackendsLeft !== 0) problem(`${c.copyBackendsLeft} backends left in COPY`);
    if (c.openTransactionsLeft !== 0)
      problem(`${c.openTransactionsLeft} backends left idle in a transaction`);
    if ((c.brokenClientsReused ?? 0) !== 0) problem(`${c.brokenClientsReused} broken clients acquired again`);
    if (c.exitCode !== 0 && c.exitCode !== 75)
      problem(`exit code ${c.exitCode} (${c.outcome}): ${c.message ?? ''}`);
    if (c.rerunNeeded && c.rerunExitCode !== 0) problem(`the rerun exited ${c.rerunExitCode}`);
    // A bounded fault is survived within the run; one that outlasts the reconnects ends in 75.
    if (c.planned !== 'persistent' && c.exitCode !== 0)
      problem(`not survived within the run (exit ${c.exitCode})`);
    if (c.planned === 'persistent' && c.exitCode !== 75)
      problem(`a persistent fault ended in exit ${c.exitCode}, not 75`);
  }
  return problems;
}

/** A plain-text table of the figures, one line per case. */
export function reportDatabaseFaults(figures: DatabaseFaultsFigures): string {
  const header = [
    'case',
    'runner',
    'strikes',
    'terminated',
    'caught',
    'run (outcome, exit)',
    'rerun',
    'checksums',
    'verify',
    'COPY/tx left',
    'broken reused',
    's',
  ];
  const lines = figures.cases.map((c) => [
    c.name,
    c.runner,
    String(c.strikes),
    String(c.terminated),
    Object.entries(c.caught)
      .map(([statement, count]) => `${statement}×${count}`)
      .join(' ') || 'none',
    `${c.outcome}, ${c.exitCode ?? '-'}`,
    c.rerunNeeded ? `yes, exit ${c.rerunExitCode ?? '-'}` : 'no',
    c.checksumsEqual ? 'equal' : `differ: ${c.differingTables.join(' ')}`,
    c.verifyPassed ? 'pass' : `fail: ${c.verifyFailures.join('; ')}`,
    `${c.copyBackendsLeft}/${c.openTransactionsLeft}`,
    c.brokenClientsReused === null ? 'n/a' : `${c.brokenClientsReused} of ${c.brokenClients}`,
    String(c.seconds),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...lines.map((line) => line[index]?.length ?? 0)),
  );
  const format = (cells: readonly string[]) =>
    cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join('  ');
  const messages = figures.cases.filter((c) => c.message !== null).map((c) => `  ${c.name}: ${c.message}`);
  return [
    `Database faults: ${figures.finalGames} final games, ${figures.rows} rows per fault-free run, ${figures.seconds} s`,
    format(header),
    ...lines.map(format),
    ...(messages.length > 0 ? ['CLI said:', ...messages] : []),
  ].join('\n');
}
