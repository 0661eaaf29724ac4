// Marble tests for the composed batching behaviour: each fetch of splitOnTruncation is a deferred
// request through rateLimit and retryWithBackoff, its failures caught into values, judged the way
// SPEC §4 says (truncation, 414 and persistent 504 split; 429 waits; permanent fails).
import test from 'ava';
import { catchError, defer, map, type Observable, of, tap, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { type ClassifiedError, errorKindOf, RetriesExhaustedError } from '../src/operators/errorKind.ts';
import { rateLimit } from '../src/operators/rateLimit.ts';
import { retryWithBackoff } from '../src/operators/retryWithBackoff.ts';
import { type BatchOutcome, splitOnTruncation, type Verdict } from '../src/operators/splitOnTruncation.ts';
import { TokenBucket } from '../src/operators/tokenBucket.ts';

interface Response {
  readonly rowsReturned: number;
}
/** A request's end as a value: the response, or the failure that ended its retries. */
type Step =
  | { readonly ok: true; readonly response: Response }
  | { readonly ok: false; readonly error: unknown };
type Outcome = BatchOutcome<string, Step>;
/** How the fake host answers the `call`-th request (from 1) for a batch. */
type Answer = { readonly rows: number } | { readonly error: ClassifiedError & { readonly status: number } };

const LATENCY_MS = 10;
const games = (count: number, first = 1) => Array.from({ length: count }, (_, i) => `g${first + i}`);

const judge = (step: Step): Verdict => {
  if (step.ok) {
    return step.response.rowsReturned >= 9900
      ? { action: 'split', reason: 'truncated' }
      : { action: 'accept' };
  }
  const { error } = step;
  if (errorKindOf(error) === 'size') return { action: 'split', reason: 'uri_too_long' };
  if (error instanceof RetriesExhaustedError && error.kind === 'transient') {
    return { action: 'split', reason: 'persistent_timeout' };
  }
  return { action: 'fail', reason: errorKindOf(error) };
};

/**
 * The pipeline under test, against a fake host: one bucket for the host (10 requests/s, no burst),
 * requests deferred so a retry sends again, every call logged with its virtual time.
 */
function pipeline(
  scheduler: TestScheduler,
  answer: (batch: readonly string[], call: number) => Answer,
  concurrency = 1,
) {
  const calls: [atMs: number, batch: string][] = [];
  const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
  const request = (batch: readonly string[]): Observable<Response> =>
    defer(() => {
      const key = batch.join(',');
      calls.push([scheduler.now(), key]);
      const reply = answer(batch, calls.filter(([, sent]) => sent === key).length);
      return timer(LATENCY_MS).pipe(
        map(() => {
          if ('error' in reply) throw reply.error;
          return { rowsReturned: Math.min(reply.rows, 10_000) };
        }),
      );
    });
  const fetch = (batch: readonly string[]): Observable<Step> =>
    request(batch).pipe(
      rateLimit(bucket),
      retryWithBackoff({ bucket, maxAttempts: 3, random: () => 0.5 }),
      map((response): Step => ({ ok: true, response })),
      catchError((error: unknown) => of<Step>({ ok: false, error })),
    );
  return { calls, batches: splitOnTruncation<string, Step>({ fetch, judge, maxWork: 64, concurrency }) };
}

const rows = (perGame: (game: string) => number) => (batch: readonly string[]) => ({
  rows: batch.reduce((sum, game) => sum + perGame(game), 0),
});
const ok = (rowsReturned: number): Step => ({ ok: true, response: { rowsReturned } });
const summary = (outcome: Outcome) => `${outcome.type} ${outcome.batch.length}`;

test('a 414 splits the batch and both halves complete', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const uriTooLong = { kind: 'size' as const, status: 414 };
  const { calls, batches } = pipeline(scheduler, (batch) =>
    batch.length > 4 ? { error: uriTooLong } : rows(() => 180)(batch),
  );
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: games(8) });
    expectObservable(plan.pipe(batches)).toBe('10ms a 99ms b 99ms (c|)', {
      a: {
        type: 'split',
        batch: games(8),
        result: { ok: false, error: uriTooLong },
        reason: 'uri_too_long',
        depth: 0,
        halves: [games(4), games(4, 5)],
      },
      b: { type: 'complete', batch: games(4), result: ok(720), depth: 1 },
      c: { type: 'complete', batch: games(4, 5), result: ok(720), depth: 1 },
    });
  });
  t.deepEqual(calls, [
    [0, games(8).join(',')],
    [100, games(4).join(',')],
    [200, games(4, 5).join(',')],
  ]);
});

test('a 429 with retryAfterMs 2000 waits at least 2 s and retries the same batch', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const tooManyRequests = { kind: 'throttled' as const, retryAfterMs: 2000, status: 429 };
  const { calls, batches } = pipeline(scheduler, (batch, call) =>
    call === 1 ? { error: tooManyRequests } : rows(() => 180)(batch),
  );
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: games(4) });
    expectObservable(plan.pipe(batches)).toBe('2020ms (a|)', {
      a: { type: 'complete', batch: games(4), result: ok(720), depth: 0 },
    });
  });
  t.deepEqual(calls, [
    [0, games(4).join(',')],
    [2010, games(4).join(',')],
  ]);
  const [first, second] = calls;
  t.true(
    (second?.[0] ?? 0) - ((first?.[0] ?? 0) + LATENCY_MS) >= 2000,
    'the retry waited the whole Retry-After',
  );
});

test('a 504 is retried with backoff and, when it persists, the batch is split', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const gatewayTimeout = { kind: 'transient' as const, status: 504 };
  const { calls, batches } = pipeline(scheduler, (batch) =>
    batch.length > 4 ? { error: gatewayTimeout } : rows(() => 30)(batch),
  );
  const seen: Outcome[] = [];
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: games(8) });
    const outcomes = plan.pipe(
      batches,
      tap((outcome) => seen.push(outcome)),
      map(summary),
    );
    expectObservable(outcomes).toBe('1155ms a 99ms b 99ms (c|)', {
      a: 'split 8',
      b: 'complete 4',
      c: 'complete 4',
    });
  });
  // Three attempts 375 and 750 ms apart (equal jitter, random 0.5), then the halves, 1/rate apart.
  t.deepEqual(calls, [
    [0, games(8).join(',')],
    [385, games(8).join(',')],
    [1145, games(8).join(',')],
    [1245, games(4).join(',')],
    [1345, games(4, 5).join(',')],
  ]);
  const split = seen[0];
  t.is(split?.type, 'split');
  t.is(split?.type === 'split' ? split.reason : undefined, 'persistent_timeout');
  const error = split?.result?.ok === false ? split.result.error : undefined;
  t.true(error instanceof RetriesExhaustedError);
  t.like(error, { kind: 'transient', attempts: 3, cause: gatewayTimeout });
});

test('a single game that is still truncated ends as a failed batch', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const { calls, batches } = pipeline(
    scheduler,
    rows((game) => (game === 'g1' ? 12_000 : 180)),
  );
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: ['g1', 'g2'] });
    expectObservable(plan.pipe(batches)).toBe('10ms a 99ms b 99ms (c|)', {
      a: {
        type: 'split',
        batch: ['g1', 'g2'],
        result: ok(10_000),
        reason: 'truncated',
        depth: 0,
        halves: [['g1'], ['g2']],
      },
      b: { type: 'failed', batch: ['g1'], result: ok(10_000), reason: 'truncated_unsplittable', depth: 1 },
      c: { type: 'complete', batch: ['g2'], result: ok(180), depth: 1 },
    });
  });
  t.deepEqual(calls, [
    [0, 'g1,g2'],
    [100, 'g1'],
    [200, 'g2'],
  ]);
});

test('splits a batch of 8 whose rowsReturned reaches 9900 into 4+4', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const { calls, batches } = pipeline(
    scheduler,
    rows(() => 1500),
  );
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: games(8) });
    expectObservable(plan.pipe(batches)).toBe('10ms a 99ms b 99ms (c|)', {
      a: {
        type: 'split',
        batch: games(8),
        result: ok(10_000),
        reason: 'truncated',
        depth: 0,
        halves: [games(4), games(4, 5)],
      },
      b: { type: 'complete', batch: games(4), result: ok(6000), depth: 1 },
      c: { type: 'complete', batch: games(4, 5), result: ok(6000), depth: 1 },
    });
  });
  t.is(calls.length, 3);
});

test('a permanent error fails the batch at once, with no retry and no split', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const unauthorized = { kind: 'permanent' as const, status: 401 };
  const { calls, batches } = pipeline(scheduler, () => ({ error: unauthorized }));
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: games(8) });
    expectObservable(plan.pipe(batches)).toBe('10ms (a|)', {
      a: {
        type: 'failed',
        batch: games(8),
        result: { ok: false, error: unauthorized },
        reason: 'permanent',
        depth: 0,
      },
    });
  });
  t.deepEqual(calls, [[0, games(8).join(',')]]);
});

test('halves fetched concurrently still leave 1/rate apart, through the shared bucket', (t) => {
  const scheduler = new TestScheduler((actual, expected) => t.deepEqual(actual, expected));
  const { calls, batches } = pipeline(
    scheduler,
    rows(() => 1500),
    2,
  );
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(ab|)', { a: games(8), b: games(2, 9) });
    expectObservable(plan.pipe(batches, map(summary))).toBe('10ms a 99ms b 99ms c 99ms (d|)', {
      a: 'split 8',
      b: 'complete 2',
      c: 'complete 4',
      d: 'complete 4',
    });
  });
  t.deepEqual(calls, [
    [0, games(8).join(',')],
    [100, games(2, 9).join(',')],
    [200, games(4).join(',')],
    [300, games(4, 5).join(',')],
  ]);
});
