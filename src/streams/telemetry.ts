// A run's telemetry: counters and stage timings kept while the stream runs, summarised at the end
// and stored with the run in nba_ingest.runs. Plain data, no I/O.
import type { Logger } from 'pino';
import { type CallRecord, wasRead } from '../sources/upstreamCall.ts';

export interface BatchTelemetry {
  readonly dataset: string;
  readonly games: number;
  readonly firstGameId: string | null;
  readonly lastGameId: string | null;
  readonly depth: number;
  readonly outcome: 'complete' | 'split' | 'failed';
  readonly reason: string | null;
  readonly rows: number;
  readonly fetchMs: number;
  readonly parseMs: number;
  readonly copyMs: number;
  readonly mergeMs: number;
}

/**
 * One dataset's share of a run: its ids in the order given — games (the caller orders them by date),
 * team ids for a team dataset, or the season label for a season-wide one — and its own records.
 */
export interface DatasetWork<Dataset> {
  readonly dataset: Dataset;
  readonly ids: readonly string[];
  readonly telemetry: DatasetTelemetry;
  /** The dataset's own child logger: it names the dataset already. */
  readonly logger: Logger;
}

/** What running one dataset's batches needs: the run's context with the dataset's own records. */
export type WorkContext<Context> = Context & Pick<DatasetWork<unknown>, 'telemetry' | 'logger'>;

export interface DatasetTelemetry {
  readonly dataset: string;
  gamesPlanned: number;
  gamesLoaded: number;
  gamesFailed: number;
  /** Games whose payload upstream has not published yet (hustle XML 403/404): left for a later run. */
  gamesUnavailable: number;
  rowsFetched: number;
  rowsWritten: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  rowsDeleted: number;
  duplicates: number;
  placeholders: number;
  droppedUnrequested: number;
  /** Stat values outside their unit's range, stored as NULL. */
  outOfRange: number;
  /** Sound rows not stored by a dataset's rule, by reason (e.g. `zero_minute_lineup`). */
  dropped: Record<string, number>;
  quarantined: number;
  batchesPlanned: number;
  splits: number;
  failedBatches: number;
  /** Upstream attempts by measure (EventType / MeasureType). */
  calls: Record<string, number>;
  /** Rows of accepted responses by measure: what the call floor is computed from. */
  acceptedRows: Record<string, number>;
  retries: number;
  throttledWaits: number;
  stageMs: { fetch: number; parse: number; copy: number; merge: number };
  failures: Record<string, number>;
  readonly batches: BatchTelemetry[];
}

export function emptyDatasetTelemetry(dataset: string): DatasetTelemetry {
  return {
    dataset,
    gamesPlanned: 0,
    gamesLoaded: 0,
    gamesFailed: 0,
    gamesUnavailable: 0,
    rowsFetched: 0,
    rowsWritten: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsUnchanged: 0,
    rowsDeleted: 0,
    duplicates: 0,
    placeholders: 0,
    droppedUnrequested: 0,
    outOfRange: 0,
    dropped: {},
    quarantined: 0,
    batchesPlanned: 0,
    splits: 0,
    failedBatches: 0,
    calls: {},
    acceptedRows: {},
    retries: 0,
    throttledWaits: 0,
    stageMs: { fetch: 0, parse: 0, copy: 0, merge: 0 },
    failures: {},
    batches: [],
  };
}

/** Counts one batch's upstream attempts into the dataset's totals. */
export function countCalls(telemetry: DatasetTelemetry, calls: readonly CallRecord[]): number {
  let fetchMs = 0;
  for (const call of calls) {
    const measure = call.measure ?? call.endpoint;
    telemetry.calls[measure] = (telemetry.calls[measure] ?? 0) + 1;
    if (wasRead(call)) {
      telemetry.acceptedRows[measure] = (telemetry.acceptedRows[measure] ?? 0) + (call.rowsReturned ?? 0);
    }
    if (call.action === 'retry') telemetry.retries += 1;
    if (call.action === 'wait_retry') telemetry.throttledWaits += 1;
    fetchMs += call.durationMs;
  }
  telemetry.stageMs.fetch += fetchMs;
  return fetchMs;
}

export function totalCalls(telemetry: DatasetTelemetry): number {
  return Object.values(telemetry.calls).reduce((sum, n) => sum + n, 0);
}

/** Counts `games` failed games under their reason (the exit code is decided from these reasons). */
export function countFailures(telemetry: DatasetTelemetry, reason: string, games: number): void {
  telemetry.failures[reason] = (telemetry.failures[reason] ?? 0) + games;
}
