// Experiment 1, the fault matrix: a backfill of every dataset on the season's first game days
// against a replica that faults a share of its calls, spread over every fault kind, rerun while
// games stay failed; then compared table by table with a fault-free run, every injected fault
// looked up in nba_ingest.requests, and the database checked by verify.
import type pg from 'pg';
import { FAULT_KINDS } from '../replica/server/faults.ts';
import type { FaultKind, FaultsOption, Replica } from '../replica/server.ts';
import { EXIT } from '../src/exitCodes.ts';
import type { RetryPolicy } from '../src/sources/upstreamCall.ts';
import type { BackfillSummary } from '../src/streams/backfill.ts';
import type { Dataset } from '../src/streams/dataset.ts';
import { DATASETS, isSeasonWide } from '../src/streams/datasets.ts';
import { EVENT_STREAMS } from '../src/streams/queryToolEvents.ts';
import { differingTables, firstGameDays, tableChecksums } from '../test/support/daemon.ts';
import { createTestDatabase, type TestDatabase } from '../test/support/database.ts';
import { FAST_RETRY, runTestBackfill, startTestReplica, testSkeleton } from '../test/support/pipeline.ts';
import { verifySlice } from './slice.ts';

export interface FaultMatrixOptions {
  /** Game days of the season's first final games to load (default 2). */
  readonly days?: number;
  /** Share of calls faulted, spread evenly over every kind (default 0.2). */
  readonly rate?: number;
  /** The replica's fault seed (default 6). */
  readonly seed?: number;
  /** Backfills of the faulted database at most, the first included (default 4). */
  readonly maxRuns?: number;
  /** Retry rules and waits (default FAST_RETRY, honouring a Retry-After of up to 1.5 s). */
  readonly retry?: RetryPolicy;
  /**
   * The client's timeouts: what a hang or a stalled body costs (default 10 s and 3 s). The replica
   * runs in the same process: a season-wide call it generates can block both for seconds on a busy
   * machine, and a fault-free call that times out would be a fault nobody injected.
   */
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  /** Retry-After of an injected 429, in seconds or as a date that far ahead (default 1). */
  readonly retryAfterSeconds?: number;
  /** Games per Query Tool batch (default: the planner's): smaller batches make more calls to fault. */
  readonly batchSize?: number;
}

/** One fault kind as the ledger sees it; the two 429 kinds are one status there. */
export interface FaultTrace {
  readonly kind: string;
  readonly injected: number;
  /** Ledger rows of the kind's signature (status, reason, action), by action. */
  readonly actions: Readonly<Record<string, number>>;
  readonly inLedger: number;
}

export interface RunFigures {
  readonly exitCode: number;
  readonly gamesFailed: number;
  readonly ms: number;
}

export interface TableFigures {
  readonly table: string;
  readonly rows: number;
  readonly faultedRows: number;
  readonly equal: boolean;
}

export interface FaultMatrixFigures {
  readonly days: readonly string[];
  readonly games: number;
  readonly datasets: number;
  readonly rate: number;
  readonly seed: number;
  /** Calls the faulted replica answered over every run, and how many of them it faulted. */
  readonly requests: number;
  readonly faulted: number;
  readonly injected: Readonly<Record<FaultKind, number>>;
  readonly traces: readonly FaultTrace[];
  /** Ledger rows of a failed or faulted attempt that match no injected kind. */
  readonly unexplained: readonly string[];
  readonly runs: readonly RunFigures[];
  /** Runs until one ended with exit 0; null when none did within maxRuns. */
  readonly runsNeeded: number | null;
  readonly cleanExitCode: number;
  readonly cleanMs: number;
  /** Attempts of the fault-free run that were not accepted: 0, or the comparison is not fault-free. */
  readonly cleanFailedAttempts: number;
  readonly tables: readonly TableFigures[];
  /** Per-game datasets' coverage of the slice's final games: ids not complete or empty. */
  readonly uncovered: readonly string[];
  /** verifySlice() on the faulted database: its failed checks and how many checks counted. */
  readonly verifyFailures: readonly string[];
  readonly verifyChecks: number;
  readonly cleanVerifyFailures: readonly string[];
}

/** Kinds a per-game data endpoint can answer with besides the transport ones. */
const DATA_KINDS: readonly FaultKind[] = ['emptyBody', 'foreignGame', 'renamedStatsKey'];
const TRANSPORT_KINDS = FAULT_KINDS.filter((kind) => !DATA_KINDS.includes(kind));

/** The event streams keep their stats objects raw, with no declared key: a rename there is no drift anyone can see. */
const RAW_STATS_KEYS = EVENT_STREAMS.map(
  (dataset) => `querytool-event-player-${dataset.calls[0]?.params.EventType}`,
);
const QUERY_TOOL_PER_GAME_KEYS = [
  'querytool-event-player-FieldGoals',
  'querytool-event-player-TrackingShots',
  'querytool-game-player',
  'querytool-game-team',
  'querytool-game-lineups',
];
const ONE_GAME_KEYS = ['stats-boxscore', 'stats-pbp', 'stats-poc', 'hustlestats'];

/**
 * `rate` of every endpoint's calls faulted. Calls without per-game rows (reference, season-wide)
 * spread it over the transport and status kinds and the HTML page; per-game data endpoints give
 * half of it to those and half to the data kinds that apply to them, so that the few Query Tool
 * calls of a slice still meet every data fault. A renamed stats key goes only where the product
 * declares the stats (not the event streams' raw objects).
 */
function faultMatrixConfig(rate: number, seed: number, retryAfterSeconds: number): FaultsOption {
  const spread = (dataKinds: readonly FaultKind[]) => {
    const share = dataKinds.length === 0 ? rate : rate / 2;
    const rates: Partial<Record<FaultKind, number>> = {};
    for (const kind of TRANSPORT_KINDS) rates[kind] = share / TRANSPORT_KINDS.length;
    for (const kind of dataKinds) rates[kind] = (rate - share) / dataKinds.length;
    return { rates, seed, retryAfterSeconds };
  };
  const perGame = DATA_KINDS.filter((kind) => kind !== 'renamedStatsKey');
  return {
    '*': spread([]),
    ...Object.fromEntries(ONE_GAME_KEYS.map((key) => [key, spread(perGame)])),
    ...Object.fromEntries(RAW_STATS_KEYS.map((key) => [key, spread(perGame)])),
    ...Object.fromEntries(QUERY_TOOL_PER_GAME_KEYS.map((key) => [key, spread(DATA_KINDS)])),
  };
}

/** The kind a ledger row's signature stands for (the classifier's reasons, the stream's quarantine reasons). */
const LEDGER_KIND = `CASE
    WHEN status = 429 THEN '429'
    WHEN status IN (500, 502, 503, 504) THEN status::text
    WHEN reason = 'connection_reset' THEN 'reset'
    WHEN reason = 'headers_timeout' THEN 'hang'
    WHEN reason = 'body_timeout' THEN 'stalledBody'
    WHEN reason = 'body_incomplete' THEN 'truncatedBody'
    WHEN reason = 'html_body' THEN 'htmlPage'
    WHEN reason IN ('empty_envelope', 'not_xml') THEN 'emptyBody'
    WHEN action = 'quarantined' AND reason IN ('unrequested_game', 'identity_mismatch') THEN 'foreignGame'
    WHEN action = 'quarantined' AND reason = 'schema_mismatch' THEN 'renamedStatsKey'
    WHEN action IN ('accepted', 'unavailable') OR reason = 'truncated' THEN 'none'
    ELSE 'unexplained' END`;

/** The ledger's name for a replica kind. */
const traceKind = (kind: FaultKind): string => (kind === '429Date' ? '429' : kind);

export async function runFaultMatrix(options: FaultMatrixOptions = {}): Promise<FaultMatrixFigures> {
  const config = {
    days: options.days ?? 2,
    rate: options.rate ?? 0.2,
    seed: options.seed ?? 6,
    maxRuns: options.maxRuns ?? 4,
    retry: options.retry ?? { ...FAST_RETRY, maxRetryAfterMs: 1_500 },
    headersTimeoutMs: options.headersTimeoutMs ?? 10_000,
    bodyTimeoutMs: options.bodyTimeoutMs ?? 3_000,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    batchSize: options.batchSize,
  };
  const skeleton = testSkeleton();
  const days = firstGameDays(skeleton, config.days);
  const games = skeleton.games.filter((game) => game.status === 3 && days.includes(game.date));
  const datasets = [...DATASETS.values()];
  const replicas: Replica[] = [];
  const databases: TestDatabase[] = [];
  try {
    // No cost limit: the ledger's 504s must all be injected ones, whatever batches the planner picks.
    const costLimits = { 'querytool-game-lineups-Advanced': null };
    const clean = await startTestReplica({ costLimits });
    const flaky = await startTestReplica({
      costLimits,
      faults: faultMatrixConfig(config.rate, config.seed, config.retryAfterSeconds),
    });
    replicas.push(clean, flaky);
    const [cleanDb, flakyDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    databases.push(cleanDb, flakyDb);
    const load = async (db: TestDatabase, replica: Replica): Promise<RunFigures> => {
      const started = performance.now();
      const summary = await runTestBackfill({
        pool: db.pool,
        replica,
        http: { headersTimeoutMs: config.headersTimeoutMs, bodyTimeoutMs: config.bodyTimeoutMs },
        retry: config.retry,
        options: { datasets, since: days[0], until: days.at(-1), batchSize: config.batchSize },
      });
      return { ...figuresOf(summary), ms: Math.round(performance.now() - started) };
    };

    const [cleanRun, firstRun] = await Promise.all([load(cleanDb, clean), load(flakyDb, flaky)]);
    const runs: RunFigures[] = [firstRun];
    while (runs.at(-1)?.exitCode !== EXIT.ok && runs.length < config.maxRuns) {
      runs.push(await load(flakyDb, flaky));
    }
    const needed = runs.findIndex((run) => run.exitCode === EXIT.ok);

    const stats = flaky.stats();
    const injected = Object.fromEntries(FAULT_KINDS.map((kind) => [kind, stats.faults[kind] ?? 0])) as Record<
      FaultKind,
      number
    >;
    const { traces, unexplained } = await ledgerTraces(flakyDb.pool, injected);
    const [cleanTables, flakyTables] = await Promise.all([
      tableChecksums(cleanDb.pool, datasets),
      tableChecksums(flakyDb.pool, datasets),
    ]);
    const differing = new Set(differingTables(cleanTables, flakyTables));
    const tables = Object.entries(cleanTables).map(([table, want]) => ({
      table,
      rows: want.rows,
      faultedRows: flakyTables[table]?.rows ?? 0,
      equal: !differing.has(table),
    }));
    const cleanLedger = await cleanDb.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM nba_ingest.requests
        WHERE action NOT IN ('accepted', 'unavailable') AND reason IS DISTINCT FROM 'truncated'`,
    );
    const [flakyVerify, cleanVerify] = await Promise.all([
      verifySlice(flakyDb.pool, datasets),
      verifySlice(cleanDb.pool, datasets),
    ]);
    return {
      days,
      games: games.length,
      datasets: datasets.length,
      rate: config.rate,
      seed: config.seed,
      requests: stats.requests,
      faulted: Object.values(injected).reduce((sum, count) => sum + count, 0),
      injected,
      traces,
      unexplained,
      runs,
      runsNeeded: needed === -1 ? null : needed + 1,
      cleanExitCode: cleanRun.exitCode,
      cleanMs: cleanRun.ms,
      cleanFailedAttempts: cleanLedger.rows[0]?.n ?? 0,
      tables,
      uncovered: await sliceUncovered(
        flakyDb.pool,
        datasets.filter((dataset) => !isSeasonWide(dataset)),
        games.map((game) => game.id),
      ),
      verifyFailures: flakyVerify.failures,
      verifyChecks: flakyVerify.checks,
      cleanVerifyFailures: cleanVerify.failures,
    };
  } finally {
    await Promise.all(replicas.map((replica) => replica.close()));
    await Promise.all(databases.map((db) => db.drop()));
  }
}

function figuresOf(summary: BackfillSummary): Omit<RunFigures, 'ms'> {
  return {
    exitCode: summary.exitCode,
    gamesFailed: summary.datasets.reduce((sum, dataset) => sum + dataset.gamesFailed, 0),
  };
}

/** Each kind's injected count against the ledger rows of its signature, by the action they record. */
async function ledgerTraces(
  pool: pg.Pool,
  injected: Readonly<Record<FaultKind, number>>,
): Promise<{ traces: FaultTrace[]; unexplained: string[] }> {
  const { rows } = await pool.query<{ kind: string; action: string; n: number; sample: string }>(
    `SELECT ${LEDGER_KIND} AS kind, action, count(*)::int AS n,
            min(concat_ws(' ', dataset, endpoint, measure, status, reason)) AS sample
       FROM nba_ingest.requests GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const byKind = new Map<string, FaultTrace>();
  for (const kind of FAULT_KINDS) {
    const name = traceKind(kind);
    const known = byKind.get(name);
    byKind.set(name, {
      kind: name,
      injected: (known?.injected ?? 0) + injected[kind],
      actions: {},
      inLedger: 0,
    });
  }
  const unexplained: string[] = [];
  for (const row of rows) {
    const trace = byKind.get(row.kind);
    if (!trace) {
      if (row.kind === 'unexplained') unexplained.push(`${row.n} × ${row.action}: ${row.sample}`);
      continue;
    }
    byKind.set(row.kind, {
      ...trace,
      actions: { ...trace.actions, [row.action]: row.n },
      inLedger: trace.inLedger + row.n,
    });
  }
  return { traces: [...byKind.values()], unexplained };
}

/** Final games of the slice that a per-game dataset does not cover as complete or empty. */
async function sliceUncovered(
  pool: pg.Pool,
  datasets: readonly Dataset[],
  gameIds: readonly string[],
): Promise<string[]> {
  const { rows } = await pool.query<{ missing: string }>(
    `SELECT d.dataset || ' ' || g.game_id || ' ' || coalesce(c.status || ': ' || coalesce(c.reason, ''), 'no coverage') AS missing
       FROM unnest($1::text[]) AS d(dataset) CROSS JOIN unnest($2::text[]) AS g(game_id)
       LEFT JOIN nba_ingest.coverage c ON c.dataset = d.dataset AND c.game_id = g.game_id
      WHERE c.status IS NULL OR c.status NOT IN ('complete', 'empty')
      ORDER BY 1`,
    [datasets.map((dataset) => dataset.name), gameIds],
  );
  return rows.map((row) => row.missing);
}

/** What must not be: a kind never injected or untraced, a table unlike the fault-free run's, a gap. */
export function faultMatrixProblems(figures: FaultMatrixFigures): string[] {
  const problems: string[] = [];
  if (figures.cleanExitCode !== 0) problems.push(`the fault-free run exited ${figures.cleanExitCode}`);
  if (figures.cleanFailedAttempts !== 0)
    problems.push(`the fault-free run had ${figures.cleanFailedAttempts} failed attempts`);
  problems.push(...figures.cleanVerifyFailures.map((check) => `fault-free verify fails ${check}`));
  for (const kind of FAULT_KINDS) if (figures.injected[kind] === 0) problems.push(`${kind} never injected`);
  for (const trace of figures.traces) {
    if (trace.inLedger !== trace.injected)
      problems.push(`${trace.kind}: ${trace.injected} injected, ${trace.inLedger} in the ledger`);
  }
  problems.push(...figures.unexplained.map((row) => `unexplained ledger row ${row}`));
  if (figures.runsNeeded === null) problems.push(`games still failed after ${figures.runs.length} runs`);
  for (const table of figures.tables) if (!table.equal) problems.push(`${table.table} differs`);
  problems.push(...figures.uncovered.map((gap) => `not covered: ${gap}`));
  problems.push(...figures.verifyFailures.map((check) => `verify fails ${check}`));
  return problems;
}

export function reportFaultMatrix(figures: FaultMatrixFigures): string {
  const lines = [
    `fault matrix: ${figures.games} final games (${figures.days.join(', ')}), ${figures.datasets} datasets, ` +
      `${(figures.rate * 100).toFixed(0)}% of calls faulted, seed ${figures.seed}`,
    `replica calls ${figures.requests}, faulted ${figures.faulted} (${((figures.faulted / Math.max(1, figures.requests)) * 100).toFixed(1)}%)`,
    '',
    `${'kind'.padEnd(16)}${'injected'.padStart(9)}${'in ledger'.padStart(11)}  actions`,
  ];
  for (const trace of figures.traces) {
    const actions = Object.entries(trace.actions)
      .map(([action, count]) => `${action} ${count}`)
      .join(', ');
    lines.push(
      `${trace.kind.padEnd(16)}${String(trace.injected).padStart(9)}${String(trace.inLedger).padStart(11)}  ${actions}`,
    );
  }
  if (figures.unexplained.length > 0)
    lines.push(`unexplained ledger rows: ${figures.unexplained.join('; ')}`);
  lines.push(
    '',
    `runs: ${figures.runs.map((run, index) => `#${index + 1} exit ${run.exitCode} (${run.gamesFailed} failed, ${(run.ms / 1000).toFixed(1)} s)`).join(', ')}` +
      ` → ${figures.runsNeeded === null ? 'not done' : `${figures.runsNeeded} run(s) needed`}; fault-free run exit ${figures.cleanExitCode} (${(figures.cleanMs / 1000).toFixed(1)} s, ${figures.cleanFailedAttempts} failed attempts)`,
    `tables equal to the fault-free run: ${figures.tables.filter((table) => table.equal).length}/${figures.tables.length}` +
      ` (${figures.tables.reduce((sum, table) => sum + table.rows, 0)} rows)`,
  );
  for (const table of figures.tables.filter((entry) => !entry.equal)) {
    lines.push(`  differs: ${table.table} ${table.faultedRows} rows vs ${table.rows}`);
  }
  lines.push(
    `slice coverage gaps: ${figures.uncovered.length}${figures.uncovered.length > 0 ? ` (${figures.uncovered.slice(0, 5).join('; ')})` : ''}`,
    `verify: ${figures.verifyChecks - figures.verifyFailures.length}/${figures.verifyChecks} checks pass` +
      (figures.verifyFailures.length > 0 ? ` — failed: ${figures.verifyFailures.join('; ')}` : ''),
  );
  return lines.join('\n');
}
