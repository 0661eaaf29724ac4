// The daemon's Prometheus metrics: what upstream attempts and run summaries add up to, read back
// from the exposition text through a strict parser of the format, and labels that stay few.
import test from 'ava';
import { register as globalRegistry } from 'prom-client';
import { endpointOf, IngestMetrics, splitReasonOf, statusClassOf } from '../../src/metrics.ts';
import type { CallRecord } from '../../src/sources/upstreamCall.ts';
import type { BackfillSummary, DatasetSummary } from '../../src/streams/backfill.ts';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly help: ReadonlyMap<string, string>;
  readonly type: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_LINE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const COMMENT_LINE = new RegExp(`^# (HELP|TYPE) (${NAME}) (.*)$`);
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/** Text format 0.0.4: every line a HELP or TYPE comment, a sample, or empty; anything else fails. */
function parseExposition(text: string): Exposition {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const samples: Sample[] = [];
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const comment = COMMENT_LINE.exec(line);
    if (comment) {
      const [, kind, name, rest] = comment as unknown as [string, string, string, string];
      const seen = kind === 'HELP' ? help : type;
      if (seen.has(name)) throw new Error(`second ${kind} for ${name}`);
      if (kind === 'TYPE' && !TYPES.has(rest)) throw new Error(`unknown type in "${line}"`);
      seen.set(name, rest);
      continue;
    }
    const sample = SAMPLE_LINE.exec(line);
    if (!sample) throw new Error(`not a sample line: "${line}"`);
    const [, name, labelText, valueText] = sample as unknown as [string, string, string | undefined, string];
    const labels: Record<string, string> = {};
    let rest = labelText ?? '';
    while (rest !== '') {
      const label = LABEL.exec(rest);
      if (!label) throw new Error(`bad labels in "${line}"`);
      const [whole, key, raw] = label as unknown as [string, string, string];
      if (key in labels) throw new Error(`label ${key} twice in "${line}"`);
      labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      rest = rest.slice(whole.length);
    }
    const family = familyOf(name, type);
    if (!type.has(family)) throw new Error(`sample ${name} before its TYPE`);
    samples.push({ name, labels, value: sampleValue(valueText, line) });
  }
  return { help, type, samples };
}

/** A float as Prometheus reads it (Go's ParseFloat): NaN and Inf in any case (prom-client writes `Nan`). */
function sampleValue(text: string, line: string): number {
  const special = text.toLowerCase();
  if (special === 'nan') return Number.NaN;
  if (special === '+inf' || special === 'inf') return Infinity;
  if (special === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) throw new Error(`bad value in "${line}"`);
  return Number(text);
}

/** The metric a sample belongs to: histogram samples carry a _bucket, _sum or _count suffix. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  if (types.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return types.get(base) === 'histogram' || types.get(base) === 'summary' ? base : name;
}

/** Every sample of `name`, labels as `k=v,…` (sorted) → value, for exact comparison. */
function series(exposition: Exposition, name: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sample of exposition.samples) {
    if (sample.name !== name) continue;
    const key = Object.entries(sample.labels)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    out[key] = sample.value;
  }
  return out;
}

const OURS: Readonly<Record<string, string>> = {
  nba_ingest_upstream_calls_total: 'counter',
  nba_ingest_upstream_call_duration_seconds: 'histogram',
  nba_ingest_upstream_retries_total: 'counter',
  nba_ingest_upstream_splits_total: 'counter',
  nba_ingest_rows_merged_total: 'counter',
  nba_ingest_rows_quarantined_total: 'counter',
  nba_ingest_games_failed_total: 'counter',
  nba_ingest_runs_total: 'counter',
  nba_ingest_games_pending: 'gauge',
  nba_ingest_last_final_ingested_timestamp_seconds: 'gauge',
  nba_ingest_loop_lag_seconds: 'gauge',
  nba_ingest_healthy: 'gauge',
  nba_ingest_role: 'gauge',
  nba_ingest_upstream_circuit_open: 'gauge',
};

const SHOT_CHART = '/api/querytool/event/player';
const hustlePath = (gameId: string) => `/api/hustlestats/${gameId}_hustlestats.xml`;
const HUSTLE_LABEL = '/api/hustlestats/{gameId}_hustlestats.xml';

function call(fields: Partial<CallRecord> & Pick<CallRecord, 'endpoint'>): CallRecord {
  return {
    measure: null,
    gameCount: 1,
    batchParam: 'GameId',
    firstGameId: '0022500001',
    lastGameId: '0022500001',
    status: 200,
    rowsReturned: 10,
    maxRows: 10_000,
    truncated: false,
    attempt: 1,
    errorKind: null,
    action: 'accepted',
    reason: null,
    durationMs: 100,
    requestedAt: new Date('2026-01-15T12:00:00Z'),
    ...fields,
  };
}

function datasetSummary(fields: Partial<DatasetSummary> & Pick<DatasetSummary, 'dataset'>): DatasetSummary {
  return {
    unit: 'game',
    gamesSelected: 0,
    gamesSkipped: 0,
    gamesLoaded: 0,
    gamesFailed: 0,
    gamesUnavailable: 0,
    gamesWaiting: 0,
    rows: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsUnchanged: 0,
    calls: 0,
    callsByMeasure: {},
    rowsByMeasure: {},
    floorCalls: { rows: 0, requests: 0 },
    splits: 0,
    retries: 0,
    throttledWaits: 0,
    droppedUnrequested: 0,
    outOfRange: 0,
    duplicates: 0,
    dropped: {},
    quarantined: 0,
    failures: {},
    ...fields,
  };
}

function runSummary(fields: Partial<BackfillSummary> & Pick<BackfillSummary, 'datasets'>): BackfillSummary {
  return {
    runId: 1,
    dryRun: false,
    season: '2025-26',
    seasonType: 'Regular Season',
    outcome: 'succeeded',
    exitCode: 0,
    finalGames: 3,
    notFinalGames: 0,
    referenceCalls: 3,
    calls: 0,
    rows: 0,
    seconds: 1,
    rowsPerSecond: 0,
    peakRssMb: 100,
    stageMs: {},
    ...fields,
  };
}

const read = async (metrics: IngestMetrics) => parseExposition(await metrics.text());

test('every metric of ours has HELP and TYPE lines, next to the default process metrics', async (t) => {
  const exposition = await read(new IngestMetrics());
  for (const [name, type] of Object.entries(OURS)) {
    t.is(exposition.type.get(name), type, name);
    t.true((exposition.help.get(name) ?? '').length > 0, name);
  }
  t.is(exposition.type.get('process_cpu_user_seconds_total'), 'counter');
  t.is(exposition.type.get('nodejs_heap_size_used_bytes'), 'gauge');
  const ours = [...exposition.type.keys()].filter((name) => name.startsWith('nba_ingest_'));
  t.deepEqual(ours.sort(), Object.keys(OURS).sort());
});

test('metrics live on their own registry: two instances do not clash and the global one stays empty', async (t) => {
  const first = new IngestMetrics({ defaultMetrics: false });
  const second = new IngestMetrics({ defaultMetrics: false });
  first.observeCall(call({ endpoint: SHOT_CHART }));
  t.deepEqual(series(await read(first), 'nba_ingest_upstream_calls_total'), {
    'endpoint=/api/querytool/event/player,status_class=2xx': 1,
  });
  t.deepEqual(series(await read(second), 'nba_ingest_upstream_calls_total'), {});
  t.is(globalRegistry.getSingleMetric('nba_ingest_upstream_calls_total'), undefined);
});

test('counts upstream attempts by endpoint and status class, none for a transport failure', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  metrics.observeCall(call({ endpoint: SHOT_CHART }));
  metrics.observeCall(call({ endpoint: SHOT_CHART, attempt: 2 }));
  metrics.observeCall(call({ endpoint: SHOT_CHART, status: 503, errorKind: 'transient', action: 'retry' }));
  metrics.observeCall(
    call({ endpoint: SHOT_CHART, status: 429, errorKind: 'throttled', action: 'wait_retry' }),
  );
  metrics.observeCall(
    call({
      endpoint: SHOT_CHART,
      status: null,
      errorKind: 'transient',
      action: 'retry',
      reason: 'connection_reset',
    }),
  );
  metrics.observeCall(call({ endpoint: hustlePath('0022500001') }));
  metrics.observeCall(
    call({ endpoint: hustlePath('0022500002'), status: 404, errorKind: 'permanent', action: 'unavailable' }),
  );
  const exposition = await read(metrics);
  t.deepEqual(series(exposition, 'nba_ingest_upstream_calls_total'), {
    'endpoint=/api/querytool/event/player,status_class=2xx': 2,
    'endpoint=/api/querytool/event/player,status_class=5xx': 1,
    'endpoint=/api/querytool/event/player,status_class=4xx': 1,
    'endpoint=/api/querytool/event/player,status_class=none': 1,
    [`endpoint=${HUSTLE_LABEL},status_class=2xx`]: 1,
    [`endpoint=${HUSTLE_LABEL},status_class=4xx`]: 1,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_retries_total'), {
    'endpoint=/api/querytool/event/player,reason=transient': 2,
    'endpoint=/api/querytool/event/player,reason=throttled': 1,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_splits_total'), {});
});

test('counts splits by a cause from a fixed set, anything else as other', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  const split = (reason: string | null, status: number | null) =>
    metrics.observeCall(
      call({
        endpoint: SHOT_CHART,
        gameCount: 40,
        status,
        action: 'split',
        reason,
        truncated: reason === 'truncated',
      }),
    );
  split('truncated', 200);
  split('truncated', 200);
  split('http_414', 414);
  split('http_504', 504);
  split('headers_timeout', null);
  split('something_new', 200);
  split(null, 200);
  const exposition = await read(metrics);
  t.deepEqual(series(exposition, 'nba_ingest_upstream_splits_total'), {
    'endpoint=/api/querytool/event/player,reason=truncated': 2,
    'endpoint=/api/querytool/event/player,reason=http_414': 1,
    'endpoint=/api/querytool/event/player,reason=http_504': 1,
    'endpoint=/api/querytool/event/player,reason=headers_timeout': 1,
    'endpoint=/api/querytool/event/player,reason=other': 2,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_retries_total'), {});
});

test('a hustle path maps to the {gameId} label and no game id appears in the text', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  const gameIds = ['0022500001', '0022500002', '0022500003', '0042500117'];
  for (const gameId of gameIds) {
    metrics.observeCall(call({ endpoint: hustlePath(gameId), firstGameId: gameId, lastGameId: gameId }));
  }
  metrics.observeCall(
    call({ endpoint: hustlePath('0022500004'), status: 503, errorKind: 'transient', action: 'retry' }),
  );
  const text = await metrics.text();
  for (const gameId of [...gameIds, '0022500004']) t.false(text.includes(gameId), gameId);
  const exposition = parseExposition(text);
  t.deepEqual(series(exposition, 'nba_ingest_upstream_calls_total'), {
    [`endpoint=${HUSTLE_LABEL},status_class=2xx`]: 4,
    [`endpoint=${HUSTLE_LABEL},status_class=5xx`]: 1,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_retries_total'), {
    [`endpoint=${HUSTLE_LABEL},reason=transient`]: 1,
  });
});

test('endpoint labels: ids replaced, query strings dropped, fixed paths unchanged', (t) => {
  t.is(endpointOf('/api/hustlestats/0022500001_hustlestats.xml'), HUSTLE_LABEL);
  t.is(
    endpointOf('/api/hustlestats/0022500001_hustleevents.xml'),
    '/api/hustlestats/{gameId}_hustleevents.xml',
  );
  t.is(endpointOf(SHOT_CHART), SHOT_CHART);
  t.is(endpointOf('/api/stats/boxscore?gameId=0022500001'), '/api/stats/boxscore');
  t.is(endpointOf('/api/stats/player/203999'), '/api/stats/player/{id}');
  t.is(endpointOf('/api/v2/stats'), '/api/v2/stats');
});

test('status classes and split reasons come from fixed sets', (t) => {
  t.is(statusClassOf(null), 'none');
  t.is(statusClassOf(200), '2xx');
  t.is(statusClassOf(204), '2xx');
  t.is(statusClassOf(304), '3xx');
  t.is(statusClassOf(429), '4xx');
  t.is(statusClassOf(504), '5xx');
  t.is(statusClassOf(99), 'other');
  t.is(statusClassOf(600), 'other');
  t.is(splitReasonOf('truncated'), 'truncated');
  t.is(splitReasonOf('http_414'), 'http_414');
  t.is(splitReasonOf('http_504'), 'http_504');
  t.is(splitReasonOf('persistent_http_504'), 'other');
  t.is(splitReasonOf(null), 'other');
});

test('more distinct endpoints than the product has share the other label', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  for (let index = 0; index < 70; index += 1)
    metrics.observeCall(call({ endpoint: `/api/x/${'a'.repeat(index + 1)}` }));
  metrics.observeCall(call({ endpoint: '/api/x/a' }));
  const calls = series(await read(metrics), 'nba_ingest_upstream_calls_total');
  t.is(Object.keys(calls).length, 65);
  t.is(calls['endpoint=/api/x/a,status_class=2xx'], 2);
  t.is(calls['endpoint=other,status_class=2xx'], 6);
});

test('call durations go into a histogram by endpoint, in seconds', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false, durationBuckets: [0.1, 1] });
  metrics.observeCall(call({ endpoint: SHOT_CHART, durationMs: 50 }));
  metrics.observeCall(call({ endpoint: SHOT_CHART, durationMs: 250 }));
  metrics.observeCall(call({ endpoint: SHOT_CHART, durationMs: 4000 }));
  const exposition = await read(metrics);
  t.deepEqual(series(exposition, 'nba_ingest_upstream_call_duration_seconds_bucket'), {
    'endpoint=/api/querytool/event/player,le=0.1': 1,
    'endpoint=/api/querytool/event/player,le=1': 2,
    'endpoint=/api/querytool/event/player,le=+Inf': 3,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_call_duration_seconds_sum'), {
    'endpoint=/api/querytool/event/player': 4.3,
  });
  t.deepEqual(series(exposition, 'nba_ingest_upstream_call_duration_seconds_count'), {
    'endpoint=/api/querytool/event/player': 3,
  });
});

test('a run adds its merged rows by dataset and first table, quarantined rows, failed games and its outcome', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  metrics.observeRun(
    runSummary({
      outcome: 'partial',
      datasets: [
        datasetSummary({
          dataset: 'shot_chart',
          rowsInserted: 1200,
          rowsUpdated: 30,
          quarantined: 2,
          gamesFailed: 1,
        }),
        datasetSummary({ dataset: 'boxscore_traditional', rowsInserted: 60, rowsUpdated: 0 }),
        datasetSummary({ dataset: 'passes', rowsInserted: 5, rowsUpdated: 7 }),
      ],
    }),
  );
  metrics.observeRun(
    runSummary({ datasets: [datasetSummary({ dataset: 'shot_chart', rowsInserted: 300, quarantined: 1 })] }),
  );
  const exposition = await read(metrics);
  t.deepEqual(series(exposition, 'nba_ingest_rows_merged_total'), {
    'change=inserted,dataset=shot_chart,table=nba.shot_chart': 1500,
    'change=updated,dataset=shot_chart,table=nba.shot_chart': 30,
    'change=inserted,dataset=boxscore_traditional,table=nba.boxscores_traditional': 60,
    'change=updated,dataset=boxscore_traditional,table=nba.boxscores_traditional': 0,
    'change=inserted,dataset=passes,table=nba.querytool_events': 5,
    'change=updated,dataset=passes,table=nba.querytool_events': 7,
  });
  t.deepEqual(series(exposition, 'nba_ingest_rows_quarantined_total'), {
    'dataset=shot_chart': 3,
    'dataset=boxscore_traditional': 0,
    'dataset=passes': 0,
  });
  t.deepEqual(series(exposition, 'nba_ingest_games_failed_total'), {
    'dataset=shot_chart': 1,
    'dataset=boxscore_traditional': 0,
    'dataset=passes': 0,
  });
  t.deepEqual(series(exposition, 'nba_ingest_runs_total'), {
    'outcome=succeeded': 1,
    'outcome=partial': 1,
    'outcome=failed': 0,
    'outcome=interrupted': 0,
  });
});

test('a dry run merges nothing; a dataset not declared is counted as other', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  metrics.observeRun(
    runSummary({
      dryRun: true,
      runId: null,
      datasets: [datasetSummary({ dataset: 'tracking', rowsInserted: 100, gamesFailed: 2 })],
    }),
  );
  metrics.observeRun(
    runSummary({
      outcome: 'failed',
      datasets: [datasetSummary({ dataset: 'not_a_dataset', rowsInserted: 4, quarantined: 1 })],
    }),
  );
  const exposition = await read(metrics);
  t.deepEqual(series(exposition, 'nba_ingest_rows_merged_total'), {
    'change=inserted,dataset=other,table=other': 4,
    'change=updated,dataset=other,table=other': 0,
  });
  t.deepEqual(series(exposition, 'nba_ingest_games_failed_total'), {
    'dataset=tracking': 2,
    'dataset=other': 0,
  });
  t.deepEqual(series(exposition, 'nba_ingest_rows_quarantined_total'), {
    'dataset=tracking': 0,
    'dataset=other': 1,
  });
  t.is(series(exposition, 'nba_ingest_runs_total')['outcome=failed'], 1);
});

test('the daemon state gauges read what was set last', async (t) => {
  const metrics = new IngestMetrics({ defaultMetrics: false });
  const before = await read(metrics);
  t.deepEqual(series(before, 'nba_ingest_role'), {});
  t.deepEqual(series(before, 'nba_ingest_healthy'), { '': 0 });

  metrics.setGamesPending(12);
  metrics.setLastFinalIngested(new Date('2026-01-15T03:30:00.500Z'));
  metrics.setLoopLag(2.5);
  metrics.setHealthy(true);
  metrics.setRole('standby');
  metrics.setRole('active');
  metrics.setCircuitOpen(true);
  const after = await read(metrics);
  t.deepEqual(series(after, 'nba_ingest_games_pending'), { '': 12 });
  t.deepEqual(series(after, 'nba_ingest_last_final_ingested_timestamp_seconds'), { '': 1768447800.5 });
  t.deepEqual(series(after, 'nba_ingest_loop_lag_seconds'), { '': 2.5 });
  t.deepEqual(series(after, 'nba_ingest_healthy'), { '': 1 });
  t.deepEqual(series(after, 'nba_ingest_role'), { 'role=active': 1, 'role=standby': 0 });
  t.deepEqual(series(after, 'nba_ingest_upstream_circuit_open'), { '': 1 });

  metrics.setLoopLag(-0.2);
  metrics.setHealthy(false);
  metrics.setCircuitOpen(false);
  metrics.setGamesPending(0);
  const later = await read(metrics);
  t.deepEqual(series(later, 'nba_ingest_loop_lag_seconds'), { '': 0 });
  t.deepEqual(series(later, 'nba_ingest_healthy'), { '': 0 });
  t.deepEqual(series(later, 'nba_ingest_upstream_circuit_open'), { '': 0 });
  t.deepEqual(series(later, 'nba_ingest_games_pending'), { '': 0 });
});

test('options are checked at construction, gauge values when set', (t) => {
  t.throws(() => new IngestMetrics({ durationBuckets: [] }), { message: /at least one bucket/ });
  t.throws(() => new IngestMetrics({ durationBuckets: [1, 0.5] }), { message: /ascending/ });
  t.throws(() => new IngestMetrics({ durationBuckets: [0, 1] }), { message: /positive/ });
  const metrics = new IngestMetrics({ defaultMetrics: false });
  t.throws(() => metrics.setGamesPending(-1), { instanceOf: RangeError });
  t.throws(() => metrics.setGamesPending(1.5), { instanceOf: RangeError });
  t.throws(() => metrics.setLoopLag(Number.NaN), { instanceOf: RangeError });
  t.throws(() => metrics.setLastFinalIngested(new Date('not a date')), { instanceOf: RangeError });
  t.throws(() => metrics.setRole('leader' as 'active'), { instanceOf: RangeError });
});

test('the content type is the Prometheus text format 0.0.4', (t) => {
  t.is(new IngestMetrics({ defaultMetrics: false }).contentType, 'text/plain; version=0.0.4; charset=utf-8');
});
