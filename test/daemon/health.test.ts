// What /healthz says, from the daemon's state, the breaker and the database: each problem once.
import test from 'ava';
import { healthOf } from '../../src/daemonCommand.ts';
import { initialStatus } from '../../src/streams/daemon.ts';

const closed = { state: 'closed' as const, retryInMs: () => 0, failures: 0 };

test('an active daemon whose last cycle succeeded is healthy; a standby too', (t) => {
  const active = { ...initialStatus(), role: 'active' as const, lastCycleOk: true };
  t.deepEqual(healthOf(active, closed, null).healthy, true);
  t.deepEqual(healthOf({ ...initialStatus(), role: 'standby' as const }, closed, null).healthy, true);
});

test('two unanswered calls in a row make it unhealthy before the breaker opens', (t) => {
  const active = { ...initialStatus(), role: 'active' as const, lastCycleOk: true };
  const report = healthOf(active, { ...closed, failures: 2 }, null);
  t.false(report.healthy);
  t.deepEqual(report.reasons, ['upstream is not answering: 2 calls in a row went unanswered']);
});

test('a lost database is one reason, not two; an open breaker says when it probes', (t) => {
  const failed = {
    ...initialStatus(),
    role: 'active' as const,
    lastCycleOk: false,
    lastError: 'the cycle failed: connect ECONNREFUSED',
  };
  t.deepEqual(healthOf(failed, closed, 'the database is unreachable: connect ECONNREFUSED').reasons, [
    'the database is unreachable: connect ECONNREFUSED',
  ]);
  t.deepEqual(healthOf(failed, { state: 'open', retryInMs: () => 14_200, failures: 8 }, null).reasons, [
    'upstream is not answering: circuit breaker open, next probe in 15 s',
  ]);
  t.deepEqual(healthOf(failed, closed, null).reasons, ['the cycle failed: connect ECONNREFUSED']);
});
