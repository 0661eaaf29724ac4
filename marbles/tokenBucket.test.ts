// Marble tests for TokenBucket: burst then steady spacing, continuous refill, first come first
// served, reservations given back on unsubscribe, and pauses after a 429. All in virtual time.
import test, { type ExecutionContext } from 'ava';
import {
  concatMap,
  map,
  merge,
  mergeMap,
  type Observable,
  type SchedulerLike,
  Subscription,
  timer,
} from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { TokenBucket } from '../src/operators/tokenBucket.ts';

const marbles = (t: ExecutionContext) =>
  new TestScheduler((actual, expected) => t.deepEqual(actual, expected));

/** A take() made at `atMs` of virtual time that emits `label` when its token is granted. */
const takeAt = (bucket: TokenBucket, atMs: number, label: string): Observable<string> =>
  timer(atMs).pipe(
    mergeMap(() => bucket.take()),
    map(() => label),
  );

test('grants a burst at once, then one token every 1/rate', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3 });
    const grants = merge(...['a', 'b', 'c', 'd', 'e'].map((label) => takeAt(bucket, 0, label)));
    expectObservable(grants).toBe('(abc) 95ms d 99ms (e|)');
  });
});

test('refills continuously: a half refilled token is granted when it is whole, and idling banks at most burst', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 2 });
    const grants = merge(
      takeAt(bucket, 0, 'a'),
      takeAt(bucket, 0, 'b'),
      takeAt(bucket, 50, 'c'),
      takeAt(bucket, 1000, 'd'),
      takeAt(bucket, 1000, 'e'),
      takeAt(bucket, 1000, 'f'),
    );
    expectObservable(grants).toBe('(ab) 96ms c 899ms (de) 96ms (f|)');
  });
});

test('serves waiters first come, first served; a caller arriving as a token frees up waits its turn', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const grants = merge(
      takeAt(bucket, 0, 'a'),
      takeAt(bucket, 10, 'b'),
      takeAt(bucket, 20, 'c'),
      takeAt(bucket, 30, 'd'),
      takeAt(bucket, 100, 'e'),
    );
    expectObservable(grants).toBe('a 99ms b 99ms c 99ms d 99ms (e|)');
  });
});

test('a caller that takes again from inside its grant queues behind those already waiting', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const twice = bucket.take().pipe(
      concatMap(() => bucket.take()),
      map(() => 'a'),
    );
    const other = bucket.take().pipe(map(() => 'b'));
    expectObservable(twice).toBe('100ms (a|)');
    expectObservable(other).toBe('200ms (b|)');
  });
});

test('unsubscribing before the grant gives the reservation back', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    expectObservable(bucket.take()).toBe('(a|)', { a: undefined });
    // The second caller gives up at 50 ms, before its token at 100 ms...
    expectObservable(bucket.take(), '^ 49ms !').toBe('');
    // ...so the third, who asked at 10 ms, gets that token instead of waiting until 200 ms.
    expectObservable(takeAt(bucket, 10, 'c')).toBe('100ms (c|)');
    expectObservable(takeAt(bucket, 150, 'd')).toBe('200ms (d|)');
  });
});

test('pause grants nothing until it ends, then resumes with one token and the steady rate', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 3 });
    bucket.pause(2000);
    const grants = merge(
      takeAt(bucket, 0, 'a'),
      takeAt(bucket, 0, 'b'),
      takeAt(bucket, 0, 'c'),
      takeAt(bucket, 500, 'd'),
    );
    expectObservable(grants).toBe('2000ms a 99ms b 99ms c 99ms (d|)');
  });
});

test('pause postpones a waiter whose wake-up was already set', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    timer(50).subscribe(() => bucket.pause(1000));
    const grants = merge(takeAt(bucket, 0, 'a'), takeAt(bucket, 0, 'b'), takeAt(bucket, 60, 'c'));
    expectObservable(grants).toBe('a 1049ms b 99ms (c|)');
  });
});

test('a shorter pause never cuts an earlier, longer one short', (t) => {
  marbles(t).run(({ expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    bucket.pause(2000);
    timer(100).subscribe(() => bucket.pause(500));
    expectObservable(takeAt(bucket, 100, 'a')).toBe('2000ms (a|)');
  });
});

test('cancels its wake-up timer when the last waiter leaves', (t) => {
  const timers = new Set<Subscription>();
  const clock = {
    now: () => 0,
    schedule: () => {
      const pending = new Subscription(() => timers.delete(pending));
      timers.add(pending);
      return pending;
    },
  } as unknown as SchedulerLike;
  const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1, scheduler: clock });
  bucket.take().subscribe();
  const waiting = bucket.take().subscribe();
  t.is(timers.size, 1);
  waiting.unsubscribe();
  t.is(timers.size, 0);
});

test('refuses a rate, burst or pause it cannot honour', (t) => {
  for (const ratePerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => new TokenBucket({ ratePerSecond, burst: 1 }), { instanceOf: RangeError });
  }
  for (const burst of [0, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    t.throws(() => new TokenBucket({ ratePerSecond: 1, burst }), { instanceOf: RangeError });
  }
  const bucket = new TokenBucket({ ratePerSecond: 1, burst: 1 });
  t.throws(() => bucket.pause(-1), { instanceOf: RangeError });
  t.throws(() => bucket.pause(Number.NaN), { instanceOf: RangeError });
});
