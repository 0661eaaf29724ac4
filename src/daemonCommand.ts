// `nba-ingest daemon`: builds the daemon's dependencies (database, client policy with a circuit
// breaker, metrics, the /healthz and /metrics server), runs the loop until SIGTERM or SIGINT, and
// stops within a bounded time with nothing half-done marked complete.
import type pg from 'pg';
import type { Logger } from 'pino';
import { config as rxjsConfig } from 'rxjs';
import { INGEST_OPTIONS, parseCommandArgs } from './commandArgs.ts';
import {
  type DaemonFlags,
  daemonFlagsSchema,
  parseDatasetList,
  parseFlags,
  readEnvironment,
  requireApiKey,
} from './config.ts';
import { EXIT, ExitError } from './exitCodes.ts';
import { checkLogFile, createLogger } from './logger.ts';
import { callPolicy } from './main.ts';
import { IngestMetrics } from './metrics.ts';
import { openDatabase } from './sinks/database.ts';
import { Leadership } from './sinks/leadership.ts';
import { migrate } from './sinks/migrate.ts';
import { CircuitBreaker, type CircuitBreakerConfig } from './sources/circuitBreaker.ts';
import { HttpClient, type HttpClientConfig } from './sources/httpClient.ts';
import type { CallPolicy, RetryPolicy } from './sources/upstreamCall.ts';
import {
  type HealthReport,
  parseListenAddress,
  type StatusServer,
  startStatusServer,
} from './statusServer.ts';
import { type DaemonStatus, initialStatus, runDaemon } from './streams/daemon.ts';
import type { Dataset } from './streams/dataset.ts';
import { DATASETS, isSeasonWide } from './streams/datasets.ts';

const USAGE = `Usage: nba-ingest daemon [options]

Runs until stopped. Every poll it reads the scoreboards of today and the previous league day (US
Eastern dates, by upstream's clock) and ingests every game that has turned final: all games final
since the last poll in one run, so one batched call per Query Tool endpoint. Finals are fetched
again after each settle interval to pick up stat corrections (changed rows are updated, unchanged
ones cost no writes). Postponed and cancelled games are recorded, not waited on; a game shown live
long after tip-off is checked against the schedule. Season-wide datasets (season_lineups,
player_aggregates, team_aggregates) run once a league day, after the night's games are final.

One daemon is active per database (a PostgreSQL advisory lock); a second one waits as a standby
and takes over when the first goes away. A lost database or an unanswering upstream (circuit
breaker) makes it unhealthy, not exit: it backs off and resumes.

Options:
  --season YYYY-YY          watch this season only (default: the season on the scoreboards, so a
                            new season is picked up without a restart)
  --datasets LIST           comma list (default: all of ${[...DATASETS.keys()].join(', ')})
  --poll DURATION           poll interval while games are live (default 30s; twice that while games
                            are only scheduled, ten times, at most 15m, on days without games)
  --settle LIST             re-fetch a final after these delays (default 3h,24h; "none": never)
  --http [HOST:]PORT        serve GET /healthz and /metrics here: 9464 or :9464 listen on 127.0.0.1
                            only; 0.0.0.0:9464 on every interface (default: no server)
  --shutdown-timeout D      on SIGTERM/SIGINT, how long the batches in flight may take (default 30s)
  --batch-policy, --batch-size, --concurrency, --legacy-concurrency, --max-rows, --rate, --burst
                            as for backfill (see nba-ingest backfill --help)
  --log-level LEVEL         pino level for the JSON logs on stderr (default info)
  --log-file PATH           write the logs to a file instead of stderr
  -h, --help                show this help

Health: /healthz answers 200 with a JSON report while the loop is healthy (its last cycle
succeeded recently, the circuit breaker is closed) and the database answers, 503 with the reasons
otherwise; a standby is healthy. /metrics is Prometheus text: upstream calls by endpoint and status
class, retries and splits by reason, rows merged by table, rows quarantined, games pending, the
last final ingested, loop lag, role, circuit state.

Signals: SIGTERM or SIGINT stops taking new work; the batches in flight commit or roll back, their
run is recorded as interrupted, and the daemon exits 0. A second signal, or the shutdown timeout,
exits 130 at once (uncommitted batches roll back; coverage never marks them loaded).

Exit codes: 0 stopped by a signal, 64 usage, 70 internal error (also an unhandled error anywhere),
78 configuration, 69 when the database cannot be opened at start.`;

const OPTIONS = {
  ...INGEST_OPTIONS,
  season: { type: 'string' },
  poll: { type: 'string' },
  settle: { type: 'string' },
  http: { type: 'string' },
  'shutdown-timeout': { type: 'string' },
} as const;

/** The loop must have ended a cycle within this many of its longest waits to count as alive. */
const STALL_FACTOR = 3;
const LONGEST_WAIT_MS = 15 * 60_000;
const DATABASE_PING_MS = 2_000;
/** Unanswered calls in a row that make the daemon unhealthy before the breaker opens (at 8). */
const UNANSWERED_CALLS_UNHEALTHY = 2;

export async function daemonCommand(args: readonly string[]): Promise<number> {
  const values = parseCommandArgs(args, OPTIONS);
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const flags = parseFlags(daemonFlagsSchema, values);
  const datasets = daemonDatasets(flags.datasets);
  const listen = flags.http ? listenAddress(flags.http) : undefined;
  if (flags['log-file']) checkLogFile(flags['log-file']);
  const env = readEnvironment(process.env);
  const apiKey = requireApiKey(env);

  const logger = createLogger({
    level: flags['log-level'] ?? env.LOG_LEVEL ?? 'info',
    file: flags['log-file'],
  });
  let daemon: RunningDaemon | undefined;
  let exitCode: number = EXIT.ok;
  let forced: NodeJS.Timeout | undefined;
  // An error nobody handles ends the daemon with 70 and a log line, never a silent hang.
  const unhandled = (error: unknown) => {
    logger.fatal(
      { err: error instanceof Error ? (error.stack ?? error.message) : String(error) },
      'unhandled error',
    );
    exitCode = EXIT.internal;
    daemon?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (forced) {
      logger.warn({ signal }, 'second signal: exiting now; uncommitted batches roll back');
      logger.flush();
      process.exit(EXIT.interrupted);
    }
    logger.info({ signal }, 'stopping: no new work; batches in flight finish');
    daemon?.stop();
    forced = setTimeout(() => {
      logger.error(
        { timeoutMs: flags['shutdown-timeout'] },
        'shutdown timed out: exiting; uncommitted batches roll back',
      );
      logger.flush();
      process.exit(EXIT.interrupted);
    }, flags['shutdown-timeout']);
    forced.unref();
  };
  const previousOnUnhandledError = rxjsConfig.onUnhandledError;
  rxjsConfig.onUnhandledError = unhandled;
  process.on('unhandledRejection', unhandled);
  process.on('uncaughtException', unhandled);
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    const db = await openDatabase({
      databaseUrl: env.DATABASE_URL,
      dataDir: env.NBA_INGEST_DATA_DIR,
      logger,
    });
    try {
      await migrate(db.pool);
      daemon = await startDaemon(
        { flags, datasets, listen, apiKey, baseUrl: env.NBA_API_BASE_URL },
        { pool: db.pool, logger },
      );
      if (forced) daemon.stop();
      await daemon.done;
    } finally {
      await db.close();
    }
    logger.info({ exitCode }, 'daemon stopped');
    return exitCode;
  } finally {
    if (forced) clearTimeout(forced);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('unhandledRejection', unhandled);
    process.off('uncaughtException', unhandled);
    rxjsConfig.onUnhandledError = previousOnUnhandledError;
    logger.flush();
  }
}

/** `--datasets`, or every dataset: the per-game ones each cycle, the season-wide ones once a day. */
export function daemonDatasets(list: string | undefined): Dataset[] {
  return list === undefined ? [...DATASETS.values()] : parseDatasetList(list);
}

export interface DaemonSetup {
  readonly flags: DaemonFlags;
  readonly datasets: readonly Dataset[];
  readonly listen?: { readonly host: string; readonly port: number } | undefined;
  readonly apiKey: string;
  readonly baseUrl: string;
  /** Overrides of the client policy's retry waits (tests). */
  readonly retry?: RetryPolicy;
  /** HTTP client timeouts (tests). */
  readonly http?: Partial<HttpClientConfig>;
  /** Circuit breaker thresholds (tests); the defaults otherwise. */
  readonly breaker?: Omit<CircuitBreakerConfig, 'onStateChange' | 'now'>;
}

export interface RunningDaemon {
  readonly status: DaemonStatus;
  readonly metrics: IngestMetrics;
  /** The /healthz and /metrics server's URL, when one was asked for. */
  readonly url: string | undefined;
  /** Stops taking new work; `done` settles once the batches in flight are committed or rolled back. */
  stop(): void;
  readonly done: Promise<void>;
}

/** Starts the loop (and the status server) on an open, migrated database; the caller handles signals. */
export async function startDaemon(
  setup: DaemonSetup,
  deps: { readonly pool: pg.Pool; readonly logger: Logger },
): Promise<RunningDaemon> {
  const { flags, datasets } = setup;
  const { pool, logger } = deps;
  const stop = new AbortController();
  const metrics = new IngestMetrics();
  const status = initialStatus();
  const breaker = new CircuitBreaker({
    ...setup.breaker,
    onStateChange: (state, change) => {
      metrics.setCircuitOpen(state !== 'closed');
      logger.warn(
        { state, from: change.from, failures: change.failures, openMs: change.openMs },
        'circuit breaker',
      );
    },
  });
  const http = new HttpClient({ baseUrl: setup.baseUrl, apiKey: setup.apiKey, ...setup.http });
  const policy: CallPolicy = {
    ...callPolicy(http, flags, logger, setup.retry),
    breaker,
    onCall: (record) => metrics.observeCall(record),
  };
  const health = async (): Promise<HealthReport> => {
    const report = healthOf(status, breaker, await ping(pool));
    metrics.setHealthy(report.healthy);
    return report;
  };
  let server: StatusServer | undefined;
  try {
    server = setup.listen
      ? await startStatusServer({
          ...setup.listen,
          health,
          metrics,
          onError: (error) => logger.error({ err: String(error) }, 'status server'),
        })
      : undefined;
  } catch (error) {
    await http.close();
    throw new ExitError(EXIT.usage, `--http: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (server) logger.info({ url: server.url }, 'serving /healthz and /metrics');
  const done = runDaemon(
    {
      leagueId: '00',
      season: flags.season,
      perGame: datasets.filter((dataset) => !isSeasonWide(dataset)),
      seasonWide: datasets.filter(isSeasonWide),
      pollMs: flags.poll,
      settleMs: flags.settle,
      ingest: {
        batchPolicy: flags['batch-policy'],
        batchSize: flags['batch-size'],
        concurrency: flags.concurrency,
        legacyConcurrency: flags['legacy-concurrency'],
        maxRowsReturned: flags['max-rows'],
      },
    },
    {
      pool,
      policy,
      logger,
      leadership: new Leadership(pool, logger),
      signal: stop.signal,
      onRun: (summary) => metrics.observeRun(summary),
      onCycle: () => {
        // Without the database ping /healthz adds: a lost database fails the cycle anyway.
        metrics.setHealthy(healthOf(status, breaker, null).healthy);
        metrics.setGamesPending(status.gamesPending);
        metrics.setLoopLag(status.loopLagSeconds);
        if (status.role === 'active' || status.role === 'standby') metrics.setRole(status.role);
        if (status.lastFinalIngestedAt) metrics.setLastFinalIngested(status.lastFinalIngestedAt);
      },
      circuitOpen: () => ({
        open: breaker.state === 'open' && breaker.retryInMs() > 0,
        retryInMs: breaker.retryInMs(),
      }),
    },
    status,
  ).finally(async () => {
    await server?.close();
    await http.close();
  });
  return { status, metrics, url: server?.url, stop: () => stop.abort(), done };
}

function listenAddress(value: string): { host: string; port: number } {
  try {
    return parseListenAddress(value);
  } catch (error) {
    throw new ExitError(EXIT.usage, `--http: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function ping(pool: { query: (sql: string) => Promise<unknown> }): Promise<string | null> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      pool.query('SELECT 1'),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer in ${DATABASE_PING_MS} ms`)), DATABASE_PING_MS);
      }),
    ]);
    return null;
  } catch (error) {
    return `the database is unreachable: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}

/** Healthy: the database answers, the breaker is closed, and the loop is alive and succeeding. */
export function healthOf(
  status: DaemonStatus,
  breaker: Pick<CircuitBreaker, 'state' | 'retryInMs' | 'failures'>,
  databaseProblem: string | null,
): HealthReport {
  const reasons: string[] = [];
  if (databaseProblem) reasons.push(databaseProblem);
  if (breaker.state === 'closed' && breaker.failures >= UNANSWERED_CALLS_UNHEALTHY)
    reasons.push(`upstream is not answering: ${breaker.failures} calls in a row went unanswered`);
  if (breaker.state !== 'closed')
    reasons.push(
      `upstream is not answering: circuit breaker ${breaker.state}, next probe in ${Math.ceil(breaker.retryInMs() / 1000)} s`,
    );
  if (status.role === 'active') {
    // A lost database or upstream fails the cycle too: the reason is said once.
    if (!status.lastCycleOk && status.lastError && !databaseProblem && breaker.state === 'closed')
      reasons.push(status.lastError);
    const due = status.nextCycleDueAt?.getTime();
    if (due !== undefined && Date.now() - due > STALL_FACTOR * LONGEST_WAIT_MS)
      reasons.push(`the loop is stuck: its cycle was due at ${status.nextCycleDueAt?.toISOString()}`);
  }
  if (status.role === 'starting' && status.lastError) reasons.push(status.lastError);
  return {
    healthy: reasons.length === 0,
    ...(reasons.length > 0 ? { reasons } : {}),
    role: status.role,
    season: status.season,
    lastCycleAt: status.lastCycleAt?.toISOString() ?? null,
    gamesLive: status.gamesLive,
    gamesPending: status.gamesPending,
    lastFinalIngestedAt: status.lastFinalIngestedAt?.toISOString() ?? null,
    loopLagSeconds: status.loopLagSeconds,
    circuit: breaker.state,
  };
}
