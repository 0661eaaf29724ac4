// Marble tests for splitOnTruncation: the order and content of outcomes and fetches when batches
// are split, fail, or exhaust the work budget; concurrency; error propagation; stack safety.
import test, { type ExecutionContext } from 'ava';
import { EMPTY, from, map, type Observable, of, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  type BatchOutcome,
  type SplitOnTruncationConfig,
  splitOnTruncation,
  type Verdict,
} from '../src/operators/splitOnTruncation.ts';

const marbles = (t: ExecutionContext) =>
  new TestScheduler((actual, expected) => t.deepEqual(actual, expected));

interface Response {
  readonly rowsReturned: number;
}
type Outcome = BatchOutcome<string, Response>;

const games = (count: number, first = 1) => Array.from({ length: count }, (_, i) => `g${first + i}`);

/** The Query Tool's silent truncation: never more than 10,000 rows, and 9,900 or more is suspect. */
const judgeRows = ({ rowsReturned }: Response): Verdict =>
  rowsReturned >= 9900 ? { action: 'split', reason: 'truncated' } : { action: 'accept' };

/** A fake upstream answering after `latencyMs` with the rows of the games asked, capped at 10,000. */
function fakeUpstream(scheduler: TestScheduler, rowsOf: (game: string) => number, latencyMs = 1) {
  const fetched: [atMs: number, batch: string][] = [];
  const fetch = (batch: readonly string[]): Observable<Response> => {
    fetched.push([scheduler.now(), batch.join(',')]);
    const rows = batch.reduce((sum, game) => sum + rowsOf(game), 0);
    return timer(latencyMs).pipe(map(() => ({ rowsReturned: Math.min(rows, 10_000) })));
  };
  return { fetch, fetched };
}

const response = (rowsReturned: number): Response => ({ rowsReturned });

test('splits a batch of 8 whose rowsReturned reaches 9900 into 4+4, then 2+2, until every half is accepted', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 3000);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('a|', { a: games(8) });
    const outcomes: Record<string, Outcome> = {
      a: {
        type: 'split',
        batch: games(8),
        result: response(10_000),
        reason: 'truncated',
        depth: 0,
        halves: [games(4), games(4, 5)],
      },
      b: {
        type: 'split',
        batch: games(4),
        result: response(10_000),
        reason: 'truncated',
        depth: 1,
        halves: [games(2), games(2, 3)],
      },
      c: { type: 'complete', batch: games(2), result: response(6000), depth: 2 },
      d: { type: 'complete', batch: games(2, 3), result: response(6000), depth: 2 },
      e: {
        type: 'split',
        batch: games(4, 5),
        result: response(10_000),
        reason: 'truncated',
        depth: 1,
        halves: [games(2, 5), games(2, 7)],
      },
      f: { type: 'complete', batch: games(2, 5), result: response(6000), depth: 2 },
      g: { type: 'complete', batch: games(2, 7), result: response(6000), depth: 2 },
    };
    expectObservable(plan.pipe(splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }))).toBe(
      '-abcdef(g|)',
      outcomes,
    );
  });
  t.deepEqual(upstream.fetched, [
    [0, 'g1,g2,g3,g4,g5,g6,g7,g8'],
    [1, 'g1,g2,g3,g4'],
    [2, 'g1,g2'],
    [3, 'g3,g4'],
    [4, 'g5,g6,g7,g8'],
    [5, 'g5,g6'],
    [6, 'g7,g8'],
  ]);
});

test('an odd batch splits with the larger half first', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 2000);
  scheduler.run(({ cold, expectObservable }) => {
    const outcomes = cold('a|', { a: games(5) }).pipe(
      splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }),
      map((outcome) => `${outcome.type} ${outcome.batch.length}`),
    );
    expectObservable(outcomes).toBe('-ab(c|)', { a: 'split 5', b: 'complete 3', c: 'complete 2' });
  });
});

test("a single game that is still truncated becomes a failed batch 'truncated_unsplittable'", (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, (game) => (game === 'g1' ? 12_000 : 100));
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('a|', { a: ['g1', 'g2'] });
    expectObservable(plan.pipe(splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }))).toBe(
      '-ab(c|)',
      {
        a: {
          type: 'split',
          batch: ['g1', 'g2'],
          result: response(10_000),
          reason: 'truncated',
          depth: 0,
          halves: [['g1'], ['g2']],
        },
        b: {
          type: 'failed',
          batch: ['g1'],
          result: response(10_000),
          reason: 'truncated_unsplittable',
          depth: 1,
        },
        c: { type: 'complete', batch: ['g2'], result: response(100), depth: 1 },
      },
    );
  });
});

test('a fail verdict fails the batch without splitting it', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 100);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('a|', { a: games(4) });
    const judge = (): Verdict => ({ action: 'fail', reason: 'unauthorized' });
    expectObservable(plan.pipe(splitOnTruncation({ fetch: upstream.fetch, judge }))).toBe('-(a|)', {
      a: { type: 'failed', batch: games(4), result: response(400), reason: 'unauthorized', depth: 0 },
    });
  });
  t.deepEqual(upstream.fetched, [[0, 'g1,g2,g3,g4']]);
});

test('when maxWork is spent, the batches still to fetch fail with split_budget_exhausted', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 3000);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('a 9ms b|', { a: games(8), b: games(2, 9) });
    const outcomes = plan.pipe(
      splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows, maxWork: 3 }),
      map(
        (outcome) =>
          `${outcome.type} ${outcome.batch.join(',')} ${'reason' in outcome ? outcome.reason : ''}`,
      ),
    );
    expectObservable(outcomes).toBe('-ab(cde) 2ms f|', {
      a: 'split g1,g2,g3,g4,g5,g6,g7,g8 truncated',
      b: 'split g1,g2,g3,g4 truncated',
      c: 'complete g1,g2 ',
      d: 'failed g3,g4 split_budget_exhausted',
      e: 'failed g5,g6,g7,g8 split_budget_exhausted',
      f: 'failed g9,g10 split_budget_exhausted',
    });
  });
  t.deepEqual(
    upstream.fetched.map(([, batch]) => batch),
    ['g1,g2,g3,g4,g5,g6,g7,g8', 'g1,g2,g3,g4', 'g1,g2'],
  );
});

test('a batch that failed on the budget carries no result and its own depth', (t) => {
  marbles(t).run(({ cold, expectObservable }) => {
    const plan = cold('(a|)', { a: ['g1', 'g2'] });
    const fetch = () => of(response(10_000));
    expectObservable(plan.pipe(splitOnTruncation({ fetch, judge: judgeRows, maxWork: 1 }))).toBe('(abc|)', {
      a: {
        type: 'split',
        batch: ['g1', 'g2'],
        result: response(10_000),
        reason: 'truncated',
        depth: 0,
        halves: [['g1'], ['g2']],
      },
      b: { type: 'failed', batch: ['g1'], result: undefined, reason: 'split_budget_exhausted', depth: 1 },
      c: { type: 'failed', batch: ['g2'], result: undefined, reason: 'split_budget_exhausted', depth: 1 },
    });
  });
});

test('never has more than concurrency fetches in flight', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const a = cold('10ms r|', { r: response(1) });
    const b = cold('5ms  r|', { r: response(2) });
    const c = cold('10ms r|', { r: response(3) });
    const d = cold('10ms r|', { r: response(4) });
    const answers = new Map([
      ['A', a],
      ['B', b],
      ['C', c],
      ['D', d],
    ]);
    const fetch = (batch: readonly string[]) => answers.get(batch.join(',')) ?? EMPTY;
    const plan = cold('(abcd|)', { a: ['A'], b: ['B'], c: ['C'], d: ['D'] });
    const config: SplitOnTruncationConfig<string, Response> = { fetch, judge: judgeRows, concurrency: 2 };
    const rows = plan.pipe(
      splitOnTruncation(config),
      map((outcome) => String(outcome.result?.rowsReturned)),
    );
    // Two in flight from the start; C takes B's slot at 5 ms, D takes A's at 10 ms.
    expectObservable(rows).toBe('5ms 2 4ms 1 4ms 3 4ms (4|)');
    expectSubscriptions(a.subscriptions).toBe('      ^ 9ms !');
    expectSubscriptions(b.subscriptions).toBe('      ^ 4ms !');
    expectSubscriptions(c.subscriptions).toBe(' 5ms  ^ 9ms !');
    expectSubscriptions(d.subscriptions).toBe('10ms  ^ 9ms !');
  });
});

test('fetches the halves of a split before source batches that were already waiting', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 3000);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('(ab|)', { a: games(4), b: games(4, 5) });
    const types = plan.pipe(
      splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }),
      map((outcome) => outcome.type[0]),
    );
    expectObservable(types).toBe('-sccsc(c|)');
  });
  t.deepEqual(
    upstream.fetched.map(([, batch]) => batch),
    ['g1,g2,g3,g4', 'g1,g2', 'g3,g4', 'g5,g6,g7,g8', 'g5,g6', 'g7,g8'],
  );
});

test('an error from fetch ends the stream and unsubscribes the fetches in flight', (t) => {
  const timeout = new Error('socket hang up');
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const failing = cold<Response>('--#', undefined, timeout);
    const slow = cold('-----r|', { r: response(1) });
    const plan = cold('(ab|)', { a: ['A'], b: ['B'] });
    const fetch = (batch: readonly string[]) => (batch[0] === 'A' ? failing : slow);
    expectObservable(plan.pipe(splitOnTruncation({ fetch, judge: judgeRows, concurrency: 2 }))).toBe(
      '--#',
      undefined,
      timeout,
    );
    expectSubscriptions(slow.subscriptions).toBe('^-!');
  });
});

test('a fetch or a judge that throws errors the stream', (t) => {
  const broken = new Error('judge broke');
  marbles(t).run(({ cold, expectObservable }) => {
    const plan = cold('a|', { a: ['g1'] });
    const fetchThrows = () => {
      throw broken;
    };
    const judgeThrows = () => {
      throw broken;
    };
    const fetch = () => timer(1).pipe(map(() => response(1)));
    expectObservable(plan.pipe(splitOnTruncation({ fetch: fetchThrows, judge: judgeRows }))).toBe(
      '#',
      undefined,
      broken,
    );
    expectObservable(plan.pipe(splitOnTruncation({ fetch, judge: judgeThrows }))).toBe(
      '-#',
      undefined,
      broken,
    );
  });
});

test('a fetch that completes without a result errors the stream', (t) => {
  marbles(t).run(({ cold, expectObservable }) => {
    const plan = cold('a|', { a: ['g1'] });
    const empty = () => cold<Response>('--|');
    expectObservable(plan.pipe(splitOnTruncation({ fetch: empty, judge: judgeRows }))).toBe(
      '--#',
      undefined,
      new Error('splitOnTruncation: fetch completed without a result'),
    );
  });
});

test('a source error ends the stream at once', (t) => {
  const planFailed = new Error('schedule unavailable');
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const slow = cold('----r|', { r: response(1) });
    const plan = cold('a-#', { a: ['g1'] }, planFailed);
    expectObservable(plan.pipe(splitOnTruncation({ fetch: () => slow, judge: judgeRows }))).toBe(
      '--#',
      undefined,
      planFailed,
    );
    expectSubscriptions(slow.subscriptions).toBe('^-!');
  });
});

test('unsubscribing unsubscribes the fetch in flight and the source', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const slow = cold('----r|', { r: response(1) });
    const plan = cold('a------b|', { a: ['g1'], b: ['g2'] });
    expectObservable(plan.pipe(splitOnTruncation({ fetch: () => slow, judge: judgeRows })), '^-!').toBe('');
    expectSubscriptions(slow.subscriptions).toBe('^-!');
    expectSubscriptions(plan.subscriptions).toBe('^-!');
  });
});

test('an empty batch is never fetched and yields no outcome', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 1);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('ab|', { a: [], b: ['g1'] });
    const types = plan.pipe(
      splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }),
      map((outcome) => outcome.type),
    );
    expectObservable(types).toBe('--(c|)', { c: 'complete' });
  });
  t.deepEqual(upstream.fetched, [[1, 'g1']]);
});

test('completes only when the source has completed and every split has settled', (t) => {
  const scheduler = marbles(t);
  const upstream = fakeUpstream(scheduler, () => 5000, 10);
  scheduler.run(({ cold, expectObservable }) => {
    const plan = cold('a 99ms |', { a: games(2) });
    const types = plan.pipe(
      splitOnTruncation({ fetch: upstream.fetch, judge: judgeRows }),
      map((outcome) => outcome.type[0]),
    );
    expectObservable(types).toBe('10ms s 9ms c 9ms c 69ms |');
  });
});

test('splitting 16,384 games down to single games with synchronous fetches keeps the stack flat', (t) => {
  const batch = games(2 ** 14);
  const counts = { complete: 0, split: 0, failed: 0, fetches: 0, deepest: 0 };
  from([batch])
    .pipe(
      splitOnTruncation<string, number>({
        fetch: (part) => {
          counts.fetches += 1;
          return of(part.length);
        },
        judge: (size) => (size > 1 ? { action: 'split', reason: 'truncated' } : { action: 'accept' }),
      }),
    )
    .subscribe((outcome) => {
      counts[outcome.type] += 1;
      counts.deepest = Math.max(counts.deepest, outcome.depth);
    });
  t.deepEqual(counts, {
    complete: 2 ** 14,
    split: 2 ** 14 - 1,
    failed: 0,
    fetches: 2 ** 15 - 1,
    deepest: 14,
  });
});

test('a plan of 30,000 batches queued behind one slow fetch, then answered synchronously, keeps the stack flat', (t) => {
  // The case that overflows rxjs `expand`: every buffered batch would start inside the previous one's completion.
  const plan = Array.from({ length: 30_000 }, (_, i) => [i]);
  for (const concurrency of [1, 3, Number.POSITIVE_INFINITY]) {
    const seen = { complete: 0, completed: false };
    marbles(t).run(() => {
      from(plan)
        .pipe(
          splitOnTruncation<number, number>({
            fetch: ([game = -1]) => (game === 0 ? timer(1).pipe(map(() => game)) : of(game)),
            judge: () => ({ action: 'accept' }),
            concurrency,
          }),
        )
        .subscribe({ next: () => (seen.complete += 1), complete: () => (seen.completed = true) });
    });
    t.deepEqual(seen, { complete: 30_000, completed: true }, `concurrency ${concurrency}`);
  }
});

test('refuses a budget or a concurrency it cannot honour', (t) => {
  const base = { fetch: () => of(1), judge: (): Verdict => ({ action: 'accept' }) };
  for (const bad of [{ maxWork: -1 }, { maxWork: 1.5 }, { concurrency: 0 }, { concurrency: 2.5 }]) {
    t.throws(() => splitOnTruncation({ ...base, ...bad }), { instanceOf: RangeError }, JSON.stringify(bad));
  }
  t.notThrows(() => splitOnTruncation({ ...base, maxWork: 0, concurrency: Number.POSITIVE_INFINITY }));
});
