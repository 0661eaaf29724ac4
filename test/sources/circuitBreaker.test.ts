// The circuit breaker's state machine on an injected clock: which outcomes count, when it opens, the
// one probe of half-open, the doubling cool-down and what onStateChange is told.
import test from 'ava';
import {
  type BreakerChange,
  type BreakerState,
  CIRCUIT_OPEN,
  CircuitBreaker,
  type CircuitBreakerConfig,
  circuitOpenError,
  isUnanswered,
} from '../../src/sources/circuitBreaker.ts';
import { UpstreamError } from '../../src/sources/upstreamError.ts';

const timeout = () => new UpstreamError('transient', 'headers_timeout', null, 'headers timeout');
const http503 = () => new UpstreamError('transient', 'http_503', 503, 'HTTP 503');
const http404 = () => new UpstreamError('permanent', 'http_404', 404, 'HTTP 404');
const http429 = () => new UpstreamError('throttled', 'http_429', 429, 'HTTP 429', 1000);
const http414 = () => new UpstreamError('size', 'http_414', 414, 'HTTP 414');

/** A breaker on a clock the test moves, with every state change it announced. */
function breakerAt(config: CircuitBreakerConfig = {}) {
  const clock = { now: 1000 };
  const changes: [BreakerState, BreakerChange][] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    openMs: 100,
    maxOpenMs: 350,
    now: () => clock.now,
    onStateChange: (state, change) => changes.push([state, change]),
    ...config,
  });
  /** One call let through and ended with `error` (undefined: answered). */
  const call = (error?: unknown) => {
    const permit = breaker.admit();
    if (permit === null) throw new Error('the breaker refused a call the test expected to pass');
    breaker.settle(permit, error);
    return permit;
  };
  return { breaker, clock, changes, call };
}

test('defaults: 8 failures, 15 s first cool-down, 5 min cap; closed to start with', (t) => {
  const breaker = new CircuitBreaker();
  t.deepEqual([breaker.failureThreshold, breaker.openMs, breaker.maxOpenMs], [8, 15_000, 300_000]);
  t.is(breaker.state, 'closed');
  t.is(breaker.openUntil, null);
  t.is(breaker.retryInMs(), 0);
});

test('opens after exactly failureThreshold transient failures in a row, and then refuses', (t) => {
  const { breaker, call } = breakerAt();
  call(timeout());
  call(http503());
  t.is(breaker.state, 'closed');
  t.is(breaker.failures, 2);
  call(new UpstreamError('transient', 'html_body', 200, 'HTML page'));
  t.is(breaker.state, 'open');
  t.is(breaker.failures, 3);
  t.is(breaker.openUntil, 1100);
  t.is(breaker.retryInMs(), 100);
  t.is(breaker.admit(), null);
  t.is(breaker.admit(), null);
  t.is(breaker.state, 'open');
});

test('throttled, size and permanent failures do not count and end a run of failures', (t) => {
  for (const answer of [http404(), http429(), http414(), new TypeError('x is undefined'), undefined]) {
    const { breaker, call } = breakerAt();
    call(timeout());
    call(timeout());
    call(answer);
    t.is(breaker.failures, 0);
    call(timeout());
    call(timeout());
    t.is(breaker.state, 'closed');
    call(timeout());
    t.is(breaker.state, 'open');
  }
});

test('a success resets the count: two failures, a success, two failures stay closed', (t) => {
  const { breaker, call, changes } = breakerAt();
  call(timeout());
  call(timeout());
  call();
  call(timeout());
  call(timeout());
  t.is(breaker.state, 'closed');
  t.is(breaker.failures, 2);
  t.deepEqual(changes, []);
});

test('isUnanswered: transient failures only, and never a refusal', (t) => {
  t.true(isUnanswered(timeout()));
  t.true(isUnanswered(http503()));
  t.true(isUnanswered(new UpstreamError('transient', 'connection_refused', null, 'refused')));
  t.false(isUnanswered(http404()));
  t.false(isUnanswered(http429()));
  t.false(isUnanswered(http414()));
  t.false(isUnanswered(new Error('unclassified')));
  t.false(isUnanswered(new UpstreamError('transient', CIRCUIT_OPEN, null, 'refused')));
});

test('after the cool-down one probe goes through; others are refused while it is in flight', (t) => {
  const { breaker, clock, call } = breakerAt();
  for (let i = 0; i < 3; i++) call(timeout());
  clock.now = 1099;
  t.is(breaker.admit(), null);
  t.is(breaker.retryInMs(), 1);
  clock.now = 1100;
  t.is(breaker.state, 'open');
  t.is(breaker.retryInMs(), 0);
  const probe = breaker.admit();
  t.deepEqual(probe, { probe: true, epoch: 1 });
  t.is(breaker.state, 'half-open');
  t.is(breaker.openUntil, null);
  t.is(breaker.admit(), null);
  clock.now = 5000;
  t.is(breaker.admit(), null, 'still refused however long the probe takes');
  t.is(breaker.retryInMs(), 100, 'a refused caller is told to wait the first cool-down');
});

test('a probe that is answered closes the breaker, even with a 404', (t) => {
  for (const answer of [undefined, http404()]) {
    const { breaker, clock, call } = breakerAt();
    for (let i = 0; i < 3; i++) call(timeout());
    clock.now = 1100;
    const probe = breaker.admit();
    if (probe === null) throw new Error('no probe');
    breaker.settle(probe, answer);
    t.is(breaker.state, 'closed');
    t.is(breaker.failures, 0);
    t.is(breaker.cooldownMs, 100);
    t.deepEqual(breaker.admit(), { probe: false, epoch: 1 });
  }
});

test('each failed probe re-opens with the cool-down doubled, up to maxOpenMs; a success resets it', (t) => {
  const { breaker, clock, call } = breakerAt();
  for (let i = 0; i < 3; i++) call(timeout());
  const probeTimes: number[] = [];
  const cooldowns: number[] = [];
  for (let i = 0; i < 4; i++) {
    clock.now = breaker.openUntil ?? Number.NaN;
    probeTimes.push(clock.now);
    clock.now += 1;
    t.is(breaker.state, 'open');
    call(timeout());
    cooldowns.push(breaker.cooldownMs);
  }
  t.deepEqual(probeTimes, [1100, 1301, 1652, 2003]);
  t.deepEqual(cooldowns, [200, 350, 350, 350]);
  clock.now = 2354;
  call();
  t.is(breaker.state, 'closed');
  for (let i = 0; i < 3; i++) call(timeout());
  t.is(breaker.openUntil, 2454, 'the next opening starts again from openMs');
});

test('outcomes of calls admitted before the breaker opened are ignored', (t) => {
  const { breaker, clock, call } = breakerAt();
  const late = [breaker.admit(), breaker.admit()];
  for (let i = 0; i < 3; i++) call(timeout());
  const [slowFailure, slowSuccess] = late;
  if (!slowFailure || !slowSuccess) throw new Error('closed breaker refused');
  breaker.settle(slowSuccess);
  t.is(breaker.state, 'open', 'only the probe closes it');
  clock.now = 1100;
  const probe = breaker.admit();
  if (probe === null) throw new Error('no probe');
  breaker.settle(slowFailure, timeout());
  t.is(breaker.state, 'half-open', 'a stale failure does not re-open it');
  breaker.settle(probe);
  t.is(breaker.state, 'closed');
  breaker.settle(slowFailure, timeout());
  t.is(breaker.failures, 0, 'nor counts once it is closed again');
});

test('onStateChange is told every change, after it happened', (t) => {
  const seen: BreakerState[] = [];
  const { breaker, clock, call, changes } = breakerAt({
    onStateChange: (state, change) => {
      seen.push(breaker.state);
      changes.push([state, change]);
    },
  });
  const opening = timeout();
  const reopening = http503();
  for (let i = 0; i < 2; i++) call(timeout());
  call(opening);
  clock.now = 1100;
  call(reopening);
  clock.now = 1300;
  call();
  t.deepEqual(changes, [
    ['open', { from: 'closed', failures: 3, openMs: 100, openUntil: 1100, error: opening }],
    ['half-open', { from: 'open', failures: 3, openMs: 100, openUntil: null }],
    ['open', { from: 'half-open', failures: 3, openMs: 200, openUntil: 1300, error: reopening }],
    ['half-open', { from: 'open', failures: 3, openMs: 200, openUntil: null }],
    ['closed', { from: 'half-open', failures: 0, openMs: 100, openUntil: null }],
  ]);
  t.deepEqual(seen, ['open', 'half-open', 'open', 'half-open', 'closed']);
});

test('a refusal is a throttled UpstreamError whose Retry-After is the wait until the probe (and 5 ms)', (t) => {
  const { breaker, clock, call } = breakerAt();
  for (let i = 0; i < 3; i++) call(timeout());
  clock.now = 1040;
  const error = circuitOpenError(breaker);
  t.deepEqual(
    { kind: error.kind, reason: error.reason, status: error.status, retryAfterMs: error.retryAfterMs },
    { kind: 'throttled', reason: 'circuit_open', status: null, retryAfterMs: 65 },
  );
  t.is(error.message, 'upstream circuit open: not sent, next probe in 60 ms');
});

test('the configuration is checked once, in the constructor', (t) => {
  t.throws(() => new CircuitBreaker({ failureThreshold: 0, openMs: -1, maxOpenMs: 10 }), {
    instanceOf: RangeError,
    message:
      'CircuitBreaker: failureThreshold must be an integer of at least 1, got 0; openMs must be a positive finite number, got -1',
  });
  t.throws(() => new CircuitBreaker({ openMs: 1000, maxOpenMs: 999 }), {
    instanceOf: RangeError,
    message: 'CircuitBreaker: maxOpenMs must be finite and at least openMs, got 999',
  });
});
