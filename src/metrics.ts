// The ingest's Prometheus metrics: upstream calls, merged rows, the daemon's state, on a registry of
// its own (never prom-client's global one). Every label value comes from a small fixed set: endpoints
// with their ids replaced, reasons folded into a closed list, dataset and table names from DATASETS.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { CallRecord } from './sources/upstreamCall.ts';
import type { BackfillSummary } from './streams/backfill.ts';
import { type Dataset, tablesOf } from './streams/dataset.ts';
import { DATASETS } from './streams/datasets.ts';

const PREFIX = 'nba_ingest_';

/** Call duration buckets in seconds: a fast cached answer to a Query Tool call near its timeout. */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** More distinct endpoints than the product calls means ids leak into paths: the rest share `other`. */
const MAX_ENDPOINTS = 64;

/** A game id in a path (hustle feeds: `/api/hustlestats/0022500001_hustlestats.xml`). */
const GAME_ID_IN_PATH = /\d{10}/g;
/** Any other long number in a path (a team or player id) must not become a label either. */
const ID_IN_PATH = /\d{5,}/g;
const HAS_DIGIT = /\d/;

const STATUS_CLASSES = ['none', '1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const;
type StatusClass = (typeof STATUS_CLASSES)[number];

const RETRY_REASONS = ['throttled', 'size', 'transient', 'permanent', 'unknown'] as const;
type RetryReason = (typeof RETRY_REASONS)[number];

/** The causes of a split (SPEC §4: truncation, 414, persistent 504 or timeout), and `other`. */
export const SPLIT_REASONS = [
  'truncated',
  'http_414',
  'http_500',
  'http_502',
  'http_503',
  'http_504',
  'headers_timeout',
  'body_timeout',
  'connect_timeout',
  'connection_reset',
  'other',
] as const;
export type SplitReason = (typeof SPLIT_REASONS)[number];
const SPLIT_REASON_SET: ReadonlySet<string> = new Set(SPLIT_REASONS);

export type Role = 'active' | 'standby';
const ROLES: readonly Role[] = ['active', 'standby'];

const RUN_OUTCOMES: readonly BackfillSummary['outcome'][] = ['succeeded', 'partial', 'failed', 'interrupted'];

export interface IngestMetricsOptions {
  /** The declarations run summaries name, for their table labels (default DATASETS). */
  readonly datasets?: ReadonlyMap<string, Dataset>;
  /** Register prom-client's default process and Node.js metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Upper bounds of the call duration histogram, in seconds, ascending (default DEFAULT_DURATION_BUCKETS). */
  readonly durationBuckets?: readonly number[];
}

type Labels<K extends string> = Readonly<Record<K, string>>;

/** Label objects built once per endpoint, so that observing a call allocates none. */
interface EndpointLabels {
  readonly calls: Readonly<Record<StatusClass, Labels<'endpoint' | 'status_class'>>>;
  readonly duration: Labels<'endpoint'>;
  readonly retries: Readonly<Record<RetryReason, Labels<'endpoint' | 'reason'>>>;
  readonly splits: Readonly<Record<SplitReason, Labels<'endpoint' | 'reason'>>>;
}

/** The labels of one dataset's run metrics: its name and its first target table. */
interface DatasetLabels {
  readonly dataset: Labels<'dataset'>;
  readonly inserted: Labels<'dataset' | 'table' | 'change'>;
  readonly updated: Labels<'dataset' | 'table' | 'change'>;
}

/**
 * The ingest's metrics. The daemon owns one, feeds it every upstream attempt and every run summary,
 * sets its state gauges each cycle, and serves `text()` on /metrics.
 *
 * @example
 * const metrics = new IngestMetrics();
 * for (const record of records) metrics.observeCall(record);
 * metrics.observeRun(summary);
 * response.setHeader('content-type', metrics.contentType).end(await metrics.text());
 */
export class IngestMetrics {
  readonly #registry = new Registry();
  readonly #calls: Counter<'endpoint' | 'status_class'>;
  readonly #duration: Histogram<'endpoint'>;
  readonly #retries: Counter<'endpoint' | 'reason'>;
  readonly #splits: Counter<'endpoint' | 'reason'>;
  readonly #rowsMerged: Counter<'dataset' | 'table' | 'change'>;
  readonly #rowsQuarantined: Counter<'dataset'>;
  readonly #gamesFailed: Counter<'dataset'>;
  readonly #runs: Counter<'outcome'>;
  readonly #gamesPending: Gauge;
  readonly #lastFinalIngested: Gauge;
  readonly #loopLag: Gauge;
  readonly #healthy: Gauge;
  readonly #role: Gauge<'role'>;
  readonly #circuitOpen: Gauge;
  /** By raw path for paths without ids (a bounded set), by pattern for the others. */
  readonly #endpointsByPath = new Map<string, EndpointLabels>();
  readonly #endpointsByPattern = new Map<string, EndpointLabels>();
  readonly #otherEndpoint = endpointLabels('other');
  readonly #datasets: ReadonlyMap<string, DatasetLabels>;
  readonly #otherDataset = datasetLabels('other', 'other');

  constructor(options: IngestMetricsOptions = {}) {
    const buckets = options.durationBuckets ?? DEFAULT_DURATION_BUCKETS;
    checkBuckets(buckets);
    const declarations = options.datasets ?? DATASETS;
    this.#datasets = new Map(
      [...declarations].map(([name, dataset]) => [name, datasetLabels(name, tablesOf(dataset)[0].table)]),
    );
    const registers = [this.#registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.#registry });

    this.#calls = new Counter({
      name: `${PREFIX}upstream_calls_total`,
      help: 'Upstream attempts, by endpoint (ids replaced) and status class (none: no response).',
      labelNames: ['endpoint', 'status_class'],
      registers,
    });
    this.#duration = new Histogram({
      name: `${PREFIX}upstream_call_duration_seconds`,
      help: 'Duration of upstream attempts, by endpoint (ids replaced).',
      labelNames: ['endpoint'],
      buckets: [...buckets],
      registers,
    });
    this.#retries = new Counter({
      name: `${PREFIX}upstream_retries_total`,
      help: 'Upstream attempts followed by the same request again, by endpoint and error kind.',
      labelNames: ['endpoint', 'reason'],
      registers,
    });
    this.#splits = new Counter({
      name: `${PREFIX}upstream_splits_total`,
      help: 'Upstream attempts whose batch is split in halves, by endpoint and cause.',
      labelNames: ['endpoint', 'reason'],
      registers,
    });
    this.#rowsMerged = new Counter({
      name: `${PREFIX}rows_merged_total`,
      help: 'Rows a merge inserted or updated, by dataset and its first target table.',
      labelNames: ['dataset', 'table', 'change'],
      registers,
    });
    this.#rowsQuarantined = new Counter({
      name: `${PREFIX}rows_quarantined_total`,
      help: 'Rows or payloads quarantined, by dataset.',
      labelNames: ['dataset'],
      registers,
    });
    this.#gamesFailed = new Counter({
      name: `${PREFIX}games_failed_total`,
      help: 'Games (teams, seasons for season-wide datasets) a run failed to load, by dataset.',
      labelNames: ['dataset'],
      registers,
    });
    this.#runs = new Counter({
      name: `${PREFIX}runs_total`,
      help: 'Ingest runs, by outcome.',
      labelNames: ['outcome'],
      registers,
    });
    this.#gamesPending = new Gauge({
      name: `${PREFIX}games_pending`,
      help: 'Final games not loaded yet, as of the last cycle.',
      registers,
    });
    this.#lastFinalIngested = new Gauge({
      name: `${PREFIX}last_final_ingested_timestamp_seconds`,
      help: 'When the last final game was ingested, in Unix seconds (0: never).',
      registers,
    });
    this.#loopLag = new Gauge({
      name: `${PREFIX}loop_lag_seconds`,
      help: "How late the daemon's last cycle started after it was due.",
      registers,
    });
    this.#healthy = new Gauge({
      name: `${PREFIX}healthy`,
      help: '1 when the last health check passed, 0 otherwise.',
      registers,
    });
    this.#role = new Gauge({
      name: `${PREFIX}role`,
      help: "1 for the daemon's current role, 0 for the other.",
      labelNames: ['role'],
      registers,
    });
    this.#circuitOpen = new Gauge({
      name: `${PREFIX}upstream_circuit_open`,
      help: '1 while calls upstream are suspended after repeated failures, 0 otherwise.',
      registers,
    });
    // Every outcome from the start, so that a rate over the first failure is not a missing series.
    for (const outcome of RUN_OUTCOMES) this.#runs.inc({ outcome }, 0);
  }

  /** Prometheus text format 0.0.4, as /metrics answers. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** The exposition text of every metric, default process metrics included. */
  async text(): Promise<string> {
    return await this.#registry.metrics();
  }

  /** One upstream attempt, as upstreamCall records it. */
  observeCall(record: CallRecord): void {
    const labels = this.#endpoint(record.endpoint);
    this.#calls.inc(labels.calls[statusClassOf(record.status)]);
    this.#duration.observe(labels.duration, record.durationMs / 1000);
    if (record.action === 'retry' || record.action === 'wait_retry') {
      this.#retries.inc(labels.retries[record.errorKind ?? 'unknown']);
    } else if (record.action === 'split') {
      this.#splits.inc(labels.splits[splitReasonOf(record.reason)]);
    }
  }

  /** A run's totals. A dry run merges nothing, so its rows are not counted as merged. */
  observeRun(summary: BackfillSummary): void {
    for (const dataset of summary.datasets) {
      const labels = this.#datasets.get(dataset.dataset) ?? this.#otherDataset;
      if (!summary.dryRun) {
        this.#rowsMerged.inc(labels.inserted, dataset.rowsInserted);
        this.#rowsMerged.inc(labels.updated, dataset.rowsUpdated);
      }
      this.#rowsQuarantined.inc(labels.dataset, dataset.quarantined);
      this.#gamesFailed.inc(labels.dataset, dataset.gamesFailed);
    }
    this.#runs.inc({ outcome: summary.outcome });
  }

  setGamesPending(count: number): void {
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new RangeError(`games pending must be a non-negative integer, got ${count}`);
    }
    this.#gamesPending.set(count);
  }

  setLastFinalIngested(at: Date): void {
    const ms = at.getTime();
    if (Number.isNaN(ms)) throw new RangeError('the last final game ingested needs a valid date');
    this.#lastFinalIngested.set(ms / 1000);
  }

  /** Seconds the last cycle started after it was due; one that started early is not late (0). */
  setLoopLag(seconds: number): void {
    if (!Number.isFinite(seconds)) throw new RangeError(`loop lag must be a finite number, got ${seconds}`);
    this.#loopLag.set(Math.max(0, seconds));
  }

  setHealthy(healthy: boolean): void {
    this.#healthy.set(healthy ? 1 : 0);
  }

  setRole(role: Role): void {
    if (!ROLES.includes(role)) throw new RangeError(`role must be active or standby, got ${String(role)}`);
    for (const each of ROLES) this.#role.set({ role: each }, each === role ? 1 : 0);
  }

  setCircuitOpen(open: boolean): void {
    this.#circuitOpen.set(open ? 1 : 0);
  }

  #endpoint(path: string): EndpointLabels {
    const known = this.#endpointsByPath.get(path);
    if (known !== undefined) return known;
    const pattern = endpointOf(path);
    // A path without ids is one of the product's few fixed paths, and is cached as it is; a path
    // with ids is one of many (a game each) and only its pattern is kept.
    const cache = pattern === path ? this.#endpointsByPath : this.#endpointsByPattern;
    const cached = cache.get(pattern);
    if (cached !== undefined) return cached;
    if (this.#endpointsByPath.size + this.#endpointsByPattern.size >= MAX_ENDPOINTS)
      return this.#otherEndpoint;
    const labels = endpointLabels(pattern);
    cache.set(pattern, labels);
    return labels;
  }
}

/**
 * The endpoint label of a request path: the query string dropped, a game id replaced by `{gameId}`
 * and any other id of five digits or more by `{id}`.
 *
 * @example
 * endpointOf('/api/hustlestats/0022500001_hustlestats.xml'); // '/api/hustlestats/{gameId}_hustlestats.xml'
 * endpointOf('/api/querytool/event/player');                 // unchanged
 */
export function endpointOf(path: string): string {
  const query = path.indexOf('?');
  const bare = query === -1 ? path : path.slice(0, query);
  if (!HAS_DIGIT.test(bare)) return bare;
  return bare.replace(GAME_ID_IN_PATH, '{gameId}').replace(ID_IN_PATH, '{id}');
}

/** `2xx`-style class of an HTTP status; `none` when no response arrived. */
export function statusClassOf(status: number | null): StatusClass {
  if (status === null) return 'none';
  if (!Number.isInteger(status) || status < 100 || status > 599) return 'other';
  return STATUS_CLASSES[Math.floor(status / 100)] as StatusClass;
}

/** A split record's reason folded into SPLIT_REASONS; anything else is `other`. */
export function splitReasonOf(reason: string | null): SplitReason {
  if (reason === null) return 'other';
  return SPLIT_REASON_SET.has(reason) ? (reason as SplitReason) : 'other';
}

function endpointLabels(endpoint: string): EndpointLabels {
  const byKey = <K extends string, L>(keys: readonly K[], make: (key: K) => L) =>
    Object.fromEntries(keys.map((key) => [key, make(key)])) as Record<K, L>;
  return {
    calls: byKey(STATUS_CLASSES, (status_class) => ({ endpoint, status_class })),
    duration: { endpoint },
    retries: byKey(RETRY_REASONS, (reason) => ({ endpoint, reason })),
    splits: byKey(SPLIT_REASONS, (reason) => ({ endpoint, reason })),
  };
}

function datasetLabels(dataset: string, table: string): DatasetLabels {
  return {
    dataset: { dataset },
    inserted: { dataset, table, change: 'inserted' },
    updated: { dataset, table, change: 'updated' },
  };
}

function checkBuckets(buckets: readonly number[]): void {
  if (buckets.length === 0) throw new RangeError('durationBuckets: at least one bucket is needed');
  buckets.forEach((bound, index) => {
    const previous = buckets[index - 1];
    if (!Number.isFinite(bound) || bound <= 0 || (previous !== undefined && bound <= previous)) {
      throw new RangeError(
        `durationBuckets: bounds must be positive, finite and ascending, got ${buckets.join(', ')}`,
      );
    }
  });
}
