// The soak: `nba-ingest daemon` as a real child process over simulated days on the replica's virtual
// clock, with faults in a share of upstream calls. Its memory is read from /proc as each virtual day
// ends; at the end every final game of those days must be ingested and `verify` must pass.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { FAULT_KINDS, type FaultKind } from '../replica/server/faults.ts';
import type { Replica } from '../replica/server.ts';
import { gamesToLoad } from '../src/sinks/coverage.ts';
import { DATASETS } from '../src/streams/datasets.ts';
import { addDays } from '../src/streams/leagueDay.ts';
import { verify } from '../src/streams/verify.ts';
import { easternInstant, firstGameDays, PER_GAME, spawnDaemon } from '../test/support/daemon.ts';
import { createTestDatabase } from '../test/support/database.ts';
import { startTestReplica, testSkeleton } from '../test/support/pipeline.ts';

export interface SoakOptions {
  /** Simulated days, each from noon ET, starting on the season's first game day (default 30). */
  readonly days?: number;
  /** Virtual seconds per real second (default 1800: 30 days in 24 minutes). */
  readonly speed?: number;
  /** Share of upstream calls that get a fault, over every kind of FAULT_KINDS (default 0.05). */
  readonly faultRate?: number;
  /** The daemon's `--poll`, in real time (default 1s: half an hour of virtual time at 1800×). */
  readonly poll?: string;
  /** Real milliseconds between two reads of the daemon's memory (default 1000). */
  readonly sampleMs?: number;
  /** The replica's cost of a call, in real milliseconds (default 10). */
  readonly latencyMs?: number;
  /** After the last day, how long the daemon may take to finish what is due (default 6 min, real). */
  readonly drainTimeoutMs?: number;
  readonly seed?: number;
  /** Leave the database in place (for a look afterwards) and answer its name in the figures. */
  readonly keepDatabase?: boolean;
  /** Told a line as each virtual day ends (progress of a long run). */
  readonly progress?: (line: string) => void;
}

/** The daemon's memory at the end of a virtual day. */
export interface DayMemory {
  readonly day: number;
  /** Peak resident set so far (VmHWM) and resident set now (VmRSS), kB. */
  readonly peakRssKb: number;
  readonly rssKb: number;
  /** Highest VmRSS sampled during the day, kB. */
  readonly maxRssKb: number;
  /** V8 heap in use at the day's end, from the daemon's /metrics (null when it did not answer). */
  readonly heapUsedKb: number | null;
  /**
   * Lowest heap in use sampled during the day: what is left after collections, the floor that a
   * leak raises day after day (the peak moves with the day's load).
   */
  readonly minHeapUsedKb: number | null;
}

export interface SoakFigures {
  readonly days: number;
  readonly speed: number;
  readonly faultRate: number;
  /** Fault rates the replica was given, by kind. */
  readonly faultRates: Partial<Record<FaultKind, number>>;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly wallSeconds: number;
  readonly memory: readonly DayMemory[];
  /** Final games of the window (the replica's skeleton) and how many every per-game dataset holds. */
  readonly gamesFinal: number;
  readonly gamesIngested: number;
  /**
   * Of those, the games the daemon saw final on a scoreboard and recorded as ingested
   * (nba_ingest.finals); the others it caught up on after they had left the boards.
   */
  readonly gamesSeenFinal: number;
  /** Final games of the window some per-game dataset does not hold (up to 10). */
  readonly missing: readonly string[];
  /** Real seconds from a game turning final upstream to its last dataset committed (games seen final). */
  readonly ingestSeconds: { readonly p50: number; readonly p95: number; readonly max: number };
  /** Real seconds after the last day ended until everything due was loaded (null: never, in time). */
  readonly drainSeconds: number | null;
  readonly upstreamCalls: number;
  readonly faults: Partial<Record<FaultKind, number>>;
  /** Ledger rows by action (accepted, retry, wait_retry, split, failed, unavailable). */
  readonly ledgerActions: Record<string, number>;
  readonly runs: Record<string, number>;
  /** verify at the end: passed, and the checks that failed. */
  readonly verifyPassed: boolean;
  readonly verifyFailed: readonly string[];
  /** The daemon's exit code after SIGTERM, and how long it took to exit. */
  readonly exitCode: number | null;
  readonly stopMs: number;
  /** Log lines at error or fatal, and the last of them (up to 5). */
  readonly errorLines: number;
  readonly lastErrors: readonly string[];
}

const DAY_MS = 86_400_000;
/** Time for the daemon to start (tsx, migrations, the schedule) fits in the morning before tip-off. */
const DAY_STARTS_AT = '12:00:00';
/** Heap figures come from /metrics, read once every this many memory samples. */
const HEAP_SAMPLE_EVERY = 5;

/**
 * Kinds that only the client's timeouts end (60 s without headers, 30 s of a stalled body: the CLI
 * has no flag for them). At 1800× a minute is 30 virtual hours, so at full weight the month would
 * be mostly hung calls: they get a tenth of a kind's share, a handful of hangs a month.
 */
const TIMEOUT_KINDS: ReadonlySet<string> = new Set(['hang', 'stalledBody']);
const TIMEOUT_KIND_WEIGHT = 0.1;

/** `rate` shared over every fault kind, the timeout kinds at a tenth of the others' share. */
function soakFaultRates(rate: number): Partial<Record<FaultKind, number>> {
  const weight = (kind: string) => (TIMEOUT_KINDS.has(kind) ? TIMEOUT_KIND_WEIGHT : 1);
  const total = FAULT_KINDS.reduce((sum, kind) => sum + weight(kind), 0);
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, (rate * weight(kind)) / total]));
}

export async function runSoak(options: SoakOptions = {}): Promise<SoakFigures> {
  const days = options.days ?? 30;
  const speed = options.speed ?? 1800;
  const faultRate = options.faultRate ?? 0.05;
  const skeleton = testSkeleton();
  const [firstDay] = firstGameDays(skeleton, 1);
  if (!firstDay) throw new Error('the season has no final games');
  const lastDay = addDays(firstDay, days - 1);
  const inWindow = (date: string) => date >= firstDay && date <= lastDay;
  const finals = skeleton.games
    .filter((game) => game.status === 3 && inWindow(game.date))
    .map((game) => game.id);
  const faultRates = soakFaultRates(faultRate);
  const started = Date.now();

  const db = await createTestDatabase();
  let replica: Replica | undefined;
  let daemon: DaemonProcess | undefined;
  options.progress?.(`database ${db.name}${options.keepDatabase ? ' (kept)' : ''}`);
  try {
    const start = new Date(easternInstant(firstDay, DAY_STARTS_AT));
    replica = await startTestReplica({
      clock: { start: start.toISOString(), speed },
      // Hustle feeds published at once: the daemon asks an unpublished game again after 60 minutes
      // of the database's (real) time, which at this speed is months of the replica's.
      hustleUnavailableDays: 0,
      latency: { baseMs: options.latencyMs ?? 10, perRowUs: 0 },
      faults: { '*': { rates: faultRates, seed: options.seed ?? 6 } },
    });
    // The season ends with the window: no game after it goes live, so the end state is still.
    for (const game of skeleton.games) if (game.date > lastDay) replica.postpone(game.id);
    const clock = replica.clock;
    if (!clock) throw new Error('the replica runs without a clock');

    daemon = spawnWatchedDaemon(db.url, replica, ['--poll', options.poll ?? '1s', '--http', '127.0.0.1:0']);
    const memory = await watchDays(daemon, {
      days,
      dayEndWall: (day) => clock.wallTimeOf(new Date(start.getTime() + day * DAY_MS)),
      sampleMs: options.sampleMs ?? 1000,
      progress: options.progress,
      pool: db.pool,
      finalsBy: (day) => {
        const through = addDays(firstDay, day - 1);
        return skeleton.games
          .filter((game) => game.status === 3 && game.date >= firstDay && game.date <= through)
          .map((game) => game.id);
      },
    });

    const lastDayEnded = Date.now();
    const drained = await drain(db.pool, finals, options.drainTimeoutMs ?? 360_000, daemon);
    const drainSeconds = drained ? (Date.now() - lastDayEnded) / 1000 : null;
    const signalled = Date.now();
    daemon.child.kill('SIGTERM');
    const exitCode = await daemon.exit;
    const stopMs = Date.now() - signalled;

    const report = await verify(db.pool, {
      season: '2025-26',
      seasonType: 'Regular Season',
      datasets: [...DATASETS.values()],
    });
    const missing = await gamesToLoad(db.pool, PER_GAME, finals, 0);
    const stats = replica.stats();
    return {
      days,
      speed,
      faultRate,
      faultRates,
      firstDay,
      lastDay,
      wallSeconds: (Date.now() - started) / 1000,
      memory,
      gamesFinal: finals.length,
      gamesIngested: finals.length - missing.length,
      gamesSeenFinal: await ingestedCount(db.pool, finals),
      missing: missing.slice(0, 10),
      ingestSeconds: await ingestSeconds(db.pool, finals, (id) => {
        const finalAt = clock.finalAt(id);
        return finalAt ? clock.wallTimeOf(finalAt) : undefined;
      }),
      drainSeconds,
      upstreamCalls: stats.requests,
      faults: stats.faults,
      ledgerActions: await countBy(
        db.pool,
        'SELECT action AS key, count(*)::int AS n FROM nba_ingest.requests GROUP BY 1',
      ),
      runs: await countBy(
        db.pool,
        'SELECT outcome AS key, count(*)::int AS n FROM nba_ingest.runs GROUP BY 1',
      ),
      verifyPassed: report.passed,
      verifyFailed: report.checks
        .filter((check) => check.status === 'fail')
        .map((check) => `${check.name}: ${check.value}`),
      exitCode,
      stopMs,
      errorLines: daemon.errorLines(),
      lastErrors: daemon.lastErrors(),
    };
  } finally {
    if (daemon && daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill('SIGKILL');
      await daemon.exit;
    }
    await replica?.close();
    if (options.keepDatabase) await db.pool.end();
    else await db.drop();
  }
}

interface DaemonProcess {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  /** The /healthz and /metrics address, once the daemon has logged it. */
  statusUrl(): string | undefined;
  errorLines(): number;
  lastErrors(): string[];
}

/**
 * The CLI's daemon as a child process. Its log (one line per call: tens of megabytes over a month)
 * is read line by line and dropped, keeping the status server's address and the lines at error and above.
 */
function spawnWatchedDaemon(databaseUrl: string, replica: Replica, args: readonly string[]): DaemonProcess {
  let url: string | undefined;
  let errors = 0;
  const last: string[] = [];
  const onLine = (line: string) => {
    const level = Number(/"level":(\d+)/.exec(line)?.[1] ?? 0);
    if (level >= 50 || !line.startsWith('{')) {
      errors += 1;
      last.push(line.slice(0, 500));
      if (last.length > 5) last.shift();
    }
    url ??= /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"serving \/healthz/.exec(line)?.[1];
  };
  const { child, exit } = spawnDaemon(databaseUrl, replica, args, { onLine, keepLog: 0 });
  return { child, exit, statusUrl: () => url, errorLines: () => errors, lastErrors: () => [...last] };
}

/** Samples the daemon's memory until the last day ends; answers each day's figures. */
async function watchDays(
  daemon: DaemonProcess,
  watch: {
    readonly days: number;
    readonly dayEndWall: (day: number) => number;
    readonly sampleMs: number;
    readonly progress: ((line: string) => void) | undefined;
    readonly pool: pg.Pool;
    /** The final games of the window's first `day` days. */
    readonly finalsBy: (day: number) => readonly string[];
  },
): Promise<DayMemory[]> {
  const pid = daemon.child.pid;
  if (pid === undefined) throw new Error('the daemon did not start');
  const memory: DayMemory[] = [];
  for (let day = 1; day <= watch.days; day += 1) {
    const end = watch.dayEndWall(day);
    let maxRssKb = 0;
    let minHeapUsedKb: number | null = null;
    for (let sample = 0; ; sample += 1) {
      if (daemon.child.exitCode !== null || daemon.child.signalCode !== null)
        throw new Error(
          `the daemon exited (${daemon.child.exitCode ?? daemon.child.signalCode}) on day ${day}`,
        );
      maxRssKb = Math.max(maxRssKb, processMemory(pid).rssKb);
      if (sample % HEAP_SAMPLE_EVERY === 0) {
        const heap = await heapUsedKb(daemon.statusUrl());
        if (heap !== null) minHeapUsedKb = Math.min(minHeapUsedKb ?? heap, heap);
      }
      const left = end - Date.now();
      if (left <= 0) break;
      await sleep(Math.min(left, watch.sampleMs));
    }
    const now = processMemory(pid);
    const figures: DayMemory = {
      day,
      ...now,
      maxRssKb: Math.max(maxRssKb, now.rssKb),
      heapUsedKb: await heapUsedKb(daemon.statusUrl()),
      minHeapUsedKb,
    };
    memory.push(figures);
    watch.progress?.(
      `day ${day}: VmHWM ${mb(figures.peakRssKb)} VmRSS ${mb(figures.rssKb)} heap ${mbOrDash(figures.heapUsedKb)} ` +
        `(floor ${mbOrDash(figures.minHeapUsedKb)}); ` +
        `${watch.finalsBy(day).length - (await gamesToLoad(watch.pool, PER_GAME, watch.finalsBy(day), 0)).length}` +
        ` of ${watch.finalsBy(day).length} final games ingested`,
    );
  }
  return memory;
}

/** VmHWM and VmRSS of a process, kB. */
function processMemory(pid: number): { peakRssKb: number; rssKb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssKb: kb('VmHWM'), rssKb: kb('VmRSS') };
}

async function heapUsedKb(url: string | undefined): Promise<number | null> {
  if (!url) return null;
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const bytes = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text)?.[1];
    return bytes === undefined ? null : Math.round(Number(bytes) / 1024);
  } catch {
    return null;
  }
}

/**
 * Waits until every final of the window is in every per-game dataset and verify passes (the
 * season-wide pulls included), or `timeoutMs`: a load that failed is asked again 5 minutes later.
 */
async function drain(
  pool: pg.Pool,
  finals: readonly string[],
  timeoutMs: number,
  daemon: DaemonProcess,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const datasets = [...DATASETS.values()];
  while (Date.now() < deadline && daemon.child.exitCode === null) {
    if (
      (await gamesToLoad(pool, PER_GAME, finals, 0)).length === 0 &&
      (await verify(pool, { season: '2025-26', seasonType: 'Regular Season', datasets })).passed
    )
      return true;
    await sleep(2_000);
  }
  return false;
}

/** Finals the daemon recorded as fully ingested, among `gameIds`. */
async function ingestedCount(pool: pg.Pool, gameIds: readonly string[]): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nba_ingest.finals
     WHERE ingested_at IS NOT NULL AND game_id = ANY($1::text[])`,
    [gameIds],
  );
  return rows[0]?.n ?? 0;
}

async function ingestSeconds(
  pool: pg.Pool,
  finals: readonly string[],
  finalWallMs: (gameId: string) => number | undefined,
): Promise<SoakFigures['ingestSeconds']> {
  const { rows } = await pool.query<{ game_id: string; ingested_at: Date }>(
    'SELECT game_id, ingested_at FROM nba_ingest.finals WHERE ingested_at IS NOT NULL AND game_id = ANY($1::text[])',
    [finals],
  );
  const seconds = rows
    .map((row) => {
      const finalAt = finalWallMs(row.game_id);
      return finalAt === undefined ? undefined : (row.ingested_at.getTime() - finalAt) / 1000;
    })
    .filter((value) => value !== undefined)
    .sort((a, b) => a - b);
  const at = (q: number) => seconds[Math.min(seconds.length - 1, Math.floor(q * seconds.length))] ?? 0;
  return { p50: round1(at(0.5)), p95: round1(at(0.95)), max: round1(seconds.at(-1) ?? 0) };
}

async function countBy(pool: pg.Pool, sql: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ key: string; n: number }>(sql);
  return Object.fromEntries(rows.map((row) => [row.key, row.n]));
}

const round1 = (value: number) => Math.round(value * 10) / 10;
const mb = (kb: number) => `${(kb / 1024).toFixed(1)} MB`;
const mbOrDash = (kb: number | null) => (kb === null ? '-' : mb(kb));
const counts = (record: Record<string, number | undefined>) =>
  Object.entries(record)
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';

/**
 * The mean lowest heap in use of days 6-10 (after the first days' warm-up) and of the last 5 days:
 * what a leak raises day after day, where peaks follow each day's load. Null below 15 days.
 */
function heapFloorGrowth(memory: readonly DayMemory[]): { early: number; last: number } | null {
  if (memory.length < 15) return null;
  const mean = (days: readonly DayMemory[]) => {
    const floors = days.map((day) => day.minHeapUsedKb).filter((kb): kb is number => kb !== null);
    return floors.length === 0 ? null : floors.reduce((sum, kb) => sum + kb, 0) / floors.length;
  };
  const early = mean(memory.slice(5, 10));
  const last = mean(memory.slice(-5));
  return early === null || last === null ? null : { early, last };
}

/** What must not be after the soak: a final game missing, verify failing, an unclean stop. */
export function soakProblems(figures: SoakFigures): string[] {
  const problems: string[] = [];
  if (figures.gamesIngested !== figures.gamesFinal)
    problems.push(
      `${figures.gamesIngested} of ${figures.gamesFinal} final games ingested: ${figures.missing.join(', ')}`,
    );
  if (!figures.verifyPassed) problems.push(`verify fails ${figures.verifyFailed.join('; ')}`);
  if (figures.exitCode !== 0) problems.push(`SIGTERM ended the daemon with exit ${figures.exitCode}`);
  if (Object.values(figures.faults).every((n) => !n)) problems.push('no fault was injected');
  if (figures.memory.length !== figures.days)
    problems.push(`memory read on ${figures.memory.length} of ${figures.days} days`);
  const growth = heapFloorGrowth(figures.memory);
  if (growth !== null && growth.last > growth.early * 1.5 + 8 * 1024)
    problems.push(
      `the heap floor grew from ${Math.round(growth.early / 1024)} MB (days 6-10) to ${Math.round(growth.last / 1024)} MB (last 5 days): a leak`,
    );
  return problems;
}

/** A short table: memory on day 1, on the days between and on the last day; then what was loaded. */
export function reportSoak(figures: SoakFigures): string {
  const shown = figures.memory.filter(
    (day, index) => index === 0 || day.day % 5 === 0 || index === figures.memory.length - 1,
  );
  const lines = [
    `soak: ${figures.days} virtual days (${figures.firstDay} .. ${figures.lastDay}) at ${figures.speed}x, ` +
      `${(figures.faultRate * 100).toFixed(1)}% faults, ${Math.round(figures.wallSeconds)} s wall`,
    'day   VmHWM (peak)   VmRSS now   RSS max of day   heap now   heap floor of day',
    ...shown.map(
      (day) =>
        `${String(day.day).padStart(3)}   ${mb(day.peakRssKb).padStart(12)}   ${mb(day.rssKb).padStart(9)}   ` +
        `${mb(day.maxRssKb).padStart(14)}   ${mbOrDash(day.heapUsedKb).padStart(8)}   ${mbOrDash(day.minHeapUsedKb).padStart(17)}`,
    ),
    `games final ${figures.gamesFinal}, ingested ${figures.gamesIngested} ` +
      `(${figures.gamesSeenFinal} seen final on a scoreboard, the others caught up on)` +
      (figures.missing.length > 0 ? `, missing ${figures.missing.join(' ')}` : ''),
    `seen final -> ingested (real s): p50 ${figures.ingestSeconds.p50}, p95 ${figures.ingestSeconds.p95}, max ${figures.ingestSeconds.max}; ` +
      `drained ${figures.drainSeconds === null ? 'NOT in time' : `${figures.drainSeconds.toFixed(1)} s`} after the last day`,
    `upstream calls ${figures.upstreamCalls}; faults injected: ${counts(figures.faults)}`,
    `ledger actions: ${counts(figures.ledgerActions)}; runs: ${counts(figures.runs)}`,
    `verify ${figures.verifyPassed ? 'passed' : `FAILED: ${figures.verifyFailed.join('; ')}`}; ` +
      `SIGTERM -> exit ${figures.exitCode} in ${figures.stopMs} ms; error log lines ${figures.errorLines}`,
    ...figures.lastErrors.map((line) => `  ${line}`),
  ];
  return lines.join('\n');
}
