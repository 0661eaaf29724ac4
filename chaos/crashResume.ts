// Experiment 2, crash and resume: the real CLI's backfill, killed with SIGKILL at seeded points of
// its run (as the K-th upstream request arrives, or after the M-th migration is applied), is rerun
// to completion on the same database; each database is then compared with an uninterrupted run's
// table by table (row counts included: every key is a primary key, so a doubled row shows there)
// and coverage row by row, and checked for runs left running and by verify.
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { SeededRandom } from '../replica/seededRandom.ts';
import type { Replica } from '../replica/server.ts';
import { type Dataset, tablesOf } from '../src/streams/dataset.ts';
import { DATASETS, isSeasonWide } from '../src/streams/datasets.ts';
import { gamesTable, playersTable, teamsTable } from '../src/streams/reference.ts';
import { spawnCli } from '../test/support/cli.ts';
import {
  differingTables,
  firstGameDays,
  specChecksums,
  type TableChecksums,
} from '../test/support/daemon.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { startTestReplica, testSkeleton } from '../test/support/pipeline.ts';
import { verifySlice } from './slice.ts';

export interface CrashResumeOptions {
  /** Crash points at upstream requests, drawn without repeats from [1, total requests) (default 10). */
  readonly points?: number;
  /** Crash points during migrate, after M of the migrations are applied (default 1). */
  readonly migrationPoints?: number;
  /** Seed of the points (default 2). */
  readonly seed?: number;
  /** The season's first game days loaded, with --since/--until (default 1). */
  readonly days?: number;
  /** Dataset names (default every per-game dataset). Season-wide ones load the whole season. */
  readonly datasets?: readonly string[];
  /** Replica latency per call (default 5 ms): calls overlap as they do upstream. */
  readonly latencyMs?: number;
  /** --concurrency of the backfill (default 2, the CLI's). */
  readonly concurrency?: number;
  /** Progress lines, e.g. t.log. */
  readonly log?: (line: string) => void;
}

/** Where a point kills the run: as upstream request `at` arrives, or once `at` migrations are applied. */
export interface CrashAt {
  readonly kind: 'request' | 'migration';
  readonly at: number;
}

export interface CrashPointFigures {
  readonly point: CrashAt;
  /** False when the run finished before the point was reached (then it is no crash). */
  readonly killed: boolean;
  /**
   * Upstream requests that had arrived by the time the process was gone (calls already on their
   * way when the kill was sent count too) and migrations applied then.
   */
  readonly requestsAtKill: number;
  readonly migrationsAtKill: number;
  /** What the killed run had committed: coverage rows (complete or empty) and the games they cover. */
  readonly coverageRows: number;
  readonly gamesCovered: number;
  /** The killed run's outcome in nba_ingest.runs before the rerun (null: no row yet) and after it. */
  readonly killedOutcome: string | null;
  readonly killedOutcomeAfterRerun: string | null;
  readonly rerunExit: number | null;
  readonly rerunOutcome: string | null;
  /** Runs still `running` after the rerun. */
  readonly runsLeftRunning: number;
  readonly checksumsEqual: boolean;
  readonly differingTables: readonly string[];
  /** Coverage rows (dataset, game, status, row_count, content_hash) equal to the uninterrupted run's. */
  readonly coverageEqual: boolean;
  /** verifySlice's failing checks, `name: value`; passing means the same as the uninterrupted run's. */
  readonly verifyFailures: readonly string[];
  readonly verifyPasses: boolean;
  readonly seconds: number;
}

export interface CrashResumeFigures {
  readonly seed: number;
  readonly days: readonly string[];
  readonly games: number;
  readonly datasets: readonly string[];
  readonly migrations: number;
  /** The uninterrupted run: upstream requests, exit code, seconds, verify's failing checks. */
  readonly totalRequests: number;
  readonly uninterruptedExit: number | null;
  readonly uninterruptedSeconds: number;
  readonly tables: number;
  readonly rows: number;
  /** Failing verifySlice checks of the uninterrupted run: none, when the run loaded its slice right. */
  readonly baselineVerifyFailures: readonly string[];
  readonly points: readonly CrashPointFigures[];
}

export async function runCrashResume(options: CrashResumeOptions = {}): Promise<CrashResumeFigures> {
  const seed = options.seed ?? 2;
  const log = options.log ?? (() => undefined);
  const skeleton = testSkeleton();
  const days = firstGameDays(skeleton, options.days ?? 1);
  const datasets = (
    options.datasets ?? [...DATASETS.values()].filter((d) => !isSeasonWide(d)).map((d) => d.name)
  ).map((name) => {
    const dataset = DATASETS.get(name);
    if (!dataset) throw new Error(`no dataset ${name} (known: ${[...DATASETS.keys()].join(', ')})`);
    return dataset;
  });
  const games = skeleton.games.filter((game) => days.includes(game.date) && game.status === 3).length;
  const args = [
    'backfill',
    '--since',
    days[0] ?? '',
    '--until',
    days[days.length - 1] ?? '',
    '--datasets',
    datasets.map((dataset) => dataset.name).join(','),
    '--rate',
    '1000',
    '--burst',
    '100',
    '--concurrency',
    String(options.concurrency ?? 2),
    '--json',
  ];
  const replica = await startTestReplica({ latency: { baseMs: options.latencyMs ?? 5, perRowUs: 0 } });
  const gate = await RequestGate.open(replica);
  try {
    const baseline = await createTestDatabase({ migrate: false });
    try {
      gate.reset();
      const started = performance.now();
      const uninterrupted = spawnBackfill(baseline.url, gate, args);
      const { code: uninterruptedExit } = await uninterrupted.exit;
      const uninterruptedSeconds = (performance.now() - started) / 1000;
      const totalRequests = gate.requests;
      if (uninterruptedExit !== 0)
        throw new Error(`the uninterrupted run exited ${uninterruptedExit}:\n${uninterrupted.log()}`);
      const migrations = await migrationCount(baseline.pool);
      const expected = await databaseState(baseline.pool, datasets);
      const { failures: baselineVerifyFailures } = await verifySlice(baseline.pool, datasets);
      log(`uninterrupted: ${totalRequests} requests, ${uninterruptedSeconds.toFixed(1)} s`);

      const plan = crashPlan(
        seed,
        totalRequests,
        migrations,
        options.points ?? 10,
        options.migrationPoints ?? 1,
      );
      const points: CrashPointFigures[] = [];
      for (const point of plan) {
        const figures = await crashAndResume(point, {
          gate,
          args,
          datasets,
          expected,
          baselineVerifyFailures,
        });
        log(
          `${point.kind} ${point.at}: killed=${figures.killed} covered=${figures.gamesCovered} rerun=${figures.rerunExit} equal=${figures.checksumsEqual}`,
        );
        points.push(figures);
      }
      return {
        seed,
        days,
        games,
        datasets: datasets.map((dataset) => dataset.name),
        migrations,
        totalRequests,
        uninterruptedExit,
        uninterruptedSeconds: round(uninterruptedSeconds),
        tables: Object.keys(expected.checksums).length,
        rows: Object.values(expected.checksums).reduce((sum, table) => sum + table.rows, 0),
        baselineVerifyFailures,
        points,
      };
    } finally {
      await baseline.drop();
    }
  } finally {
    await gate.close();
    await replica.close();
  }
}

/**
 * The points, drawn with a seeded generator: `requests` distinct K from [1, total) and
 * `migrationsPoints` distinct M from [1, migrations), migration points first, each kind ascending.
 */
export function crashPlan(
  seed: number,
  totalRequests: number,
  migrations: number,
  requests: number,
  migrationPoints: number,
): CrashAt[] {
  const random = new SeededRandom(seed);
  const draw = (count: number, below: number): number[] => {
    const pool = Array.from({ length: Math.max(0, below - 1) }, (_, index) => index + 1);
    const picked: number[] = [];
    while (picked.length < count && pool.length > 0) {
      picked.push(pool.splice(Math.floor(random.next() * pool.length), 1)[0] as number);
    }
    return picked.sort((a, b) => a - b);
  };
  return [
    ...draw(migrationPoints, migrations).map((at) => ({ kind: 'migration' as const, at })),
    ...draw(requests, totalRequests).map((at) => ({ kind: 'request' as const, at })),
  ];
}

interface DatabaseState {
  readonly checksums: TableChecksums;
  readonly coverage: string;
}

interface PointContext {
  readonly gate: RequestGate;
  readonly args: readonly string[];
  readonly datasets: readonly Dataset[];
  readonly expected: DatabaseState;
  readonly baselineVerifyFailures: readonly string[];
}

async function crashAndResume(point: CrashAt, context: PointContext): Promise<CrashPointFigures> {
  const started = performance.now();
  const database = await createTestDatabase({ migrate: false });
  try {
    const { gate, args, datasets } = context;
    gate.reset();
    const cli = spawnBackfill(database.url, gate, args);
    let migrationsAtKill = 0;
    let stopWatch: () => void = () => undefined;
    if (point.kind === 'request') {
      gate.killAt(point.at, () => cli.child.kill('SIGKILL'));
    } else {
      stopWatch = watchMigrations(database.pool, point.at, (applied) => {
        migrationsAtKill = applied;
        cli.child.kill('SIGKILL');
      });
    }
    const killedRun = await cli.exit;
    stopWatch();
    gate.killAt(null);
    const killed = killedRun.signal === 'SIGKILL';
    const requestsAtKill = gate.requests;
    if (point.kind === 'request') migrationsAtKill = await migrationCount(database.pool);
    const committed = await committedCoverage(database.pool);
    const killedRunRow = await latestRun(database.pool);

    const rerun = await spawnBackfill(database.url, gate, args).exit;
    const runs = await runOutcomes(database.pool);
    const state = await databaseState(database.pool, datasets);
    const differing = differingTables(context.expected.checksums, state.checksums);
    const { failures } = await verifySlice(database.pool, datasets);
    const rerunRow = runs.find((run) => run.runId !== killedRunRow?.runId) ?? null;
    return {
      point,
      killed,
      requestsAtKill,
      migrationsAtKill,
      coverageRows: committed.rows,
      gamesCovered: committed.games,
      killedOutcome: killedRunRow?.outcome ?? null,
      killedOutcomeAfterRerun: runs.find((run) => run.runId === killedRunRow?.runId)?.outcome ?? null,
      rerunExit: rerun.code,
      rerunOutcome: rerunRow?.outcome ?? null,
      runsLeftRunning: runs.filter((run) => run.outcome === 'running').length,
      checksumsEqual: differing.length === 0,
      differingTables: differing,
      coverageEqual: state.coverage === context.expected.coverage,
      verifyFailures: failures,
      verifyPasses: JSON.stringify(failures) === JSON.stringify(context.baselineVerifyFailures),
      seconds: round((performance.now() - started) / 1000),
    };
  } finally {
    await database.drop();
  }
}

/** The backfill as the user runs it, through the gate; its log at warn, the last 4,000 characters kept. */
const spawnBackfill = (databaseUrl: string, gate: RequestGate, args: readonly string[]) =>
  spawnCli(args, { databaseUrl, baseUrl: gate.url, logLevel: 'warn', keepLog: 4_000 });

/** Polls the migrations the child has committed; calls `kill` once `count` are applied. */
function watchMigrations(pool: pg.Pool, count: number, kill: (applied: number) => void): () => void {
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const applied = await migrationCount(pool).catch(() => 0);
      if (applied >= count) {
        kill(applied);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };
  void poll();
  return () => {
    stopped = true;
  };
}

async function migrationCount(pool: pg.Pool): Promise<number> {
  if (await missing(pool, 'nba_ingest.schema_migrations')) return 0;
  const applied = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM nba_ingest.schema_migrations',
  );
  return applied.rows[0]?.n ?? 0;
}

async function committedCoverage(pool: pg.Pool): Promise<{ rows: number; games: number }> {
  if (await missing(pool, 'nba_ingest.coverage')) return { rows: 0, games: 0 };
  const { rows } = await pool.query<{ rows: number; games: number }>(
    `SELECT count(*)::int AS rows, count(DISTINCT game_id)::int AS games
       FROM nba_ingest.coverage WHERE status IN ('complete', 'empty')`,
  );
  return rows[0] ?? { rows: 0, games: 0 };
}

async function latestRun(pool: pg.Pool): Promise<{ runId: string; outcome: string } | null> {
  if (await missing(pool, 'nba_ingest.runs')) return null;
  const { rows } = await pool.query<{ runId: string; outcome: string }>(
    'SELECT run_id AS "runId", outcome FROM nba_ingest.runs ORDER BY run_id DESC LIMIT 1',
  );
  return rows[0] ?? null;
}

async function runOutcomes(pool: pg.Pool): Promise<{ runId: string; outcome: string }[]> {
  const { rows } = await pool.query<{ runId: string; outcome: string }>(
    'SELECT run_id AS "runId", outcome FROM nba_ingest.runs ORDER BY run_id',
  );
  return rows;
}

async function missing(pool: pg.Pool, table: string): Promise<boolean> {
  const { rows } = await pool.query<{ missing: boolean }>('SELECT to_regclass($1) IS NULL AS missing', [
    table,
  ]);
  return rows[0]?.missing ?? true;
}

/** Checksums of every table the datasets write, and coverage as text in key order. */
async function databaseState(pool: pg.Pool, datasets: readonly Dataset[]): Promise<DatabaseState> {
  const { rows } = await pool.query<{ coverage: string | null }>(
    `SELECT string_agg(concat_ws('/', dataset, game_id, status, row_count, content_hash), E'\\n'
                       ORDER BY dataset, game_id) AS coverage
       FROM nba_ingest.coverage`,
  );
  // The reference tables too: placeholder players and teams are written with the data.
  const checksums = await specChecksums(pool, [
    teamsTable,
    playersTable,
    gamesTable,
    ...datasets.flatMap((dataset) => tablesOf(dataset)),
  ]);
  return { checksums, coverage: rows[0]?.coverage ?? '' };
}

/**
 * A pass-through HTTP proxy in front of the replica that counts the requests arriving and, at the
 * K-th, calls its kill switch before the request goes on: a point in what has happened upstream, not
 * in wall time.
 */
class RequestGate {
  requests = 0;
  #killAt: number | null = null;
  #kill: (() => void) | null = null;

  private constructor(
    readonly server: Server,
    readonly target: URL,
  ) {}

  static async open(replica: Replica): Promise<RequestGate> {
    let gate: RequestGate | undefined;
    const server = createServer((request, response) => gate?.forward(request, response));
    gate = new RequestGate(server, new URL(replica.url));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return gate;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.requests = 0;
  }

  killAt(at: number | null, kill?: () => void): void {
    this.#killAt = at;
    this.#kill = kill ?? null;
  }

  forward(request: IncomingMessage, response: ServerResponse): void {
    this.requests += 1;
    if (this.#killAt !== null && this.requests >= this.#killAt) {
      this.#kill?.();
      this.#killAt = null;
      response.destroy();
      return;
    }
    const upstream = httpRequest(
      {
        host: this.target.hostname,
        port: this.target.port,
        method: request.method,
        path: request.url,
        headers: { ...request.headers, host: this.target.host },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    response.on('close', () => upstream.destroy());
    request.pipe(upstream);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const round = (value: number) => Number(value.toFixed(1));

/** What must not be after a crash and a rerun: any difference from the uninterrupted run. */
export function crashResumeProblems(figures: CrashResumeFigures): string[] {
  const problems: string[] = [];
  if (figures.uninterruptedExit !== 0)
    problems.push(`the uninterrupted run exited ${figures.uninterruptedExit}`);
  problems.push(...figures.baselineVerifyFailures.map((check) => `uninterrupted verify fails ${check}`));
  for (const point of figures.points) {
    const problem = (text: string) => problems.push(`${point.point.kind} ${point.point.at}: ${text}`);
    if (!point.killed) problem('the run ended before the point');
    if (point.rerunExit !== 0 || point.rerunOutcome !== 'succeeded')
      problem(`the rerun exited ${point.rerunExit} (${point.rerunOutcome})`);
    if (!point.checksumsEqual) problem(`tables differ: ${point.differingTables.join(', ')}`);
    if (!point.coverageEqual) problem('coverage differs');
    if (!point.verifyPasses) problem(`verify fails ${point.verifyFailures.join('; ')}`);
    if (point.runsLeftRunning !== 0) problem(`${point.runsLeftRunning} runs left running`);
    if (point.killedOutcome !== null && point.killedOutcomeAfterRerun !== 'interrupted')
      problem(`the killed run is shown ${point.killedOutcomeAfterRerun}, not interrupted`);
  }
  return problems;
}

export function reportCrashResume(figures: CrashResumeFigures): string {
  const lines = [
    `crash and resume: seed ${figures.seed}, ${figures.games} games (${figures.days.join(', ')}), ` +
      `${figures.datasets.length} datasets, ${figures.tables} tables, ${figures.rows} rows`,
    `uninterrupted: exit ${figures.uninterruptedExit}, ${figures.totalRequests} upstream requests, ` +
      `${figures.migrations} migrations, ${figures.uninterruptedSeconds} s`,
    '',
    'point         killed  at kill (req/mig)  committed (cov rows/games)  killed run after rerun  rerun exit  checksums  coverage  verify',
  ];
  for (const p of figures.points) {
    lines.push(
      [
        `${p.point.kind} ${p.point.at}`.padEnd(13),
        (p.killed ? 'yes' : 'no').padEnd(6),
        `${p.requestsAtKill}/${p.migrationsAtKill}`.padEnd(18),
        `${p.coverageRows}/${p.gamesCovered}`.padEnd(26),
        `${p.killedOutcome ?? '-'} -> ${p.killedOutcomeAfterRerun ?? '-'}`.padEnd(22),
        String(p.rerunExit).padEnd(10),
        (p.checksumsEqual ? 'equal' : `DIFFER ${p.differingTables.join(',')}`).padEnd(9),
        (p.coverageEqual ? 'equal' : 'DIFFER').padEnd(8),
        p.verifyPasses ? 'pass' : `FAIL ${p.verifyFailures.join('; ')}`,
      ].join('  '),
    );
  }
  if (figures.baselineVerifyFailures.length > 0) {
    lines.push('', `verify's failures on the uninterrupted run (the per-game datasets' coverage aside):`);
    for (const failure of figures.baselineVerifyFailures) lines.push(`  ${failure}`);
  }
  return lines.join('\n');
}
