// The daemon: while it holds the database's daemon lock, it polls the scoreboards of today and the
// previous league day (US Eastern, upstream's clock), ingests every game that has turned final in
// one backfill per cycle (so one batched call per Query Tool endpoint). Beside the polls, one job at
// a time, it catches up on finals it missed, re-fetches finals after each settle interval for stat
// corrections, and runs the season-wide datasets once a league day after the night's games are final.
// Failures of a cycle are reported and retried, never fatal.
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import { type GameId, seasonTypeOf } from '../gameId.ts';
import { writeBatch, writeRecords } from '../sinks/batchWriter.ts';
import { gamesToLoad } from '../sinks/coverage.ts';
import {
  markIngested,
  markRefetched,
  markRefetchTried,
  recordFinals,
  refetchesDue,
} from '../sinks/finals.ts';
import type { Leadership } from '../sinks/leadership.ts';
import type { CallPolicy, CallRecord } from '../sources/upstreamCall.ts';
import { type BackfillOptions, type BackfillSummary, backfill, batchPlanner } from './backfill.ts';
import type { Dataset } from './dataset.ts';
import { addDays, easternDate, seasonOfDate, seasonOfGameId } from './leagueDay.ts';
import { toLedgerRow } from './queryToolStream.ts';
import { gamesTable } from './reference.ts';
import { fetchJson, loadReference, type SeasonReference } from './referenceLoad.ts';
import {
  type BoardGame,
  boardGames,
  boardRows,
  GAME_STATUS,
  isCalledOff,
  scoreboardSchema,
  withBoardStatuses,
} from './scoreboard.ts';
import { UpstreamClock } from './upstreamClock.ts';

/** How the daemon ingests: the backfill settings every cycle's runs share. */
export type IngestSettings = Pick<
  BackfillOptions,
  'batchPolicy' | 'batchSize' | 'concurrency' | 'legacyConcurrency' | 'maxRowsReturned'
>;

export interface DaemonOptions {
  readonly leagueId: string;
  /** Watch this season only; unset, the season of the games on the scoreboards (or of the date). */
  readonly season?: string | undefined;
  /** Loaded for every game that turns final. */
  readonly perGame: readonly Dataset[];
  /** Loaded once a league day, after the night's games are final. */
  readonly seasonWide: readonly Dataset[];
  /** Poll interval while games are live. */
  readonly pollMs: number;
  /** Re-fetch a final this long after it was first seen final (ascending). */
  readonly settleMs: readonly number[];
  readonly ingest: IngestSettings;
}

export interface DaemonDeps {
  readonly pool: pg.Pool;
  readonly policy: CallPolicy;
  readonly logger: Logger;
  readonly leadership: Leadership;
  /** Aborted on SIGTERM/SIGINT: no new work; the batches in flight finish. */
  readonly signal: AbortSignal;
  readonly clock?: UpstreamClock;
  /** Told about every ingest run (metrics). */
  readonly onRun?: (summary: BackfillSummary) => void;
  /** Told after every turn of the loop (cycle, standby check or backoff), with `status` up to date. */
  readonly onCycle?: () => void;
  readonly circuitOpen?: () => { readonly open: boolean; readonly retryInMs: number };
}

/** What /healthz reports, kept up to date by the loop. */
export interface DaemonStatus {
  role: 'starting' | 'standby' | 'active' | 'stopping';
  season: string | null;
  /** When the last cycle ended (ok or not), and whether it completed. */
  lastCycleAt: Date | null;
  lastCycleOk: boolean;
  lastError: string | null;
  /** Local time the next cycle is due, to judge a stuck loop. */
  nextCycleDueAt: Date | null;
  /** How late the last cycle started against its due time, in seconds. */
  loopLagSeconds: number;
  gamesLive: number;
  /** Final games that still have datasets to load (not counting feeds unpublished upstream). */
  gamesPending: number;
  lastFinalIngestedAt: Date | null;
  circuitOpen: boolean;
}

export function initialStatus(): DaemonStatus {
  return {
    role: 'starting',
    season: null,
    lastCycleAt: null,
    lastCycleOk: false,
    lastError: null,
    nextCycleDueAt: null,
    loopLagSeconds: 0,
    gamesLive: 0,
    gamesPending: 0,
    lastFinalIngestedAt: null,
    circuitOpen: false,
  };
}

/** A game live this long after tip-off is checked against the schedule: the scoreboard may be stale. */
const LIVE_RECHECK_MS = 4 * 3_600_000;
/** The schedule is read again at least this often (upstream time) for new, moved and called-off games. */
const SCHEDULE_MAX_AGE_MS = 3 * 3_600_000;
/** A standby asks for the lock this often. */
const STANDBY_POLL_MS = 2_000;
/** A game whose load (or re-fetch) failed is asked again after this long, not on every poll. */
const FAILED_RETRY_MINUTES = 5;
/** Missed finals loaded per background run: one batched call per Query Tool endpoint holds them. */
const CATCH_UP_GAMES_PER_CYCLE = 30;
/** One-game legacy calls in flight for a background run, beside the polls' own. */
const BACKGROUND_LEGACY_CONCURRENCY = 4;
/** Backoff after a failed cycle: doubling from the poll interval up to this. */
const MAX_FAILURE_BACKOFF_MS = 60_000;

/** Runs until `deps.signal` aborts; never throws for a failed cycle. */
export async function runDaemon(
  options: DaemonOptions,
  deps: DaemonDeps,
  status: DaemonStatus,
): Promise<void> {
  const { logger, leadership, signal } = deps;
  const watcher = new Watcher(options, deps, status);
  let failures = 0;
  let dueAt = Date.now();
  try {
    while (!signal.aborted) {
      const role = await takeRole(leadership, status, logger).catch((error: unknown) => {
        fail(status, error, 'the database is unreachable');
        return null;
      });
      if (role !== 'active') {
        deps.onCycle?.();
        await pause(role === null ? backoff(options.pollMs, ++failures) : STANDBY_POLL_MS, signal);
        dueAt = Date.now();
        continue;
      }
      const circuit = deps.circuitOpen?.();
      status.circuitOpen = circuit?.open ?? false;
      if (circuit?.open) {
        deps.onCycle?.();
        await pause(Math.max(circuit.retryInMs, options.pollMs), signal);
        continue;
      }
      const started = Date.now();
      status.loopLagSeconds = Math.max(0, (started - dueAt) / 1000);
      let delay: number;
      try {
        delay = await watcher.cycle();
        failures = 0;
        status.lastCycleOk = true;
        status.lastError = null;
      } catch (error) {
        if (signal.aborted) break;
        fail(status, error, 'the cycle failed');
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'cycle failed');
        delay = backoff(options.pollMs, ++failures);
      }
      status.lastCycleAt = new Date();
      dueAt = Date.now() + delay;
      status.nextCycleDueAt = new Date(dueAt);
      deps.onCycle?.();
      await pause(delay, signal);
    }
  } finally {
    status.role = 'stopping';
    await watcher.drain();
    await leadership.release().catch(() => undefined);
  }
}

async function takeRole(
  leadership: Leadership,
  status: DaemonStatus,
  logger: Logger,
): Promise<'active' | 'standby'> {
  if (leadership.held && (await leadership.confirm())) return 'active';
  if (status.role === 'active') logger.warn('lost the daemon lock');
  const acquired = await leadership.tryAcquire();
  if (acquired && status.role !== 'active') logger.info('holding the daemon lock: active');
  if (!acquired && status.role !== 'standby') logger.info('another daemon holds the lock: standing by');
  status.role = acquired ? 'active' : 'standby';
  if (!acquired) {
    status.lastError = null;
    status.lastCycleOk = true;
  }
  return status.role;
}

function fail(status: DaemonStatus, error: unknown, context: string): void {
  status.lastCycleOk = false;
  status.lastError = `${context}: ${error instanceof Error ? error.message : String(error)}`;
}

const backoff = (pollMs: number, failures: number) =>
  Math.min(MAX_FAILURE_BACKOFF_MS, pollMs * 2 ** Math.min(failures - 1, 10));

/** Waits, cut short by the abort signal. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}

/** One cycle's state that outlives it: the season's reference and the planner's estimates. */
class Watcher {
  readonly #options: DaemonOptions;
  readonly #deps: DaemonDeps;
  readonly #status: DaemonStatus;
  readonly #clock: UpstreamClock;
  readonly #planner;
  #reference: (WatchedSeason & { readAt: number }) | null = null;
  readonly #perGameNames: readonly string[];

  /** Games that made the schedule be read again (unknown, stuck live): once each. */
  readonly #rechecked = new Set<string>();
  /** Games a run is loading now: the polls' lane and the background lane never load one together. */
  readonly #busy = new Set<string>();
  #background: Promise<void> | undefined;
  /** Older finals not loaded, as of the last look. */
  #missed = 0;
  /** SIGTERM or the lock lost, for the current tenure of the lock (one combined signal each). */
  #stoppedFor: { readonly tenure: AbortSignal; readonly signal: AbortSignal } | undefined;
  /** The `nba.games` rows last written from the scoreboards, by game: unchanged ones are not rewritten. */
  readonly #boardRowsWritten = new Map<string, string>();
  /** League day whose season-wide pull is done. */
  #seasonWideDay: string | null = null;

  constructor(options: DaemonOptions, deps: DaemonDeps, status: DaemonStatus) {
    this.#options = options;
    this.#deps = deps;
    this.#status = status;
    this.#clock = deps.clock ?? new UpstreamClock();
    this.#planner = batchPlanner(options.ingest);
    this.#perGameNames = options.perGame.map((dataset) => dataset.name);
  }

  /**
   * Work stops taking new batches on SIGTERM and the moment the daemon lock is lost: a daemon that
   * is no longer the active one must not go on beside the one that now is.
   */
  get #stopped(): AbortSignal {
    const tenure = this.#deps.leadership.signal;
    if (this.#stoppedFor?.tenure !== tenure)
      this.#stoppedFor = { tenure, signal: AbortSignal.any([this.#deps.signal, tenure]) };
    return this.#stoppedFor.signal;
  }

  /** One poll: answers how long to wait before the next. */
  async cycle(): Promise<number> {
    const { pool, logger } = this.#deps;
    // The boards' answers say upstream's time; when that is another day than this host thought
    // (the first cycle, a skewed clock, midnight), the right day's boards are read again.
    let today = easternDate(this.#clock.now());
    let boards = await this.#boards([addDays(today, -1), today]);
    const upstreamToday = easternDate(this.#clock.now());
    if (upstreamToday !== today) {
      today = upstreamToday;
      boards = await this.#boards([addDays(today, -1), today]);
    }
    const season = this.#options.season ?? seasonOf(boards, today);
    this.#status.season = season;
    const watched = boards.filter((game) => seasonOfGameId(game.gameId) === season);
    const now = this.#clock.now();
    const stale = watched.filter(
      (game) =>
        game.status === GAME_STATUS.live &&
        game.tipOff &&
        now.getTime() - game.tipOff.getTime() > LIVE_RECHECK_MS,
    );
    const reference = await this.#seasonReference(season, watched, stale);
    await this.#recordBoards(watched);
    const games = withBoardStatuses(reference.games, watched);
    const byId = new Map(games.map((game) => [game.gameId as string, game]));
    const finals = watched
      .map((game) => byId.get(game.gameId))
      .filter((game) => game?.status === GAME_STATUS.final)
      .map((game) => game?.gameId as GameId);
    const current = { ...reference, games };
    await recordFinals(pool, finals, now);

    const perGame = this.#perGameNames;
    const pending = this.#idle(await gamesToLoad(pool, perGame, finals, FAILED_RETRY_MINUTES));
    if (pending.length > 0) {
      logger.info({ games: pending.length }, 'ingesting games that turned final');
      await this.#ingest(current, pending, { refetch: false, mode: 'daemon' });
    }
    // Failed loads count as left here, however recently they failed.
    const left = await gamesToLoad(pool, perGame, finals, 0);
    const done = await markIngested(
      pool,
      finals.filter((id) => !left.includes(id)),
    );
    if (done.length > 0) this.#status.lastFinalIngestedAt = new Date();
    this.#status.gamesPending = left.length + this.#missed;
    const live = watched.filter((game) => byId.get(game.gameId)?.status === GAME_STATUS.live);
    this.#status.gamesLive = live.length;
    this.#startBackground(() => this.#backgroundWork(current, { finals, watched, byId, today, now }));
    return this.#nextDelay(watched, byId);
  }

  /** The scoreboards' statuses, scores and postponements in `nba.games`, for the games that changed. */
  async #recordBoards(watched: readonly BoardGame[]): Promise<void> {
    const changed = boardRows(watched, this.#options.leagueId)
      .map((row) => ({ row, id: String(row[0]), text: JSON.stringify(row) }))
      .filter(({ id, text }) => this.#boardRowsWritten.get(id) !== text);
    if (changed.length === 0) return;
    await writeBatch(this.#deps.pool, { spec: gamesTable, rows: changed.map(({ row }) => row) });
    for (const { id, text } of changed) this.#boardRowsWritten.set(id, text);
  }

  /** The scoreboards of `dates`; their calls go to the ledger like every other call. */
  async #boards(dates: readonly string[]): Promise<BoardGame[]> {
    const records: CallRecord[] = [];
    try {
      const boards = await Promise.all(
        dates.map((gameDate) =>
          fetchJson(
            this.#deps.policy,
            '/api/scores/scoreboard/date',
            { leagueId: this.#options.leagueId, gameDate },
            scoreboardSchema,
            records,
            this.#stopped,
          ),
        ),
      );
      for (const board of boards) this.#clock.observe(board.date);
      return boards.flatMap((board) => boardGames(board.value));
    } finally {
      await writeRecords(this.#deps.pool, {
        ledger: records.map((record) => toLedgerRow(record, 'scoreboard', null)),
        // Unwritable only when the database is what failed, which the poll reports.
      }).catch(() => undefined);
    }
  }

  /** The season's schedule, read again when it is old, misses a game, or a game looks stuck live. */
  async #seasonReference(
    season: string,
    watched: readonly BoardGame[],
    stale: readonly BoardGame[],
  ): Promise<WatchedSeason> {
    const known = this.#reference;
    const ageMs = known ? this.#clock.now().getTime() - known.readAt : Infinity;
    const ids = new Set(known?.games.map((game) => game.gameId as string));
    // A game the schedule does not list, or one stuck live, asks for one read, not one per poll.
    const unknown = watched.filter((game) => !ids.has(game.gameId) && !this.#rechecked.has(game.gameId));
    const stuckLive = stale.filter((game) => !this.#rechecked.has(game.gameId));
    if (
      known &&
      known.season === season &&
      ageMs < SCHEDULE_MAX_AGE_MS &&
      unknown.length + stuckLive.length === 0
    )
      return known;
    for (const game of [...unknown, ...stuckLive]) this.#rechecked.add(game.gameId);
    const reference = await loadReference(
      { leagueId: this.#options.leagueId, season, seasonType: 'Regular Season' },
      { ...this.#deps, signal: this.#stopped },
      { write: true, runId: null },
    );
    this.#deps.logger.info(
      {
        season,
        games: reference.games.length,
        reason: !known
          ? 'start'
          : known.season !== season
            ? 'new season'
            : unknown.length > 0
              ? 'unknown game'
              : stuckLive.length > 0
                ? 'game live too long'
                : 'age',
      },
      'schedule read',
    );
    this.#reference = { ...reference, season, readAt: this.#clock.now().getTime() };
    return this.#reference;
  }

  /**
   * Final games of the season that the scoreboards no longer show and that are not loaded: the
   * daemon was down, or started mid-season. A batch at a time, the latest first. They are past
   * their settle intervals: no re-fetch is planned. Answers whether it loaded any.
   */
  async #catchUp(reference: WatchedSeason, watchedFinals: readonly GameId[]): Promise<boolean> {
    const watched = new Set<string>(watchedFinals);
    const older = reference.games
      .filter((game) => game.status === GAME_STATUS.final && !watched.has(game.gameId))
      .map((game) => game.gameId);
    const perGame = this.#perGameNames;
    const missed = new Set(await gamesToLoad(this.#deps.pool, perGame, older, FAILED_RETRY_MINUTES));
    this.#missed = missed.size;
    const batch = this.#idle(older.filter((id) => missed.has(id))).slice(-CATCH_UP_GAMES_PER_CYCLE);
    if (batch.length === 0) return false;
    this.#deps.logger.info({ games: batch.length, missed: missed.size }, 'catching up on finals not loaded');
    await this.#ingest(reference, batch, { refetch: false, mode: 'daemon_catch_up', background: true });
    return true;
  }

  /**
   * One backfill per season type of the games (a Query Tool call carries one SeasonType); the games
   * are busy meanwhile, so the other lane leaves them alone. Answers whether every run succeeded: a
   * re-fetch that failed for a game or was cut short is not a re-fetch done.
   */
  async #ingest(
    reference: WatchedSeason,
    gameIds: readonly GameId[],
    run: { readonly refetch: boolean; readonly mode: string; readonly background?: boolean },
  ): Promise<boolean> {
    const bySeasonType = new Map<string, GameId[]>();
    for (const id of gameIds) {
      const type = seasonTypeOf(id);
      const ids = bySeasonType.get(type);
      if (ids) ids.push(id);
      else bySeasonType.set(type, [id]);
    }
    for (const id of gameIds) this.#busy.add(id);
    try {
      for (const [seasonType, ids] of bySeasonType) {
        if (this.#stopped.aborted) return false;
        const summary = await this.#run(reference, {
          seasonType,
          datasets: this.#options.perGame,
          gameIds: ids,
          fullRefresh: run.refetch,
          mode: run.mode,
          background: run.background ?? false,
        });
        if (summary.outcome !== 'succeeded') return false;
      }
      return true;
    } finally {
      for (const id of gameIds) this.#busy.delete(id);
    }
  }

  /** The games no run of the other lane is loading right now. */
  #idle(gameIds: readonly string[]): GameId[] {
    return gameIds.filter((id) => !this.#busy.has(id)) as GameId[];
  }

  /**
   * Re-fetches, catch-up and season-wide pulls run beside the polls, one job at a time, so that a
   * new final never waits for them. Stopping waits for the job in flight (`drain`).
   */
  #startBackground(work: () => Promise<void>): void {
    if (this.#background || this.#stopped.aborted) return;
    this.#background = work()
      .catch((error: unknown) => {
        this.#deps.logger.error(
          { err: error instanceof Error ? error.message : String(error) },
          'background work failed',
        );
      })
      .finally(() => {
        this.#background = undefined;
      });
  }

  /** Waits for the background job in flight, if any. */
  async drain(): Promise<void> {
    await this.#background;
  }

  /**
   * The next background job: missed finals first, then settle re-fetches, then season-wide pulls.
   * A game with no rows at all comes before a correction of one that has them: a daemon that fell
   * behind (a hung call, a busy host) lets finals leave the boards, and re-fetches due for every
   * game it did load would otherwise hold them back a whole batch of runs.
   */
  async #backgroundWork(
    reference: WatchedSeason,
    poll: {
      readonly finals: readonly GameId[];
      readonly watched: readonly BoardGame[];
      readonly byId: ReadonlyMap<string, { status: number }>;
      readonly today: string;
      readonly now: Date;
    },
  ): Promise<void> {
    const { pool, logger } = this.#deps;
    if (await this.#catchUp(reference, poll.finals)) return;
    const due = await refetchesDue(pool, this.#options.settleMs, poll.now, FAILED_RETRY_MINUTES);
    const dueKnown = this.#idle(due.map((entry) => entry.gameId).filter((id) => poll.byId.has(id)));
    if (dueKnown.length > 0) {
      logger.info({ games: dueKnown.length }, 'settle re-fetch for stat corrections');
      const completed = await this.#ingest(reference, dueKnown, {
        refetch: true,
        mode: 'daemon_refetch',
        background: true,
      });
      if (completed) await markRefetched(pool, dueKnown, this.#options.settleMs, poll.now);
      else await markRefetchTried(pool, dueKnown);
      return;
    }
    await this.#seasonWide(reference, poll.watched, poll.byId, poll.today);
  }

  /**
   * Season lineups and aggregates: once a league day, when no watched game is live and every game
   * of the previous day is final or called off. Coverage keeps a repeat within the day free.
   */
  async #seasonWide(
    reference: WatchedSeason,
    watched: readonly BoardGame[],
    byId: ReadonlyMap<string, { status: number }>,
    today: string,
  ): Promise<void> {
    if (this.#options.seasonWide.length === 0 || this.#seasonWideDay === today || this.#stopped.aborted)
      return;
    const statusOf = (game: BoardGame) => byId.get(game.gameId)?.status ?? game.status;
    const nightOver = watched.every(
      (game) =>
        statusOf(game) !== GAME_STATUS.live &&
        (game.gameDate === today || statusOf(game) === GAME_STATUS.final || isCalledOff(game)),
    );
    if (!nightOver) return;
    const seasonTypes = new Set(
      reference.games.filter((game) => game.status === GAME_STATUS.final).map((game) => game.seasonType),
    );
    for (const seasonType of seasonTypes) {
      if (this.#stopped.aborted) return;
      await this.#run(reference, {
        seasonType,
        datasets: this.#options.seasonWide,
        fullRefresh: false,
        mode: 'daemon_season_wide',
        background: true,
      });
    }
    if (!this.#stopped.aborted) this.#seasonWideDay = today;
  }

  /** One backfill run with the daemon's settings, reference and planner; told to `onRun`. */
  async #run(
    reference: WatchedSeason,
    run: Pick<BackfillOptions, 'seasonType' | 'datasets' | 'gameIds' | 'fullRefresh'> & {
      mode: string;
      background: boolean;
    },
  ): Promise<BackfillSummary> {
    const { mode, background, ...selection } = run;
    const { legacyConcurrency } = this.#options.ingest;
    const summary = await backfill(
      {
        ...this.#options.ingest,
        // Beside the polls' runs, a background run keeps to a few connections and calls.
        legacyConcurrency: background
          ? Math.min(legacyConcurrency ?? BACKGROUND_LEGACY_CONCURRENCY, BACKGROUND_LEGACY_CONCURRENCY)
          : legacyConcurrency,
        ...selection,
        leagueId: this.#options.leagueId,
        season: reference.season,
        dryRun: false,
      },
      {
        pool: this.#deps.pool,
        policy: this.#deps.policy,
        logger: this.#deps.logger,
        signal: this.#stopped,
        reference,
        planner: this.#planner,
        mode,
      },
    );
    this.#deps.onRun?.(summary);
    return summary;
  }

  /** Poll fast while a game is live, slower while games are only scheduled, slowest on empty days. */
  #nextDelay(watched: readonly BoardGame[], byId: ReadonlyMap<string, { status: number }>): number {
    const { pollMs } = this.#options;
    const statuses = watched.map((game) =>
      isCalledOff(game) ? 0 : (byId.get(game.gameId)?.status ?? game.status),
    );
    if (statuses.includes(GAME_STATUS.live)) return pollMs;
    if (statuses.includes(GAME_STATUS.scheduled)) return Math.max(pollMs, Math.min(pollMs * 2, 5 * 60_000));
    return Math.max(pollMs, Math.min(pollMs * 10, 15 * 60_000));
  }
}

type WatchedSeason = SeasonReference & { readonly season: string };

/** The season being played: of the scoreboards' games (a new season shows up there first), else of the date. */
function seasonOf(boards: readonly BoardGame[], today: string): string {
  const seasons = boards.map((game) => seasonOfGameId(game.gameId)).sort();
  return seasons.at(-1) ?? seasonOfDate(today);
}
