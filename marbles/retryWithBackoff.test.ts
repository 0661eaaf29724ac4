// Marble tests for retryWithBackoff: transient failures back off with jitter until the attempts run
// out, throttled ones wait for the host, size and permanent ones pass straight through.
import test, { type ExecutionContext } from 'ava';
import { concatMap, defer, map, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { RetriesExhaustedError } from '../src/operators/errorKind.ts';
import { rateLimit } from '../src/operators/rateLimit.ts';
import { type RetryInfo, retryWithBackoff } from '../src/operators/retryWithBackoff.ts';
import { TokenBucket } from '../src/operators/tokenBucket.ts';

const marbles = (t: ExecutionContext) =>
  new TestScheduler((actual, expected) => t.deepEqual(actual, expected));

const gatewayTimeout = Object.assign(new Error('504 Gateway Timeout'), { kind: 'transient' as const });
const uriTooLong = Object.assign(new Error('414 URI Too Long'), { kind: 'size' as const });
const unauthorized = Object.assign(new Error('401 Unauthorized'), { kind: 'permanent' as const });
const throttled = (retryAfterMs?: number) =>
  Object.assign(new Error('429 Too Many Requests'), { kind: 'throttled' as const, retryAfterMs });

/** Each subscription gets the next of `attempts`: how a request behaves when it is sent again. */
const inTurn = <T>(attempts: Observable<T>[]): Observable<T> =>
  defer(() => {
    const next = attempts.shift();
    if (next === undefined) throw new Error('more attempts than the test planned');
    return next;
  });

/** What onRetry was told, without the error (asserted separately where it matters). */
type Retry = Omit<RetryInfo, 'error'>;
const recorder = () => {
  const retries: Retry[] = [];
  const onRetry = ({ kind, attempt, delayMs }: RetryInfo) => {
    retries.push({ kind, attempt, delayMs });
  };
  return { retries, onRetry };
};

test('retries a transient failure with growing jittered delays, then raises RetriesExhaustedError', (t) => {
  const { retries, onRetry } = recorder();
  let raised: unknown;
  marbles(t).run(({ cold, expectObservable, expectSubscriptions, flush }) => {
    const request = cold('-#', undefined, gatewayTimeout);
    // Equal jitter with random 0.5: 3/4 of 500·2^(n-1), i.e. waits of 375, 750 and 1500 ms.
    const retried = request.pipe(retryWithBackoff({ random: () => 0.5, onRetry }));
    const exhausted = new RetriesExhaustedError('transient', 4, gatewayTimeout);
    expectObservable(retried).toBe('2629ms #', undefined, exhausted);
    // prettier-ignore
    expectSubscriptions(request.subscriptions).toBe(['        ^!', '376ms   ^!', '1127ms  ^!', '2628ms  ^!']);
    flush();
    retried.subscribe({ error: (error: unknown) => (raised = error) });
  });
  t.deepEqual(retries.slice(0, 3), [
    { kind: 'transient', attempt: 1, delayMs: 375 },
    { kind: 'transient', attempt: 2, delayMs: 750 },
    { kind: 'transient', attempt: 3, delayMs: 1500 },
  ]);
  t.true(raised instanceof RetriesExhaustedError);
  const error = raised as RetriesExhaustedError;
  t.is(error.kind, 'transient');
  t.is(error.attempts, 4);
  t.is(error.cause, gatewayTimeout);
});

test('caps a transient backoff step at maxDelayMs', (t) => {
  const { retries, onRetry } = recorder();
  marbles(t).run(({ cold, expectObservable }) => {
    const request = cold('-#', undefined, gatewayTimeout);
    const retried = request.pipe(
      retryWithBackoff({ maxAttempts: 5, maxDelayMs: 1000, random: () => 0, onRetry }),
    );
    expectObservable(retried).toBe(
      '1755ms #',
      undefined,
      new RetriesExhaustedError('transient', 5, gatewayTimeout),
    );
  });
  t.deepEqual(
    retries.map((retry) => retry.delayMs),
    [250, 500, 500, 500],
  );
});

test('rethrows a size error at once, untouched', (t) => {
  const { retries, onRetry } = recorder();
  let raised: unknown;
  marbles(t).run(({ cold, expectObservable, expectSubscriptions, flush }) => {
    const request = cold('-#', undefined, uriTooLong);
    const retried = request.pipe(retryWithBackoff({ onRetry }));
    expectObservable(retried).toBe('-#', undefined, uriTooLong);
    expectSubscriptions(request.subscriptions).toBe('^!');
    flush();
    retried.subscribe({ error: (error: unknown) => (raised = error) });
  });
  t.is(raised, uriTooLong);
  t.deepEqual(retries, []);
});

test('rethrows a permanent error and an unclassified one at once', (t) => {
  const bug = new TypeError('cannot read properties of undefined');
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const denied = cold('--#', undefined, unauthorized);
    const broken = cold('-#', undefined, bug);
    expectObservable(denied.pipe(retryWithBackoff())).toBe('--#', undefined, unauthorized);
    expectObservable(broken.pipe(retryWithBackoff())).toBe('-#', undefined, bug);
    expectSubscriptions(denied.subscriptions).toBe('^-!');
    expectSubscriptions(broken.subscriptions).toBe('^!');
  });
});

test('a throttled failure waits its retryAfterMs, then sends the same request again', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const refused = cold('-#', undefined, throttled(2000));
    const answered = cold(' -r|');
    const retried = inTurn([refused, answered]).pipe(retryWithBackoff());
    expectObservable(retried).toBe('2001ms -r|');
    expectSubscriptions(refused.subscriptions).toBe('^!');
    expectSubscriptions(answered.subscriptions).toBe('2001ms ^-!');
  });
});

test("caps a server's Retry-After at maxRetryAfterMs", (t) => {
  const { retries, onRetry } = recorder();
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const refused = cold('-#', undefined, throttled(120_000));
    const answered = cold('-r|');
    expectObservable(inTurn([refused, answered]).pipe(retryWithBackoff({ onRetry }))).toBe('60001ms -r|');
    expectSubscriptions(answered.subscriptions).toBe('60001ms ^-!');
  });
  t.deepEqual(retries, [{ kind: 'throttled', attempt: 1, delayMs: 60_000 }]);
});

test('waits a uniform 10–15 s when a throttled failure carries no retryAfterMs', (t) => {
  for (const [random, waitMs] of [
    [0, 10_000],
    [0.5, 12_500],
    [0.99999, 15_000],
  ] as const) {
    const { retries, onRetry } = recorder();
    marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
      const refused = cold('-#', undefined, throttled());
      const answered = cold('-r|');
      const retried = inTurn([refused, answered]).pipe(retryWithBackoff({ random: () => random, onRetry }));
      expectObservable(retried).toBe(`${waitMs + 1}ms -r|`);
      expectSubscriptions(answered.subscriptions).toBe(`${waitMs + 1}ms ^-!`);
    });
    t.deepEqual(retries, [{ kind: 'throttled', attempt: 1, delayMs: waitMs }]);
  }
});

test('gives up with RetriesExhaustedError of kind throttled after maxThrottledAttempts', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const tooMany = throttled(100);
    const request = cold('-#', undefined, tooMany);
    const retried = request.pipe(retryWithBackoff({ maxThrottledAttempts: 3 }));
    expectObservable(retried).toBe('203ms #', undefined, new RetriesExhaustedError('throttled', 3, tooMany));
    // prettier-ignore
    expectSubscriptions(request.subscriptions).toBe(['       ^!', '101ms  ^!', '202ms  ^!']);
  });
});

test('a throttled wait pauses the shared bucket, so other streams on the host back off too', (t) => {
  marbles(t).run(({ cold, hot, expectObservable, expectSubscriptions }) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5 });
    const refused = cold('-#', undefined, throttled(2000));
    const answered = cold('-r|');
    const retried = inTurn([refused, answered]).pipe(rateLimit(bucket), retryWithBackoff({ bucket }));
    // Another stream asks for a token at 500 ms, during the pause: it goes first when the pause ends
    // at 2001 ms, and the retry, queued behind it, follows one interval later.
    const other = hot('500ms s').pipe(concatMap((value) => bucket.take().pipe(map(() => value))));
    expectObservable(retried).toBe('2101ms -r|');
    expectObservable(other).toBe('2001ms s');
    expectSubscriptions(answered.subscriptions).toBe('2101ms ^-!');
  });
});

test('counts throttled and transient failures separately; throttling does not grow the backoff', (t) => {
  const { retries, onRetry } = recorder();
  marbles(t).run(({ cold, expectObservable }) => {
    const attempts = [
      cold('-#', undefined, gatewayTimeout),
      cold('-#', undefined, throttled(100)),
      cold('-#', undefined, gatewayTimeout),
      cold('-r|'),
    ];
    const retried = inTurn(attempts).pipe(retryWithBackoff({ maxAttempts: 3, random: () => 0.5, onRetry }));
    expectObservable(retried).toBe('1228ms -r|');
  });
  t.deepEqual(retries, [
    { kind: 'transient', attempt: 1, delayMs: 375 },
    { kind: 'throttled', attempt: 2, delayMs: 100 },
    { kind: 'transient', attempt: 3, delayMs: 750 },
  ]);
});

test('attempt counters belong to one subscription: subscribing again starts afresh', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const request = cold('-#', undefined, gatewayTimeout);
    const retried = request.pipe(retryWithBackoff({ maxAttempts: 2, random: () => 0.5 }));
    const exhausted = new RetriesExhaustedError('transient', 2, gatewayTimeout);
    expectObservable(retried).toBe('377ms #', undefined, exhausted);
    expectObservable(retried, '1000ms ^').toBe('1377ms #', undefined, exhausted);
    // prettier-ignore
    expectSubscriptions(request.subscriptions).toBe(['        ^!', '376ms   ^!', '1000ms  ^!', '1376ms  ^!']);
  });
});

test('maxAttemptsOf gives up sooner on the failures it names, and only on those', (t) => {
  const serverError = Object.assign(new Error('500 Internal Server Error'), { kind: 'transient' as const });
  const sooner = (error: unknown) => (error === gatewayTimeout ? 2 : undefined);
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    // A 504: one retry after 375 ms, then RetriesExhaustedError at the second failure.
    const timedOut = cold('-#', undefined, gatewayTimeout);
    const retried = timedOut.pipe(
      retryWithBackoff({ maxAttempts: 4, maxAttemptsOf: sooner, random: () => 0.5 }),
    );
    expectObservable(retried).toBe(
      '377ms #',
      undefined,
      new RetriesExhaustedError('transient', 2, gatewayTimeout),
    );
    expectSubscriptions(timedOut.subscriptions).toBe(['^!', '376ms ^!']);
    // A 500 keeps the four attempts of maxAttempts.
    const failing = cold('-#', undefined, serverError);
    const kept = failing.pipe(retryWithBackoff({ maxAttempts: 4, maxAttemptsOf: sooner, random: () => 0.5 }));
    expectObservable(kept).toBe(
      '2629ms #',
      undefined,
      new RetriesExhaustedError('transient', 4, serverError),
    );
  });
});

test('passes a RetriesExhaustedError from further up through untouched', (t) => {
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const inner = new RetriesExhaustedError('transient', 4, gatewayTimeout);
    const request = cold('-#', undefined, inner);
    expectObservable(request.pipe(retryWithBackoff())).toBe('-#', undefined, inner);
    expectSubscriptions(request.subscriptions).toBe('^!');
  });
});

test('an exception thrown by onRetry errors the result instead of retrying', (t) => {
  const hook = new Error('onRetry broke');
  marbles(t).run(({ cold, expectObservable, expectSubscriptions }) => {
    const request = cold('-#', undefined, gatewayTimeout);
    const retried = request.pipe(
      retryWithBackoff({
        onRetry: () => {
          throw hook;
        },
      }),
    );
    expectObservable(retried).toBe('-#', undefined, hook);
    expectSubscriptions(request.subscriptions).toBe('^!');
  });
});

test('refuses a configuration it cannot honour, when the operator is created', (t) => {
  const invalid = [
    { maxAttempts: 0 },
    { maxAttempts: 1.5 },
    { maxThrottledAttempts: 0 },
    { baseDelayMs: -1 },
    { baseDelayMs: 1000, maxDelayMs: 500 },
    { throttleDelayMs: [15_000, 10_000] as const },
    { maxRetryAfterMs: Number.NaN },
  ];
  for (const config of invalid) {
    t.throws(() => retryWithBackoff(config), { instanceOf: RangeError }, JSON.stringify(config));
  }
  t.notThrows(() => retryWithBackoff());
});
