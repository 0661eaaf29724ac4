// A black-holed upstream is not hammered: against a replica where every call hangs, upstreamCall
// with a circuit breaker sends exactly `failureThreshold` calls, then only one probe per cool-down,
// and records every refusal (circuit_open, no status); an upstream that answers again closes it.
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import pino from 'pino';
import { lastValueFrom } from 'rxjs';
import type { Replica } from '../../replica/server.ts';
import { TokenBucket } from '../../src/operators/tokenBucket.ts';
import { type BreakerState, CircuitBreaker } from '../../src/sources/circuitBreaker.ts';
import { HttpClient } from '../../src/sources/httpClient.ts';
import { judge } from '../../src/sources/queryTool.ts';
import {
  type CallPolicy,
  type CallRecord,
  type CallStep,
  type RetryPolicy,
  upstreamCall,
} from '../../src/sources/upstreamCall.ts';
import { API_KEY, replicaFor } from '../replica/replicaTestKit.ts';

const replicas: Replica[] = [];
const clients: HttpClient[] = [];
test.after.always(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(replicas.map((replica) => replica.close()));
});

/** One attempt per call: a timeout or a refusal ends it at once, so each call is one record. */
const ONE_ATTEMPT: RetryPolicy = {
  maxAttempts: 1,
  maxCostlyAttempts: 1,
  maxThrottledAttempts: 1,
  baseDelayMs: 0,
  maxDelayMs: 0,
  throttleDelayMs: [0, 0],
  maxRetryAfterMs: 60_000,
};

const INDEXES = ['/api/stats/team/index', '/api/stats/player/index'] as const;

async function upstreams() {
  const [hung, healthy] = await Promise.all([
    replicaFor({ faults: { '*': { rates: { hang: 1 } } } }),
    replicaFor(),
  ]);
  replicas.push(hung, healthy);
  const client = (replica: Replica) => {
    const http = new HttpClient({ baseUrl: replica.url, apiKey: API_KEY, headersTimeoutMs: 200 });
    clients.push(http);
    return http;
  };
  return { hung, healthy, hungHttp: client(hung), healthyHttp: client(healthy) };
}

/** A breaker (threshold 3, cool-down 300 ms doubling) and the states it went through. */
function breakerWithLog() {
  const states: BreakerState[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    openMs: 300,
    maxOpenMs: 1000,
    onStateChange: (state) => states.push(state),
  });
  return { breaker, states };
}

function policyOf(
  http: HttpClient,
  breaker: CircuitBreaker,
  overrides: Partial<CallPolicy> = {},
): CallPolicy {
  return {
    http,
    bucket: new TokenBucket({ ratePerSecond: 1000, burst: 100 }),
    retry: ONE_ATTEMPT,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    breaker,
    ...overrides,
  };
}

/** One reference call (the team or the player index), alternating endpoints by `index`. */
function callIndex(policy: CallPolicy, index: number, records: CallRecord[]): Promise<CallStep<unknown>> {
  const request = {
    path: INDEXES[index % 2] as string,
    params: { leagueId: '00', season: '2025-26' },
    measure: null,
    gameIds: [],
    maxRows: null,
  };
  const read = (response: { body: unknown }) => ({
    value: response.body,
    rowsReturned: null,
    truncated: false,
  });
  return lastValueFrom(upstreamCall(policy, request, read, records));
}

const outline = (record: CallRecord) => ({
  endpoint: record.endpoint,
  status: record.status,
  errorKind: record.errorKind,
  action: record.action,
  reason: record.reason,
});

test('a hung upstream gets exactly threshold calls, then one probe per cool-down; a probe answered closes it', async (t) => {
  const { hung, healthy, hungHttp, healthyHttp } = await upstreams();
  const { breaker, states } = breakerWithLog();
  const records: CallRecord[] = [];
  const observed: CallRecord[] = [];
  const onCall = (record: CallRecord) => {
    t.is(records.at(-1), record, 'onCall is told of a record once it is in the ledger');
    observed.push(record);
  };
  const policy = policyOf(hungHttp, breaker, { onCall });

  // Three timeouts, over both endpoints, open it; the next five calls never reach the network.
  const steps: CallStep<unknown>[] = [];
  for (let i = 0; i < 8; i++) steps.push(await callIndex(policy, i, records));
  t.is(hung.stats().requests, 3);
  t.is(breaker.state, 'open');
  t.deepEqual(
    records.map((record) => record.reason),
    ['headers_timeout', 'headers_timeout', 'headers_timeout', ...Array(5).fill('circuit_open')],
  );
  t.deepEqual(outline(records[7] as CallRecord), {
    endpoint: '/api/stats/player/index',
    status: null,
    errorKind: 'throttled',
    action: 'failed',
    reason: 'circuit_open',
  });
  const refused = steps[7];
  if (refused?.ok !== false) throw new Error('a refused call succeeded');
  t.deepEqual(judge({ ok: false, error: refused.error, calls: [] }), {
    action: 'fail',
    reason: 'circuit_open',
  });

  // After the cool-down five callers at once: one is the probe, four are refused while it hangs.
  await sleep(breaker.retryInMs() + 20);
  const burst = records.length;
  await Promise.all([0, 1, 2, 3, 4].map((i) => callIndex(policy, i, records)));
  t.is(hung.stats().requests, 4);
  t.deepEqual(
    records
      .slice(burst)
      .map((record) => record.reason)
      .sort(),
    ['circuit_open', 'circuit_open', 'circuit_open', 'circuit_open', 'headers_timeout'],
  );
  t.is(breaker.state, 'open');
  t.is(breaker.cooldownMs, 600);

  // Upstream answers again: calls are still refused until the next probe, which closes the breaker.
  const recovered = policyOf(healthyHttp, breaker, { onCall });
  const early = await callIndex(recovered, 0, records);
  t.false(early.ok);
  t.is(healthy.stats().requests, 0);
  await sleep(breaker.retryInMs() + 20);
  const answered = await Promise.all([0, 1, 2].map((i) => callIndex(recovered, i, records)));
  t.deepEqual(
    answered.map((step) => step.ok),
    [true, false, false],
    'the probe goes alone; the others were refused while it was in flight',
  );
  t.is(breaker.state, 'closed');
  for (let i = 0; i < 3; i++) t.true((await callIndex(recovered, i, records)).ok);
  t.is(healthy.stats().requests, 4);
  t.is(hung.stats().requests, 4);

  t.deepEqual(states, ['open', 'half-open', 'open', 'half-open', 'closed']);
  const sent = records.filter((record) => record.reason !== 'circuit_open');
  t.is(sent.length, 8, 'every request the replicas saw, and no other, was sent');
  t.true(
    records
      .filter((record) => record.reason === 'circuit_open')
      .every((record) => record.status === null && record.errorKind === 'throttled'),
  );
  t.is(records.length, 8 + 5 + 1 + 3 + 3);
  t.is(observed.length, records.length);
  t.true(observed.every((record, i) => record === records[i]));
});

test('a refused call waits until the probe time and is then the probe, without a second refusal', async (t) => {
  const { hung, healthy, hungHttp, healthyHttp } = await upstreams();
  const { breaker, states } = breakerWithLog();
  const opening: CallRecord[] = [];
  for (let i = 0; i < 3; i++) await callIndex(policyOf(hungHttp, breaker), i, opening);
  t.is(breaker.state, 'open');
  t.is(hung.stats().requests, 3);

  const patient = policyOf(healthyHttp, breaker, { retry: { ...ONE_ATTEMPT, maxThrottledAttempts: 3 } });
  const records: CallRecord[] = [];
  const waitMs = breaker.retryInMs();
  const started = performance.now();
  const step = await callIndex(patient, 0, records);
  const elapsed = performance.now() - started;
  t.true(step.ok);
  t.deepEqual(records.map(outline), [
    {
      endpoint: '/api/stats/team/index',
      status: null,
      errorKind: 'throttled',
      action: 'wait_retry',
      reason: 'circuit_open',
    },
    { endpoint: '/api/stats/team/index', status: 200, errorKind: null, action: 'accepted', reason: null },
  ]);
  t.true(elapsed >= waitMs, `waited ${elapsed} ms for a probe due in ${waitMs} ms`);
  t.is(healthy.stats().requests, 1);
  t.deepEqual(states, ['open', 'half-open', 'closed']);
});

test('without a breaker nothing is refused; an onCall hook that throws changes no outcome', async (t) => {
  const { healthy, healthyHttp } = await upstreams();
  const logged: string[] = [];
  const policy: CallPolicy = {
    http: healthyHttp,
    bucket: new TokenBucket({ ratePerSecond: 1000, burst: 100 }),
    retry: ONE_ATTEMPT,
    logger: pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line).msg) }),
    onCall: () => {
      throw new Error('metrics are down');
    },
  };
  const records: CallRecord[] = [];
  const ok = await callIndex(policy, 0, records);
  const missing = await lastValueFrom(
    upstreamCall(
      policy,
      { path: '/api/stats/no/such', params: {}, measure: null, gameIds: [], maxRows: null },
      () => ({ value: null, rowsReturned: null, truncated: false }),
      records,
    ),
  );
  t.true(ok.ok);
  t.false(missing.ok);
  t.deepEqual(
    records.map((record) => [record.status, record.action, record.reason]),
    [
      [200, 'accepted', null],
      [404, 'failed', 'http_404'],
    ],
  );
  t.deepEqual(logged, ['onCall hook failed', 'onCall hook failed']);
  t.is(healthy.stats().requests, 2);
});
