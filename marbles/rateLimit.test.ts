// Marble tests for rateLimit: every subscription to the source waits for a token of the shared
// bucket, so concurrent streams on one host are spaced 1/rate apart and a retry pays again.
import test, { type ExecutionContext } from 'ava';
import { concatMap, defer, from, merge, retry } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { rateLimit } from '../src/operators/rateLimit.ts';
import { TokenBucket } from '../src/operators/tokenBucket.ts';

const marbles = (t: ExecutionContext) =>
  new TestScheduler((actual, expected) => t.deepEqual(actual, expected));

test('subscribes to the source only once a token is granted, one token per subscription', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const request = cold('-r|');
    const limited = request.pipe(rateLimit(bucket));
    expectObservable(limited).toBe('         -r|');
    expectObservable(limited).toBe('100ms    -r|');
    expectObservable(limited).toBe('200ms    -r|');
    // prettier-ignore
    expectSubscriptions(request.subscriptions).toBe(['        ^-!', '100ms   ^-!', '200ms   ^-!']);
  });
});

test('rate-limit spacing under concurrency: three streams sharing a bucket are spaced 1/rate apart', (t) => {
  const scheduler = marbles(t);
  const sent: [stream: string, atMs: number][] = [];
  scheduler.run(({ cold, expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    // Each stream sends two requests one after the other; all three run at once.
    const stream = (name: string) =>
      from([1, 2]).pipe(
        concatMap(() =>
          defer(() => {
            sent.push([name, scheduler.now()]);
            return cold('-r|');
          }).pipe(rateLimit(bucket)),
        ),
      );
    expectObservable(stream('A')).toBe('        -r 299ms r|');
    expectObservable(stream('B')).toBe('100ms   -r 299ms r|');
    expectObservable(stream('C')).toBe('200ms   -r 299ms r|');
  });
  t.deepEqual(sent, [
    ['A', 0],
    ['B', 100],
    ['C', 200],
    ['A', 300],
    ['B', 400],
    ['C', 500],
  ]);
});

test('a burst lets that many streams go at once, the rest follow 1/rate apart', (t) => {
  marbles(t).run(({ cold, expectObservable }) => {
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 2 });
    const request = cold('-r|');
    const streams = ['a', 'b', 'c', 'd'].map((label) =>
      request.pipe(
        rateLimit(bucket),
        concatMap(() => [label]),
      ),
    );
    expectObservable(merge(...streams)).toBe('-(ab) 246ms c 249ms d|');
  });
});

test('a resubscription after an error takes a new token', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const failing = cold('-#');
    expectObservable(failing.pipe(rateLimit(bucket), retry(2))).toBe('200ms -#');
    // prettier-ignore
    expectSubscriptions(failing.subscriptions).toBe(['        ^!', '100ms   ^!', '200ms   ^!']);
  });
});

test('unsubscribing while waiting for a token never subscribes to the source and frees the place', (t) => {
  marbles(t).run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 1 });
    const request = cold('-r|');
    const limited = request.pipe(rateLimit(bucket));
    expectObservable(limited).toBe('-r|');
    expectObservable(limited, '^ 49ms !').toBe('');
    const later = hot('10ms s').pipe(concatMap(() => limited));
    expectObservable(later).toBe('100ms -r');
    // prettier-ignore
    expectSubscriptions(request.subscriptions).toBe(['        ^-!', '100ms   ^-!']);
  });
});
