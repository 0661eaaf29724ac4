// The CLI: parses arguments, builds the configuration and the stream graph's dependencies,
// runs a command, and turns its result into an exit code (SPEC §5).
import { readFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import { INGEST_OPTIONS, parseCommandArgs } from './commandArgs.ts';
import {
  type BackfillFlags,
  backfillFlagsSchema,
  parseDatasetList,
  parseFlags,
  parseGameIdList,
  readEnvironment,
  requireApiKey,
} from './config.ts';
import { EXIT, exitCodeOf } from './exitCodes.ts';
import type { GameId } from './gameId.ts';
import { checkLogFile, createLogger } from './logger.ts';
import { TokenBucket } from './operators/tokenBucket.ts';
import { isConnectionLost } from './sinks/connectionLoss.ts';
import { type Database, openDatabase } from './sinks/database.ts';
import { migrate } from './sinks/migrate.ts';
import { HttpClient } from './sources/httpClient.ts';
import type { CallPolicy, RetryPolicy } from './sources/upstreamCall.ts';
import { type BackfillSummary, backfill } from './streams/backfill.ts';
import type { Dataset } from './streams/dataset.ts';
import { DATASETS, defaultDatasets } from './streams/datasets.ts';
import { formatSummary } from './summary.ts';
import { verifyCommand } from './verifyCommand.ts';

/** `--refresh` without `--days-back`: today and yesterday, so a late final of last night is caught. */
const DEFAULT_DAYS_BACK = 1;

const USAGE = `nba-ingest — keep PostgreSQL up to date with NBA statistics from the NBA API

Usage: nba-ingest <command> [options]

Commands:
  backfill   load a season (or dates, or game ids) into the database, skipping covered games
  daemon     run until stopped: ingest games as they go final, re-fetch them for stat corrections
  migrate    apply the SQL migrations in sql/ and exit
  verify     coverage, truncation and sanity checks of the loaded data (read-only; exit 65 on failure)
  replica    start the local replica of the NBA API (for tests, the demo and benchmarks)
  demo       embedded Postgres + the replica + a 2025-26 backfill of every dataset + a summary

Run "nba-ingest <command> --help" for a command's options, "nba-ingest --version" for the version.

Environment:
  DATABASE_URL          postgres://… to load into; without it an embedded PostgreSQL is started
                        in NBA_INGEST_DATA_DIR (default ./.nba-ingest/postgres)
  NBA_API_KEY           sent as X-NBA-Api-Key (required for backfill)
  NBA_API_BASE_URL      default https://api.nba.com/v0
  LOG_LEVEL             trace|debug|info|warn|error|fatal|silent (default info; warn under a progress bar)

Exit codes: 0 ok, 64 usage, 65 data error, 69 upstream unavailable, 70 internal error,
            75 temporary failure (safe to rerun), 78 configuration, 130 interrupted.`;

const BACKFILL_USAGE = `Usage: nba-ingest backfill [options]

Loads every final game of a season that coverage does not already list as complete: reference
data (teams, players, schedule) first, then the datasets side by side, committed per batch. Query
Tool per-game datasets go in GameId batches over the selected final games; legacy per-game ones
(box score, play-by-play, players on court, hustle) one game per call, as many calls in flight as
keep the rate limit busy (rate × latency, at most 16); season-wide ones over the whole season
whatever games are selected — season_lineups in TeamId batches, the aggregates once — and again
once more games are final. Hustle feeds not published yet (403/404) are asked again by a later run.

Selection:
  --season YYYY-YY          season label (default 2025-26)
  --season-type TYPE        "Regular Season" (default), Playoffs, PlayIn, "Pre Season", "All Star"
  --datasets LIST           comma list of datasets (default: all of ${[...DATASETS.keys()].join(', ')};
                            with --game-ids, --since, --until or --refresh all but the season-wide
                            season_lineups, player_aggregates and team_aggregates)
  --include-season-wide     also run the season-wide datasets when --datasets is not given
  --game-ids LIST           comma list of 10-digit game ids (e.g. 0022500001), instead of the season's games
  --since YYYY-MM-DD        first game day to load (US Eastern league day)
  --until YYYY-MM-DD        last game day to load
  --refresh                 fetch the final games of recent league days again, covered or not, to
                            pick up stat corrections (changed rows are updated, unchanged ones not
                            rewritten); "today" is upstream's US Eastern date
  --days-back N             with --refresh: today and the N league days before it (default ${DEFAULT_DAYS_BACK};
                            0 is today only)
  --full-refresh            fetch games even when coverage says they are complete (unchanged rows are not rewritten)

Behaviour:
  --dry-run                 fetch and check everything, write no data (the schema is still migrated)
  --batch-policy P          planner (default): size each batch from the rows per game seen so far, to
                            fill 97% of the truncation threshold within the URI budget and the cost
                            limit learned from 504s; fixed: the previous implementation's size per
                            dataset (e.g. 50 games for shot_chart, 10 teams for season_lineups)
  --batch-size N            ids per Query Tool call, 1-300, under either policy (default: the policy's;
                            never more than an endpoint takes, e.g. 10 TeamIds)
  --concurrency N           Query Tool batches (and season aggregate pulls) in flight at once across
                            all datasets, 1-16 (default 2)
  --legacy-concurrency N    one-game legacy calls in flight at once, 1-16 (default: as many as keep
                            the rate limit busy, from the calls' latency)
  --max-rows N              MaxRowsReturned sent with every call, 1-10000 (default 10000)
  --rate N, --burst N       client-side rate limit shared by every call to the host: calls per second
                            and burst 1-1000 (default 10/s, burst 5)

Output:
  --json                    print the summary as JSON on stdout
  --log-level LEVEL         pino level for the JSON logs on stderr
  --log-file PATH           write the logs to a file instead of stderr
  -h, --help                show this help`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'backfill':
        return await backfillCommand(rest);
      case 'migrate':
        return await migrateCommand(rest);
      case 'verify':
        return await verifyCommand(rest);
      case 'daemon': {
        const { daemonCommand } = await import('./daemonCommand.ts');
        return await daemonCommand(rest);
      }
      case 'replica': {
        // The replica is a test and demo tool; the product's commands never load it.
        const { replicaCommand } = await import('../replica/cli.ts');
        return await replicaCommand(rest);
      }
      case 'demo': {
        const { demoCommand } = await import('./demo.ts');
        return await demoCommand(rest);
      }
      case '--version':
        process.stdout.write(`nba-ingest ${version()}\n`);
        return EXIT.ok;
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        process.stderr.write(`nba-ingest: unknown command "${command}"\n\n${USAGE}\n`);
        return EXIT.usage;
    }
  } catch (error) {
    return reportFailure(error);
  }
}

function version(): string {
  const manifest = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

/** One clear line for expected failures; a stack trace only for bugs. */
export function reportFailure(error: unknown): number {
  const code = exitCodeOf(error);
  process.stderr.write(`nba-ingest: ${failureLine(error, code)}\n`);
  return code;
}

function failureLine(error: unknown, code: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (code === EXIT.internal)
    return `internal error: ${error instanceof Error ? (error.stack ?? message) : message}`;
  if (isConnectionLost(error)) return `lost the database connection (${message}); safe to rerun`;
  return message;
}

const BACKFILL_OPTIONS = {
  ...INGEST_OPTIONS,
  season: { type: 'string' },
  'season-type': { type: 'string' },
  'game-ids': { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  refresh: { type: 'boolean' },
  'days-back': { type: 'string' },
  'include-season-wide': { type: 'boolean' },
  'full-refresh': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** Everything a backfill needs besides the database, validated before anything is opened. */
export interface BackfillSetup {
  readonly flags: BackfillFlags;
  readonly datasets: readonly Dataset[];
  readonly gameIds: readonly GameId[] | undefined;
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly logLevel?: string | undefined;
}

export function backfillSetup(
  flags: BackfillFlags,
  api: { apiKey: string; baseUrl: string; logLevel?: string | undefined },
): BackfillSetup {
  // Season-wide pulls cost a season's calls whatever games are picked: only a whole season's run
  // makes them unasked.
  const wholeSeason = !flags.refresh && !flags['game-ids'] && !flags.since && !flags.until;
  const datasets =
    flags.datasets !== undefined
      ? parseDatasetList(flags.datasets)
      : defaultDatasets({ seasonWide: wholeSeason || flags['include-season-wide'] });
  const gameIds = flags['game-ids'] ? parseGameIdList(flags['game-ids']) : undefined;
  if (flags['log-file']) checkLogFile(flags['log-file']);
  return { flags, datasets, gameIds, ...api };
}

async function backfillCommand(args: readonly string[]): Promise<number> {
  const values = parseCommandArgs(args, BACKFILL_OPTIONS);
  if (values.help) {
    process.stdout.write(`${BACKFILL_USAGE}\n`);
    return EXIT.ok;
  }
  const flags = parseFlags(backfillFlagsSchema, values);
  const env = readEnvironment(process.env);
  const apiKey = requireApiKey(env);
  const setup = backfillSetup(flags, {
    apiKey,
    baseUrl: env.NBA_API_BASE_URL,
    logLevel: env.LOG_LEVEL,
  });
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.NBA_INGEST_DATA_DIR });
  try {
    const summary = await runBackfill(setup, db);
    process.stdout.write(flags.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    return summary.exitCode;
  } finally {
    await db.close();
  }
}

/** Builds the stream graph's dependencies around an open database, runs the backfill, releases them. */
export async function runBackfill(setup: BackfillSetup, db: Database): Promise<BackfillSummary> {
  const { flags, datasets, gameIds } = setup;
  const showProgress = process.stderr.isTTY === true && !flags.json && !flags['log-file'];
  const logger = createLogger({
    level: flags['log-level'] ?? setup.logLevel ?? (showProgress ? 'warn' : 'info'),
    file: flags['log-file'],
  });
  const http = new HttpClient({ baseUrl: setup.baseUrl, apiKey: setup.apiKey });
  const abort = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'stopping: no new batches; batches in flight finish');
    abort.abort();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const bar = showProgress ? progressBar() : undefined;
  try {
    await migrate(db.pool);
    const policy = callPolicy(http, flags, logger);
    return await backfill(
      {
        season: flags.season,
        seasonType: flags['season-type'],
        leagueId: '00',
        datasets,
        gameIds,
        since: flags.since,
        until: flags.until,
        refreshDaysBack: flags.refresh ? (flags['days-back'] ?? DEFAULT_DAYS_BACK) : undefined,
        fullRefresh: flags['full-refresh'] || flags.refresh,
        dryRun: flags['dry-run'],
        batchPolicy: flags['batch-policy'],
        batchSize: flags['batch-size'],
        concurrency: flags.concurrency,
        legacyConcurrency: flags['legacy-concurrency'],
        maxRowsReturned: flags['max-rows'],
      },
      {
        pool: db.pool,
        policy,
        logger,
        signal: abort.signal,
        onProgress: bar
          ? ({ total, done }) => {
              if (bar.getTotal() !== total) bar.start(total, done);
              else bar.update(done);
            }
          : undefined,
      },
    );
  } finally {
    bar?.stop();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await http.close();
    logger.flush();
  }
}

/** The SPEC §4 retry rules: 4 attempts for transient errors, Retry-After or 10–15 s on 429. */
export const RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxCostlyAttempts: 2,
  maxThrottledAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  throttleDelayMs: [10_000, 15_000],
  maxRetryAfterMs: 60_000,
};

export function callPolicy(
  http: HttpClient,
  limits: { rate: number; burst: number },
  logger: Logger,
  retry: RetryPolicy = RETRY_POLICY,
): CallPolicy {
  return {
    http,
    bucket: new TokenBucket({ ratePerSecond: limits.rate, burst: limits.burst }),
    retry,
    logger,
  };
}

function progressBar(): cliProgress.SingleBar {
  return new cliProgress.SingleBar(
    {
      format: 'games {bar} {value}/{total} | {percentage}% | ETA {eta_formatted}',
      stream: process.stderr,
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
}

const MIGRATE_USAGE = `Usage: nba-ingest migrate

Applies the numbered SQL migrations in sql/ that the database (DATABASE_URL, or the embedded
default) does not have yet, and prints their names.`;

async function migrateCommand(args: readonly string[]): Promise<number> {
  const values = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(`${MIGRATE_USAGE}\n`);
    return EXIT.ok;
  }
  const env = readEnvironment(process.env);
  const logger = createLogger({ level: env.LOG_LEVEL ?? 'info' });
  const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.NBA_INGEST_DATA_DIR, logger });
  try {
    const applied = await migrate(db.pool);
    process.stdout.write(applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n');
    return EXIT.ok;
  } finally {
    await db.close();
  }
}
