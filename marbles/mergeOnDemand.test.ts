// Marble tests for mergeOnDemand: items are pulled only when a slot frees, at most `concurrency`
// run at once, a pull answering undefined stops pulling while running items finish; errors,
// teardown and stack safety; takingTurns, the pull that lets several datasets share the slots.
import test, { type ExecutionContext } from 'ava';
import { defer, map, type Observable, of, throwError, timer } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { mergeOnDemand, takingTurns } from '../src/operators/mergeOnDemand.ts';
import { rateLimit } from '../src/operators/rateLimit.ts';
import { TokenBucket } from '../src/operators/tokenBucket.ts';

const marbles = (t: ExecutionContext) =>
  new TestScheduler((actual, expected) => t.deepEqual(actual, expected));

/** Items 1..count, each pull logged with its virtual time. */
function counter(scheduler: TestScheduler, count: number) {
  const pulls: [atMs: number, item: number | undefined][] = [];
  let next = 0;
  const pull = () => {
    const item = next < count ? ++next : undefined;
    pulls.push([scheduler.now(), item]);
    return item;
  };
  return { pull, pulls };
}

test('pulls two items at once, then one more each time an item completes', (t) => {
  const scheduler = marbles(t);
  const { pull, pulls } = counter(scheduler, 4);
  scheduler.run(({ expectObservable }) => {
    const result = mergeOnDemand({
      pull,
      project: (item) => timer(item * 10).pipe(map(() => `item ${item}`)),
      concurrency: 2,
    });
    // 1 ends at 10, 2 at 20; 3 starts at 10 and ends at 40; 4 starts at 20 and ends at 60.
    expectObservable(result).toBe('10ms a 9ms b 19ms c 19ms (d|)', {
      a: 'item 1',
      b: 'item 2',
      c: 'item 3',
      d: 'item 4',
    });
  });
  t.deepEqual(pulls, [
    [0, 1],
    [0, 2],
    [10, 3],
    [20, 4],
    [40, undefined],
  ]);
});

test('each pull sees what the items before it produced', (t) => {
  const scheduler = marbles(t);
  const sizes: number[] = [];
  let learned = 1;
  scheduler.run(({ expectObservable }) => {
    const result = mergeOnDemand({
      pull: () => {
        if (sizes.length === 3) return undefined;
        sizes.push(learned);
        return learned;
      },
      project: (size) =>
        timer(5).pipe(
          map(() => {
            learned = size * 2;
            return size;
          }),
        ),
    });
    expectObservable(result).toBe('5ms a 4ms b 4ms (c|)', { a: 1, b: 2, c: 4 });
  });
  t.deepEqual(sizes, [1, 2, 4]);
});

test('a pull answering undefined stops pulling; the items running finish and then it completes', (t) => {
  const scheduler = marbles(t);
  let stop = false;
  let pulled = 0;
  scheduler.run(({ expectObservable, cold }) => {
    const result = mergeOnDemand({
      pull: () => (stop ? undefined : ++pulled),
      project: (item) => cold('---(a|)', { a: item }),
      concurrency: 2,
    });
    scheduler.schedule(() => {
      stop = true;
    }, 2);
    expectObservable(result).toBe('---(ab|)', { a: 1, b: 2 });
  });
  t.is(pulled, 2);
});

test('completes at once when the first pull answers undefined', (t) => {
  const scheduler = marbles(t);
  scheduler.run(({ expectObservable }) => {
    expectObservable(mergeOnDemand({ pull: () => undefined, project: (item: number) => of(item) })).toBe('|');
  });
});

test('an erroring item errors the result and unsubscribes the items running', (t) => {
  const scheduler = marbles(t);
  const { pull } = counter(scheduler, 3);
  scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
    const slow = cold('-----a|');
    const result = mergeOnDemand({
      pull,
      project: (item): Observable<string> => (item === 2 ? cold('--#', undefined, 'boom') : slow),
      concurrency: 2,
    });
    expectObservable(result).toBe('--#', undefined, 'boom');
    expectSubscriptions(slow.subscriptions).toBe('^-!');
  });
});

test('a throwing pull errors the result', (t) => {
  const scheduler = marbles(t);
  scheduler.run(({ expectObservable }) => {
    const result = mergeOnDemand({
      pull: () => {
        throw new Error('no plan');
      },
      project: (item: number) => of(item),
    });
    expectObservable(result).toBe('#', undefined, new Error('no plan'));
  });
});

test('unsubscribing tears down the items running', (t) => {
  const scheduler = marbles(t);
  const { pull } = counter(scheduler, 5);
  scheduler.run(({ expectObservable, expectSubscriptions, cold }) => {
    const work = cold('----a|');
    const result = mergeOnDemand({ pull, project: () => work, concurrency: 2 });
    expectObservable(result, '^--!').toBe('---');
    expectSubscriptions(work.subscriptions).toBe(['^--!', '^--!']);
  });
});

test('100,000 synchronous items run one after another without growing the stack', (t) => {
  const { pull } = counter(new TestScheduler(() => undefined), 100_000);
  let sum = 0;
  let completed = false;
  mergeOnDemand({ pull, project: (item) => of(item) }).subscribe({
    next: (item) => {
      sum += item;
    },
    complete: () => {
      completed = true;
    },
  });
  t.true(completed);
  t.is(sum, (100_000 * 100_001) / 2);
});

test('rejects a concurrency below 1', (t) => {
  t.throws(
    () => mergeOnDemand({ pull: () => undefined, project: () => throwError(() => 0), concurrency: 0 }),
    {
      instanceOf: RangeError,
    },
  );
});

test('takingTurns asks each source after the one that answered last, dropping exhausted ones', (t) => {
  const source = (items: string[]) => () => items.shift();
  const pull = takingTurns([source(['a1', 'a2', 'a3']), source(['b1']), source([]), source(['c1', 'c2'])]);
  const pulled = Array.from({ length: 8 }, () => pull());
  t.deepEqual(pulled, ['a1', 'b1', 'c1', 'a2', 'c2', 'a3', undefined, undefined]);
});

test('two datasets taking turns under concurrency 2 interleave and share one limit of 10 calls/s', (t) => {
  const scheduler = marbles(t);
  const sent: [atMs: number, item: string][] = [];
  scheduler.run(({ expectObservable }) => {
    // One host: 10 requests/s, no burst; every request answers 300 ms after it is sent.
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const dataset = (name: string, batches: number) => {
      let planned = 0;
      return () => (planned < batches ? `${name}${++planned}` : undefined);
    };
    const outcomes = mergeOnDemand({
      pull: takingTurns<string>([dataset('a', 3), dataset('b', 2)]),
      project: (item) =>
        defer(() => {
          sent.push([scheduler.now(), item]);
          return timer(300).pipe(map(() => item));
        }).pipe(rateLimit(bucket)),
      concurrency: 2,
    });
    // a1 and b1 start at once: b1 waits 100 ms for its token. Each answer frees a slot for the
    // other dataset's next batch, whose token is already due.
    expectObservable(outcomes).toBe('300ms a 99ms b 199ms c 99ms d 199ms (e|)', {
      a: 'a1',
      b: 'b1',
      c: 'a2',
      d: 'b2',
      e: 'a3',
    });
  });
  t.deepEqual(sent, [
    [0, 'a1'],
    [100, 'b1'],
    [300, 'a2'],
    [400, 'b2'],
    [600, 'a3'],
  ]);
  const gaps = sent.slice(1).map(([at], i) => at - (sent[i]?.[0] ?? 0));
  t.true(
    gaps.every((gap) => gap >= 100),
    'never faster than the shared 10 requests/s',
  );
});
