// The HTTP client's reading of what upstream's faults look like on the wire: an HTTP-date
// Retry-After is measured on the server's clock, and a body that stops arriving is a timeout.
import test from 'ava';
import { startReplica } from '../../replica/server.ts';
import { HttpClient } from '../../src/sources/httpClient.ts';
import { UpstreamError } from '../../src/sources/upstreamError.ts';
import { testSkeleton } from '../support/season.ts';

const SCHEDULE = ['/api/schedule/full', { leagueId: '00', season: '2025-26' }] as const;

async function failureOf(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

test('an HTTP-date Retry-After is the wait after the server’s Date header, whatever its clock says', async (t) => {
  // A server clock ten months behind this machine's: read against the local clock, the date would
  // already be past and the client would not wait at all.
  const replica = await startReplica({
    skeleton: testSkeleton(),
    clock: { start: '2026-02-20T17:00:00-05:00', speed: 1 },
    faults: { 'schedule-full': { rates: { '429Date': 1 }, retryAfterSeconds: 4 } },
  });
  const http = new HttpClient({ baseUrl: replica.url, apiKey: 'key' });
  t.teardown(async () => {
    await http.close();
    await replica.close();
  });
  const failure = await failureOf(http.get(...SCHEDULE));
  t.is(failure.kind, 'throttled');
  t.is(failure.status, 429);
  t.is(failure.retryAfterMs, 4000);
});

test('a body that stalls mid-way fails as body_timeout (a costly failure), not as a body cut short', async (t) => {
  const replica = await startReplica({
    skeleton: testSkeleton(),
    faults: { 'schedule-full': { rates: { stalledBody: 1 } } },
  });
  const http = new HttpClient({ baseUrl: replica.url, apiKey: 'key', bodyTimeoutMs: 300 });
  t.teardown(async () => {
    await http.close();
    await replica.close();
  });
  const failure = await failureOf(http.get(...SCHEDULE));
  t.deepEqual([failure.kind, failure.reason, failure.status], ['transient', 'body_timeout', 200]);
});

test('a body cut short fails as body_incomplete', async (t) => {
  const replica = await startReplica({
    skeleton: testSkeleton(),
    faults: { 'schedule-full': { rates: { truncatedBody: 1 } } },
  });
  const http = new HttpClient({ baseUrl: replica.url, apiKey: 'key' });
  t.teardown(async () => {
    await http.close();
    await replica.close();
  });
  const failure = await failureOf(http.get(...SCHEDULE));
  t.deepEqual([failure.kind, failure.reason, failure.status], ['transient', 'body_incomplete', 200]);
});
