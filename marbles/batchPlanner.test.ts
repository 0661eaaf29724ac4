// The batch planner: the documented EWMA, convergence after a truncation, the cost limit learned
// from 504s, the URI budget, the fixed policy; and lazy planning under concurrency in virtual time,
// through splitOnTruncation and one shared TokenBucket, as the generic stream composes them.
import test from 'ava';
import pino from 'pino';
import { defer, map, type Observable, tap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { mergeOnDemand } from '../src/operators/mergeOnDemand.ts';
import { rateLimit } from '../src/operators/rateLimit.ts';
import { type BatchOutcome, splitOnTruncation } from '../src/operators/splitOnTruncation.ts';
import { TokenBucket } from '../src/operators/tokenBucket.ts';
import { HttpClient } from '../src/sources/httpClient.ts';
import { QueryToolSource } from '../src/sources/queryTool.ts';
import type { CallRecord } from '../src/sources/upstreamCall.ts';
import {
  BatchPlanner,
  chunkLimit,
  DEFAULT_PLANNER_SETTINGS,
  feedbackOf,
  type KeyEstimate,
  learn,
  type PlannedCall,
  type PlannerFeedback,
  type PlannerState,
  planBatch,
  withSeeds,
} from '../src/streams/batchPlanner.ts';
import { shotChart } from '../src/streams/shotChart.ts';

const SETTINGS = { ...DEFAULT_PLANNER_SETTINGS, threshold: 9_900 };
const FG = '/api/querytool/event/player FieldGoals';
const TS = '/api/querytool/event/player TrackingShots';
const calls = (rowsPerGame = 180): PlannedCall[] => [
  { key: FG, rowsPerGame },
  { key: TS, rowsPerGame },
];
const plan = (state: PlannerState, remaining = 10_000, maxGameIds = 1_000) =>
  planBatch(state, SETTINGS, { calls: calls(), remaining, maxGameIds });
const learnAll = (state: PlannerState, feedback: readonly PlannerFeedback[]) =>
  feedback.reduce((next, item) => learn(next, SETTINGS, item), state);
const accepted = (key: string, games: number, rows: number): PlannerFeedback => ({
  type: 'accepted',
  key,
  games,
  rows,
});
const estimate = (state: PlannerState, key = FG) => state.get(key) as KeyEstimate;

test('an accepted response moves the estimate by alpha 0.3 of its rows per game', (t) => {
  let state = withSeeds(new Map(), calls(180));
  state = learn(state, SETTINGS, accepted(FG, 50, 8_873));
  // 0.3 · 8873/50 + 0.7 · 180 = 0.3 · 177.46 + 126
  t.is(estimate(state).rowsPerGame, 179.238);
  state = learn(state, SETTINGS, accepted(FG, 53, 9_447));
  t.is(
    Number(estimate(state).rowsPerGame.toFixed(6)),
    Number((0.3 * (9_447 / 53) + 0.7 * 179.238).toFixed(6)),
  );
  t.is(Number(estimate(state).rowsPerGame.toFixed(4)), 178.9402);
  t.is(estimate(state).responses, 2);
  t.is(estimate(state, TS).rowsPerGame, 180, 'each (endpoint, measure) learns on its own');
});

test('from the seed of 180 the real season of 844 games is planned as batches of 53, the floor of 16', (t) => {
  const state = withSeeds(new Map(), calls(180));
  // ⌊0.97 · 9900 / 180⌋ = 53 games at most; 844 games need 16 such batches, spread as 53 (52.75 up).
  t.deepEqual(plan(state, 844), { games: 53, bound: 'rows', limit: 53, key: FG, rowsPerGame: 180 });
  t.deepEqual(plan(state, 53), { games: 53, bound: 'remaining', limit: 53, key: FG, rowsPerGame: 180 });
  t.deepEqual(plan(state, 60), { games: 30, bound: 'rows', limit: 53, key: FG, rowsPerGame: 180 });
});

test('the call with the most rows per game binds the batch', (t) => {
  let state = withSeeds(new Map(), calls(180));
  state = learn(state, SETTINGS, accepted(TS, 40, 8_000));
  const decision = plan(state);
  t.is(decision.key, TS);
  t.is(decision.rowsPerGame, 0.3 * 200 + 0.7 * 180);
  t.is(decision.limit, Math.floor(9_603 / 186));
});

test('after a truncated response the planned sizes converge to what the accepted halves show', (t) => {
  // The seed says 100 rows per game; the truth is 200.
  let state = withSeeds(new Map(), calls(100));
  const sizes: number[] = [plan(state).games];
  t.deepEqual(sizes, [96]);
  // 96 games came back truncated at 10,000 rows: at least 104.17 per game.
  state = learn(state, SETTINGS, { type: 'truncated', key: FG, games: 96, rowsReturned: 10_000 });
  t.is(estimate(state).rowsPerGame, 10_000 / 96);
  t.is(estimate(state).truncations, 1);
  // Until a half is measured, no batch may exceed half the truncated one (92 would truncate again).
  sizes.push(plan(state).games);
  // The halves are accepted: the first replaces the estimate, later ones average in.
  state = learnAll(state, [accepted(FG, 48, 9_600), accepted(TS, 48, 9_600)]);
  t.is(estimate(state).rowsPerGame, 200);
  sizes.push(plan(state).games);
  state = learnAll(state, [accepted(FG, 48, 9_600), accepted(TS, 48, 9_600)]);
  sizes.push(plan(state).games);
  for (const games of [48, 48, 48]) {
    state = learnAll(state, [accepted(FG, games, games * 200), accepted(TS, games, games * 200)]);
    sizes.push(plan(state).games);
  }
  t.deepEqual(sizes, [96, 48, 48, 48, 48, 48, 48]);
  t.true(
    sizes.slice(1).every((games) => games * 200 < 9_900),
    'no batch after the truncation truncates',
  );
});

test('a persistent 504 lowers the call’s chunk limit to half the request, not the batch; successes raise it to 90% of what failed', (t) => {
  let state = withSeeds(new Map(), calls(20));
  t.like(plan(state), { bound: 'rows', limit: 480 });
  state = learn(state, SETTINGS, { type: 'costly', key: TS, games: 120 });
  t.like(estimate(state, TS), { costLimit: 60, costCeiling: 120 });
  t.is(chunkLimit(state, TS), 60);
  // The batch stays sized by rows: only TrackingShots is sent in chunks of at most 60 games.
  t.like(plan(state), { bound: 'rows', limit: 480, key: FG, rowsPerGame: 20 });
  t.is(chunkLimit(state, FG), Number.POSITIVE_INFINITY, 'FieldGoals did not time out');
  // Chunks of 60 time out as well: the limit halves again.
  state = learn(state, SETTINGS, { type: 'costly', key: TS, games: 60 });
  t.is(chunkLimit(state, TS), 30);

  const limits: number[] = [];
  for (let i = 0; i < 60; i += 1) {
    state = learn(state, SETTINGS, accepted(TS, 30, 600));
    limits.push(chunkLimit(state, TS));
  }
  // +10% (at least one game) after every 5 accepted responses, up to 90% of the 60 that timed out.
  t.deepEqual([...new Set(limits)], [30, 33, 36, 39, 42, 46, 50, 54]);
});

test('the URI budget caps the batch size when rows would allow more', (t) => {
  const state = withSeeds(new Map(), calls(10));
  t.deepEqual(plan(state, 2_900, 290), { games: 290, bound: 'uri', limit: 290, key: FG, rowsPerGame: 10 });
  t.like(plan(state, 9_600, 2_000), { games: 960, bound: 'rows', limit: 960 });
});

test('the source answers how many 10-digit ids fit 3,400 bytes of request target, exactly', (t) => {
  const http = new HttpClient({ baseUrl: 'https://api.nba.com/v0', apiKey: 'k' });
  t.teardown(() => http.close());
  const source = new QueryToolSource({
    policy: {
      http,
      bucket: new TokenBucket({ ratePerSecond: 1, burst: 1 }),
      retry: { maxAttempts: 1, maxCostlyAttempts: 1, maxThrottledAttempts: 1 },
      logger: pino({ level: 'silent' }),
    },
    scope: { LeagueId: '00', SeasonYear: '2025-26', SeasonType: 'Regular Season' },
    maxRowsReturned: 10_000,
  });
  const max = source.maxGameIds(shotChart.calls, 3_400);
  const ids = (count: number) =>
    Array.from({ length: count }, (_, i) => String(22_500_001 + i).padStart(10, '0'));
  t.is(max, 291);
  for (const call of shotChart.calls) {
    t.true(source.requestTargetLength(call, ids(max)) <= 3_400);
  }
  // The longer call (TrackingShots) no longer fits with one more id.
  t.true(Math.max(...shotChart.calls.map((call) => source.requestTargetLength(call, ids(max + 1)))) > 3_400);
});

test('the fixed policy plans consecutive batches of the fixed size; --batch-size forces it under either', (t) => {
  const sizes = (planner: BatchPlanner, games: number) => {
    const out: number[] = [];
    for (let left = games; left > 0; ) {
      const { games: size } = planner.plan({
        calls: calls(),
        remaining: left,
        maxGameIds: 285,
        fixedBatchSize: 50,
      });
      out.push(size);
      left -= size;
    }
    return out;
  };
  const fixed = new BatchPlanner({ policy: 'fixed', settings: SETTINGS });
  t.deepEqual(sizes(fixed, 844), [...Array(16).fill(50), 44]);
  const forced = new BatchPlanner({ policy: 'planner', batchSize: 400, settings: SETTINGS });
  t.deepEqual(sizes(forced, 844), [400, 400, 44]);
  const planner = new BatchPlanner({ policy: 'planner', settings: SETTINGS });
  t.deepEqual(sizes(planner, 844), Array(16).fill(53).fill(52, 12));
});

test('a fixed size never exceeds what the endpoint takes: 30 teams at --batch-size 25 go as 10, 10, 10', (t) => {
  const forced = new BatchPlanner({ policy: 'fixed', batchSize: 25, settings: SETTINGS });
  const planned: [number, string][] = [];
  for (let left = 30; left > 0; ) {
    const decision = forced.plan({
      calls: [{ key: '/api/querytool/season/lineups Base Totals', rowsPerGame: 300 }],
      remaining: left,
      maxGameIds: 10,
      idLimit: 10,
      fixedBatchSize: 10,
    });
    planned.push([decision.games, decision.bound]);
    left -= decision.games;
  }
  t.deepEqual(planned, [
    [10, 'ids'],
    [10, 'ids'],
    [10, 'remaining'],
  ]);
});

test('feedback is read from the ledger records: accepted, truncated, and 504s that split', (t) => {
  const record = (fields: Partial<CallRecord>): CallRecord => ({
    endpoint: '/api/querytool/event/player',
    measure: 'FieldGoals',
    gameCount: 40,
    batchParam: 'GameId',
    firstGameId: null,
    lastGameId: null,
    status: 200,
    rowsReturned: null,
    maxRows: 10_000,
    truncated: false,
    attempt: 1,
    errorKind: null,
    action: 'accepted',
    reason: null,
    durationMs: 1,
    requestedAt: new Date(0),
    ...fields,
  });
  const feedback = feedbackOf([
    record({ rowsReturned: 7_000 }),
    record({
      measure: 'TrackingShots',
      rowsReturned: 10_000,
      truncated: true,
      action: 'split',
      reason: 'truncated',
    }),
    record({ status: 504, errorKind: 'transient', action: 'retry', reason: 'http_504' }),
    record({ status: 504, errorKind: 'transient', action: 'split', reason: 'http_504' }),
    record({ status: 503, errorKind: 'transient', action: 'split', reason: 'http_503' }),
    record({ status: null, errorKind: 'transient', action: 'split', reason: 'headers_timeout' }),
  ]);
  t.deepEqual(feedback, [
    { type: 'accepted', key: FG, games: 40, rows: 7_000 },
    { type: 'truncated', key: TS, games: 40, rowsReturned: 10_000 },
    { type: 'costly', key: FG, games: 40 },
    { type: 'costly', key: FG, games: 40 },
  ]);
});

test('batches planned lazily under concurrency 2 share the rate limit and learn from each response', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const games = Array.from({ length: 200 }, (_, i) => `g${i + 1}`);
  const fetched: [atMs: number, games: number][] = [];
  const planned: number[] = [];
  scheduler.run(({ expectObservable }) => {
    // One host: 10 requests/s, no burst. It answers 50 ms later, 200 rows per game, capped at 10,000.
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const fetch = (batch: readonly string[]): Observable<number> =>
      defer(() => {
        fetched.push([scheduler.now(), batch.length]);
        return timer(50).pipe(map(() => Math.min(batch.length * 200, 10_000)));
      }).pipe(rateLimit(bucket));
    let state = withSeeds(new Map(), calls(180));
    let next = 0;
    const pull = () => {
      if (next >= games.length) return undefined;
      const { games: size } = plan(state, games.length - next, 285);
      planned.push(size);
      next += size;
      return games.slice(next - size, next);
    };
    const feedback = (outcome: BatchOutcome<string, number>): PlannerFeedback[] =>
      outcome.type === 'complete'
        ? [
            accepted(FG, outcome.batch.length, outcome.result),
            accepted(TS, outcome.batch.length, outcome.result),
          ]
        : outcome.type === 'split'
          ? [{ type: 'truncated', key: FG, games: outcome.batch.length, rowsReturned: outcome.result }]
          : [];
    const outcomes = mergeOnDemand({
      pull,
      project: (batch) =>
        (timer(0).pipe(map(() => batch)) as Observable<readonly string[]>).pipe(
          splitOnTruncation<string, number>({
            fetch,
            judge: (rows) =>
              rows >= 9_900 ? { action: 'split', reason: 'truncated' } : { action: 'accept' },
          }),
          tap((outcome) => {
            state = learnAll(state, feedback(outcome));
          }),
        ),
      concurrency: 2,
    });
    expectObservable(outcomes.pipe(map((o) => `${o.type[0]}${o.batch.length}`))).toBe(
      '50ms a 99ms b 99ms c 99ms d 99ms e 99ms f 99ms g 99ms h 99ms (i|)',
      {
        a: 's50',
        b: 's50',
        c: 'c25',
        d: 'c25',
        e: 'c25',
        f: 'c25',
        g: 'c34',
        h: 'c33',
        i: 'c33',
      },
    );
  });
  // Seeded at 180, the first two batches of 50 are truncated (200 per game); from then on the
  // planner knows 200 and plans at most ⌊9603 / 200⌋ = 48, spread as 34, 33, 33.
  t.deepEqual(planned, [50, 50, 34, 33, 33]);
  t.deepEqual(fetched, [
    [0, 50],
    [100, 50],
    [200, 25],
    [300, 25],
    [400, 25],
    [500, 25],
    [600, 34],
    [700, 33],
    [800, 33],
  ]);
  const gaps = fetched.slice(1).map(([at], i) => at - (fetched[i]?.[0] ?? 0));
  t.true(
    gaps.every((gap) => gap >= 100),
    'never faster than the shared 10 requests/s',
  );
});
