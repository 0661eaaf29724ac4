// A backfill run end to end: record the run, load the reference data, select the season's final
// games, skip what coverage says is loaded, stream the rest through each dataset, summarise.
import type pg from 'pg';
import type { Logger } from 'pino';
import { lastValueFrom } from 'rxjs';
import { defaultIfEmpty } from 'rxjs/operators';
import { EXIT, type ExitCode, ExitError, exitCodeForFailures, exitCodeOf } from '../exitCodes.ts';
import type { GameId } from '../gameId.ts';
import { coveredSeason, coveredTeams, gameCoverage } from '../sinks/coverage.ts';
import { finishRun, markAbandonedRuns, startRun } from '../sinks/runs.ts';
import { QueryToolSource, truncationThreshold } from '../sources/queryTool.ts';
import type { CallPolicy } from '../sources/upstreamCall.ts';
import { BatchPlanner, type BatchPolicy, DEFAULT_PLANNER_SETTINGS } from './batchPlanner.ts';
import { type Dataset, isLegacy } from './dataset.ts';
import { runDatasetStreams } from './datasetStreams.ts';
import { type SeasonTeams, seasonTeams, selectGames } from './gameSelection.ts';
import { addDays, easternDate } from './leagueDay.ts';
import { LatencyTracker } from './legacyStream.ts';
import { loadReference, type SeasonReference } from './referenceLoad.ts';
import { type DatasetTelemetry, emptyDatasetTelemetry, totalCalls } from './telemetry.ts';

export interface BackfillOptions {
  readonly season: string;
  readonly seasonType: string;
  readonly leagueId: string;
  readonly datasets: readonly Dataset[];
  readonly gameIds?: readonly GameId[] | undefined;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  /**
   * `--refresh`: the final games of the last `daysBack` league days and today (US Eastern, by
   * upstream's clock), fetched again even when covered; unchanged rows are not rewritten.
   */
  readonly refreshDaysBack?: number | undefined;
  readonly fullRefresh: boolean;
  readonly dryRun: boolean;
  /** `planner` sizes batches from what responses teach; `fixed` uses each dataset's fixed size. */
  readonly batchPolicy: BatchPolicy;
  /** Forces this many games per batch under either policy. */
  readonly batchSize?: number | undefined;
  readonly concurrency: number;
  /** One-game legacy calls in flight; unset, sized from the rate limit and the calls' latency. */
  readonly legacyConcurrency?: number | undefined;
  readonly maxRowsReturned: number;
}

export interface BackfillDeps {
  /** Written to unless dry-running; in a dry run only read for coverage. */
  readonly pool: pg.Pool;
  readonly policy: CallPolicy;
  readonly logger: Logger;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: { total: number; done: number }) => void;
  /** Reference data already loaded (the daemon's); without it the run loads it first. */
  readonly reference?: SeasonReference;
  /** A planner that outlives the run (the daemon's), so what responses taught is not relearned. */
  readonly planner?: BatchPlanner;
  /** The run's mode in nba_ingest.runs (default `backfill`). */
  readonly mode?: string;
}

export interface DatasetSummary {
  readonly dataset: string;
  /** What the games* counts count: games, teams of the season (season lineups), or the season. */
  readonly unit: DatasetUnit;
  readonly gamesSelected: number;
  readonly gamesSkipped: number;
  readonly gamesLoaded: number;
  readonly gamesFailed: number;
  /** Games upstream has not published yet (hustle XML): not covered, asked again by a later run. */
  readonly gamesUnavailable: number;
  /** Games found not published within the recheck interval, left alone by this run. */
  readonly gamesWaiting: number;
  readonly rows: number;
  readonly rowsInserted: number;
  readonly rowsUpdated: number;
  readonly rowsUnchanged: number;
  readonly calls: number;
  readonly callsByMeasure: Record<string, number>;
  /** Rows of accepted responses, by measure. */
  readonly rowsByMeasure: Record<string, number>;
  /** The fewest calls for those rows: by rows alone, and within the ids one request can carry. */
  readonly floorCalls: { readonly rows: number; readonly requests: number };
  readonly splits: number;
  readonly retries: number;
  readonly throttledWaits: number;
  readonly droppedUnrequested: number;
  /** Stat values outside their unit's range, stored as NULL and quarantined. */
  readonly outOfRange: number;
  /** Rows a response repeated (same natural key), kept once. */
  readonly duplicates: number;
  /** Sound rows not stored by rule, by reason. */
  readonly dropped: Record<string, number>;
  readonly quarantined: number;
  readonly failures: Record<string, number>;
}

export interface BackfillSummary {
  readonly runId: number | null;
  readonly dryRun: boolean;
  readonly season: string;
  readonly seasonType: string;
  readonly outcome: 'succeeded' | 'partial' | 'failed' | 'interrupted';
  readonly exitCode: ExitCode;
  readonly finalGames: number;
  readonly notFinalGames: number;
  readonly datasets: readonly DatasetSummary[];
  /** Team index, player index and schedule: made by every run, also when every game is covered. */
  readonly referenceCalls: number;
  /** Every upstream call of the run, reference calls included. */
  readonly calls: number;
  readonly rows: number;
  readonly seconds: number;
  readonly rowsPerSecond: number;
  /**
   * The process's peak resident set size so far, in MB: the run's own peak when it is the process's
   * only run (the CLI); in a process that ran more (the demo, tests), the highest of them all.
   */
  readonly peakRssMb: number;
  readonly stageMs: Record<string, number>;
}

export async function backfill(options: BackfillOptions, deps: BackfillDeps): Promise<BackfillSummary> {
  const { pool, logger } = deps;
  const started = performance.now();
  const write = !options.dryRun;
  // Built before the run is recorded: a setting it refuses never leaves a run marked running.
  const planner = deps.planner ?? batchPlanner(options);
  if (write) await markAbandonedRuns(pool);
  const runId = write
    ? await startRun(pool, { mode: deps.mode ?? 'backfill', args: runArgs(options) })
    : null;
  const telemetries = options.datasets.map((dataset) => emptyDatasetTelemetry(dataset.name));
  let selectionMs = 0;
  // The planner's final estimates are kept with the run, so planner and fixed runs can be compared.
  const runTelemetry = () => ({
    selectionMs,
    batchPolicy: options.batchPolicy,
    batchSize: options.batchSize ?? null,
    estimates: planner.estimates(),
    datasets: telemetries,
  });
  try {
    const selectionStarted = performance.now();
    const reference = deps.reference ?? (await loadReference(options, deps, { write, runId }));
    const window = refreshWindow(options, reference.date);
    if (window) logger.info(window, 'refreshing the final games of these league days');
    const selection = selectGames(reference.games, { ...options, ...window });
    if (selection.unknown.length > 0) {
      throw new ExitError(
        EXIT.usage,
        `game ids not in the ${options.season} schedule: ${selection.unknown.join(', ')}`,
      );
    }
    if (selection.final.length === 0) {
      logger.warn(
        { season: options.season, seasonType: options.seasonType },
        'no final game matches the selection: check --season, --season-type, --since and --until',
      );
    }
    if (selection.notFinal.length > 0) {
      logger.info({ games: selection.notFinal.length }, 'games not final yet are left for a later run');
    }
    const season = seasonTeams(reference.games, options.seasonType);
    const plans: DatasetPlan[] = [];
    for (const dataset of options.datasets) {
      const plan = await planDataset(dataset, selection.final, season, options, pool);
      plans.push(plan);
      logger.info(
        {
          dataset: dataset.name,
          unit: unitOf(dataset),
          candidates: candidatesOf(plan),
          covered: plan.skipped,
          notPublishedYet: plan.waiting,
          toLoad: plan.ids.length,
        },
        'selected',
      );
    }
    selectionMs = performance.now() - selectionStarted;

    const source = new QueryToolSource({
      policy: deps.policy,
      scope: { LeagueId: options.leagueId, SeasonYear: options.season, SeasonType: options.seasonType },
      maxRowsReturned: options.maxRowsReturned,
      chunkLimit: (call) => planner.chunkLimit(call),
    });
    const total = plans.reduce((sum, plan) => sum + plan.ids.length, 0);
    let done = 0;
    deps.onProgress?.({ total, done });
    if (!deps.signal?.aborted) {
      const works = plans.map((plan, index) => ({
        dataset: plan.dataset,
        ids: plan.ids,
        telemetry: telemetries[index] as DatasetTelemetry,
        logger: logger.child({ dataset: plan.dataset.name }),
      }));
      const stream = runDatasetStreams(
        works,
        {
          source,
          planner,
          policy: deps.policy,
          latency: new LatencyTracker(deps.policy.bucket.ratePerSecond),
          scheduled: new Map(reference.games.map((game) => [game.gameId, game])),
          scope: { leagueId: options.leagueId, season: options.season, seasonType: options.seasonType },
          pool: write ? pool : null,
          runId,
          mapping: {
            seasonLabel: options.season,
            seasonType: options.seasonType,
            finalGames: season.finalGames,
          },
          concurrency: options.concurrency,
          legacyConcurrency: options.legacyConcurrency,
          onGamesDone: (count) => {
            done += count;
            deps.onProgress?.({ total, done });
          },
        },
        () => !deps.signal?.aborted,
      );
      await lastValueFrom(stream.pipe(defaultIfEmpty(null)));
    }

    const datasets = plans.map((plan, index) =>
      datasetSummary(plan, telemetries[index] as DatasetTelemetry, {
        maxRows: source.truncationThreshold - 1,
        maxIds: isLegacy(plan.dataset) ? 1 : source.maxGameIds(plan.dataset.calls, planner.uriBudgetBytes),
        costLimit: (measure) => {
          const { dataset } = plan;
          const call = isLegacy(dataset) ? undefined : dataset.calls.find((c) => c.measure === measure);
          return call ? planner.chunkLimit(call) : Number.POSITIVE_INFINITY;
        },
      }),
    );
    const failures = datasets.flatMap((summary) => Object.keys(summary.failures));
    const interrupted = deps.signal?.aborted === true;
    const exitCode = interrupted ? EXIT.interrupted : exitCodeForFailures(failures);
    const outcome = interrupted ? 'interrupted' : exitCode === EXIT.ok ? 'succeeded' : 'partial';
    const seconds = (performance.now() - started) / 1000;
    const rows = datasets.reduce((sum, summary) => sum + summary.rows, 0);
    const summary: BackfillSummary = {
      runId,
      dryRun: options.dryRun,
      season: options.season,
      seasonType: options.seasonType,
      outcome,
      exitCode,
      finalGames: selection.final.length,
      notFinalGames: selection.notFinal.length,
      datasets,
      referenceCalls: deps.reference ? 0 : reference.calls,
      calls: (deps.reference ? 0 : reference.calls) + datasets.reduce((sum, d) => sum + d.calls, 0),
      rows,
      seconds: round(seconds, 3),
      rowsPerSecond: seconds > 0 ? Math.round(rows / seconds) : 0,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      stageMs: stageTotals(selectionMs, telemetries),
    };
    if (runId !== null) {
      await finishRun(pool, runId, {
        outcome,
        exitCode,
        summary,
        telemetry: runTelemetry(),
      });
    }
    return summary;
  } catch (error) {
    if (runId !== null) {
      const exitCode = exitCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      await finishRun(pool, runId, {
        outcome: 'failed',
        exitCode,
        summary: { error: message },
        telemetry: runTelemetry(),
      }).catch((finishError: unknown) =>
        logger.error({ err: finishError }, 'could not record the failed run'),
      );
    }
    throw error;
  }
}

/**
 * The fewest calls that could have fetched what was accepted, per measure summed: by rows alone
 * (⌈rows / the most rows an accepted response holds⌉, SPEC §7's floor), and also within the ids a
 * request can carry (URI length, TeamId's 10, the cost limit learned from 504s), which no batching
 * can beat.
 */
function floorCalls(
  dataset: Dataset,
  telemetry: DatasetTelemetry,
  ids: number,
  limits: FloorLimits,
): { readonly rows: number; readonly requests: number } {
  // A legacy endpoint takes one game per call, a season-wide one its calls once (SPEC §7).
  if (isLegacy(dataset)) {
    const calls = dataset.unit === 'season' ? dataset.calls.length * ids : ids;
    return { rows: calls, requests: calls };
  }
  let rows = 0;
  let requests = 0;
  for (const [measure, accepted] of Object.entries(telemetry.acceptedRows)) {
    const byRows = Math.ceil(accepted / limits.maxRows);
    rows += byRows;
    requests += Math.max(byRows, Math.ceil(ids / Math.min(limits.maxIds, limits.costLimit(measure))));
  }
  return { rows, requests };
}

interface FloorLimits {
  /** The most rows an accepted response holds (one below the truncation threshold). */
  readonly maxRows: number;
  /** Ids that fit one request of every call of the dataset. */
  readonly maxIds: number;
  /** Ids one request of the measure may carry before a 504, as learned (Infinity when none). */
  readonly costLimit: (measure: string) => number;
}

function datasetSummary(plan: DatasetPlan, telemetry: DatasetTelemetry, limits: FloorLimits): DatasetSummary {
  return {
    dataset: plan.dataset.name,
    unit: unitOf(plan.dataset),
    gamesSelected: candidatesOf(plan),
    gamesSkipped: plan.skipped,
    gamesLoaded: telemetry.gamesLoaded,
    gamesFailed: telemetry.gamesFailed,
    gamesUnavailable: telemetry.gamesUnavailable,
    gamesWaiting: plan.waiting,
    rows: telemetry.rowsWritten,
    rowsInserted: telemetry.rowsInserted,
    rowsUpdated: telemetry.rowsUpdated,
    rowsUnchanged: telemetry.rowsUnchanged,
    calls: totalCalls(telemetry),
    callsByMeasure: { ...telemetry.calls },
    rowsByMeasure: { ...telemetry.acceptedRows },
    floorCalls: floorCalls(plan.dataset, telemetry, plan.ids.length, limits),
    splits: telemetry.splits,
    retries: telemetry.retries,
    throttledWaits: telemetry.throttledWaits,
    droppedUnrequested: telemetry.droppedUnrequested,
    outOfRange: telemetry.outOfRange,
    duplicates: telemetry.duplicates,
    dropped: { ...telemetry.dropped },
    quarantined: telemetry.quarantined,
    failures: { ...telemetry.failures },
  };
}

function stageTotals(selectionMs: number, telemetries: readonly DatasetTelemetry[]): Record<string, number> {
  const sum = (pick: (t: DatasetTelemetry) => number) =>
    Math.round(telemetries.reduce((s, t) => s + pick(t), 0));
  return {
    gameSelection: Math.round(selectionMs),
    fetch: sum((t) => t.stageMs.fetch),
    parse: sum((t) => t.stageMs.parse),
    copy: sum((t) => t.stageMs.copy),
    merge: sum((t) => t.stageMs.merge),
  };
}

function runArgs(options: BackfillOptions): Record<string, unknown> {
  return {
    season: options.season,
    seasonType: options.seasonType,
    datasets: options.datasets.map((dataset) => dataset.name),
    gameIds: options.gameIds,
    since: options.since,
    until: options.until,
    refreshDaysBack: options.refreshDaysBack,
    fullRefresh: options.fullRefresh,
    batchPolicy: options.batchPolicy,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    legacyConcurrency: options.legacyConcurrency,
    maxRowsReturned: options.maxRowsReturned,
  };
}

/** The planner a run uses unless it is given one: the policy, any forced size, the threshold of MaxRowsReturned. */
export function batchPlanner(
  options: Pick<BackfillOptions, 'batchPolicy' | 'batchSize' | 'maxRowsReturned'>,
): BatchPlanner {
  return new BatchPlanner({
    policy: options.batchPolicy,
    batchSize: options.batchSize,
    settings: { ...DEFAULT_PLANNER_SETTINGS, threshold: truncationThreshold(options.maxRowsReturned) },
  });
}

/** `--refresh --days-back N`: today (upstream's clock, else ours) and the N league days before it. */
function refreshWindow(
  options: Pick<BackfillOptions, 'refreshDaysBack'>,
  upstreamNow: Date | null,
): { since: string; until: string } | undefined {
  if (options.refreshDaysBack === undefined) return undefined;
  const today = easternDate(upstreamNow ?? new Date());
  return { since: addDays(today, -options.refreshDaysBack), until: today };
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export type DatasetUnit = 'game' | 'team' | 'season';

/** What the selection offered the dataset: to load, already covered, or waiting to be published. */
const candidatesOf = (plan: DatasetPlan): number => plan.ids.length + plan.skipped + plan.waiting;

const unitOf = (dataset: Dataset): DatasetUnit => dataset.unit ?? 'game';

interface DatasetPlan {
  readonly dataset: Dataset;
  /** Game ids, team ids for a team dataset, or the season label for a season-wide one. */
  readonly ids: string[];
  /** Candidates already covered. */
  readonly skipped: number;
  /** Candidates upstream had not published when last asked, within the recheck interval. */
  readonly waiting: number;
}

/**
 * What a dataset loads in this run: the selected final games it does not cover yet, or — for a
 * season-wide dataset — the season's teams (or the season) whose coverage is not as of today's
 * final games.
 */
async function planDataset(
  dataset: Dataset,
  finalGames: readonly GameId[],
  season: SeasonTeams,
  options: Pick<BackfillOptions, 'fullRefresh' | 'season' | 'seasonType'>,
  pool: pg.Pool,
): Promise<DatasetPlan> {
  // Season-wide coverage is as of the season's final games so far.
  const scope = { label: options.season, type: options.seasonType, finalGames: season.finalGames };
  if (dataset.unit === 'season') {
    const current = !options.fullRefresh && (await coveredSeason(pool, dataset.name, scope));
    return { dataset, ids: current ? [] : [options.season], skipped: current ? 1 : 0, waiting: 0 };
  }
  if (dataset.unit === 'team') {
    const covered = options.fullRefresh
      ? new Set<number>()
      : await coveredTeams(pool, dataset.name, scope, season.teams);
    const ids = season.teams.filter((id) => !covered.has(id)).map(String);
    return { dataset, ids, skipped: season.teams.length - ids.length, waiting: 0 };
  }
  // Asking again for a feed upstream had not published an hour ago only spends calls: --full-refresh does.
  const { covered, waiting } = options.fullRefresh
    ? { covered: new Set<string>(), waiting: new Set<string>() }
    : await gameCoverage(pool, dataset.name, finalGames);
  const ids = finalGames.filter((id) => !covered.has(id) && !waiting.has(id));
  return { dataset, ids, skipped: covered.size, waiting: waiting.size };
}
