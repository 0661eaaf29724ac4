// The Query Tool source: turns a GameId batch into the responses of a dataset's calls, checking
// each for the API's silent truncation and splitting the batch while it is too large.
import { concatMap, defer, from, type Observable, of, reduce, takeWhile } from 'rxjs';
import type { GameId } from '../gameId.ts';
import { errorKindOf, RetriesExhaustedError } from '../operators/errorKind.ts';
import { type BatchOutcome, splitOnTruncation, type Verdict } from '../operators/splitOnTruncation.ts';
import type { HttpResponse, QueryParams } from './httpClient.ts';
import {
  type CallPolicy,
  type CallRecord,
  type CallStep,
  type ReadResult,
  upstreamCall,
} from './upstreamCall.ts';
import { UpstreamError } from './upstreamError.ts';

export type BatchParam = 'GameId' | 'TeamId';

/** One Query Tool call a dataset makes per batch, e.g. `/event/player` with `EventType=FieldGoals`. */
export interface QueryToolCall {
  readonly path: string;
  readonly params: QueryParams;
  /** The EventType or MeasureType, used in logs and the request ledger. */
  readonly measure: string;
  readonly rowsKey: string;
  /**
   * The parameter the batch's ids go in: `GameId` (default) or, for season-wide endpoints that are
   * scoped by team, `TeamId`. Both take a comma-separated list of 10-digit ids.
   */
  readonly batchParam?: BatchParam;
  /** Most ids the endpoint takes in `batchParam` at once (`/season/lineups`: 10 teams); none when unset. */
  readonly maxBatchIds?: number;
  /**
   * Turns an accepted response's rows into what the caller keeps (validated rows, say) as soon as
   * it arrives, so one call's raw JSON is not held while the batch's next call is fetched.
   */
  readonly readRows?: (rows: readonly unknown[]) => readonly unknown[];
  /**
   * What `readRows`' output says of an answer to the ids requested, or null when nothing: the reason
   * some of its rows will be quarantined (`unrequested_game`, `schema_mismatch`), which the call's
   * ledger record carries, so a data fault leaves its trace where the transport faults leave theirs;
   * or, with `split`, that the answer cannot be read for that many ids (rows that name none of them)
   * and a request of fewer can: a size failure, split like a truncated one.
   */
  readonly inspect?: (rows: readonly unknown[], requested: readonly string[]) => AnswerVerdict | null;
}

export interface AnswerVerdict {
  readonly reason: string;
  readonly split?: boolean;
}

export interface QueryToolResponse {
  readonly call: QueryToolCall;
  readonly rows: readonly unknown[];
  readonly rowsReturned: number;
}

/** The result of fetching one batch: every call's response, or the first failure. Never an error. */
export type BatchFetch =
  | {
      readonly ok: true;
      readonly responses: readonly QueryToolResponse[];
      readonly calls: readonly CallRecord[];
    }
  | { readonly ok: false; readonly error: unknown; readonly calls: readonly CallRecord[] };

export interface QueryToolSourceConfig {
  readonly policy: CallPolicy;
  /** LeagueId, SeasonYear, SeasonType: sent with every call. */
  readonly scope: QueryParams;
  /** Always sent explicitly; the API's hard cap is 10,000 and it truncates silently below it. */
  readonly maxRowsReturned: number;
  /** Default caps the API applies silently; a response of exactly that many rows is suspect. */
  readonly knownDefaultCaps?: readonly number[];
  /**
   * Most ids one request of a call may carry before the host answers 504 (learned by the planner),
   * asked before each call: a batch larger than that sends the call in even chunks and joins their
   * rows, so one expensive measure does not shrink the batches of the dataset's other calls.
   */
  readonly chunkLimit?: (call: QueryToolCall) => number;
}

/** A response this close to the cap may have been cut short: 9,900 of 10,000 (seed notes). */
export const TRUNCATION_RATIO = 0.99;
export const MAX_ROWS_HARD_CAP = 10_000;
const GAME_ID_LENGTH = 10;

/** Rows at which a response to `maxRowsReturned` counts as truncated: 9,900 of 10,000. */
export const truncationThreshold = (maxRowsReturned: number): number =>
  Math.floor(maxRowsReturned * TRUNCATION_RATIO);

export class QueryToolSource {
  readonly #config: QueryToolSourceConfig;
  readonly truncationThreshold: number;

  constructor(config: QueryToolSourceConfig) {
    const { maxRowsReturned } = config;
    if (!Number.isInteger(maxRowsReturned) || maxRowsReturned < 1 || maxRowsReturned > MAX_ROWS_HARD_CAP) {
      throw new Error(
        `MaxRowsReturned must be an integer from 1 to ${MAX_ROWS_HARD_CAP}, got ${maxRowsReturned}`,
      );
    }
    this.#config = config;
    this.truncationThreshold = truncationThreshold(maxRowsReturned);
  }

  isTruncated(rowCount: number): boolean {
    return rowCount >= this.truncationThreshold || (this.#config.knownDefaultCaps ?? []).includes(rowCount);
  }

  /**
   * Fetches a batch and, while a response is truncated or too large, its halves: one outcome per
   * attempted (sub-)batch, `complete` ones carrying every call's rows.
   */
  batches<Id extends string = GameId>(
    calls: readonly QueryToolCall[],
    batch: readonly Id[],
  ): Observable<BatchOutcome<Id, BatchFetch>> {
    return of(batch).pipe(
      splitOnTruncation<Id, BatchFetch>({
        fetch: (part) => this.fetch(calls, part),
        judge,
        // A full halving tree over n games has 2n-1 nodes: anything beyond that is a runaway.
        maxWork: 2 * batch.length,
      }),
    );
  }

  /** The dataset's calls for one batch, in order; stops at the first call that is not accepted. */
  fetch(calls: readonly QueryToolCall[], batch: readonly string[]): Observable<BatchFetch> {
    return defer(() => {
      const records: CallRecord[] = [];
      const seed: BatchFetch = { ok: true, responses: [], calls: records };
      return from(calls).pipe(
        concatMap((call) => this.#chunked(call, batch, records)),
        takeWhile((step) => step.ok && !step.truncated, true),
        reduce<CallStep<QueryToolResponse>, BatchFetch>((acc, step) => {
          if (!acc.ok) return acc;
          if (!step.ok) return { ok: false, error: step.error, calls: records };
          if (step.truncated) {
            const measure = step.value.call.measure;
            const error = new UpstreamError(
              'size',
              'truncated',
              200,
              `${measure}: ${step.rowsReturned} rows, truncated`,
            );
            return { ok: false, error, calls: records };
          }
          return { ok: true, responses: [...acc.responses, step.value], calls: records };
        }, seed),
      );
    });
  }

  /**
   * Bytes of the request target (path and query, percent-decoded) the call sends for the batch:
   * what a server's request-line limit counts (the API answers 414 at about 3.5 KB, the replica above 3,500).
   */
  requestTargetLength(call: QueryToolCall, batch: readonly string[]): number {
    const url = new URL(this.#config.policy.http.url(call.path, this.#params(call, batch)));
    return Buffer.byteLength(decodeURIComponent(`${url.pathname}${url.search}`));
  }

  /**
   * The most ids a batch may hold so that every one of the calls stays within `budgetBytes` of
   * request target and within its `maxBatchIds`; at least 1 (a single id cannot be made shorter).
   */
  maxGameIds(calls: readonly QueryToolCall[], budgetBytes: number): number {
    // The length grows by the same amount per id (10 digits and a comma): solve, don't search.
    const id = '0'.repeat(GAME_ID_LENGTH);
    const fits = calls.map((call) => {
      const one = this.requestTargetLength(call, [id]);
      const perId = this.requestTargetLength(call, [id, id]) - one;
      return Math.min(1 + Math.floor((budgetBytes - one) / perId), call.maxBatchIds ?? Infinity);
    });
    return Math.max(1, Math.min(...fits));
  }

  #params(call: QueryToolCall, batch: readonly string[]): QueryParams {
    const { scope, maxRowsReturned } = this.#config;
    const ids = { [call.batchParam ?? 'GameId']: batch.join(',') };
    return { ...scope, ...call.params, ...ids, MaxRowsReturned: String(maxRowsReturned) };
  }

  /**
   * One call for the batch, as even chunks of at most `chunkLimit(call)` ids sent one after another;
   * their rows joined, ended by the first chunk that fails or is truncated (the batch then splits).
   */
  #chunked(
    call: QueryToolCall,
    batch: readonly string[],
    records: CallRecord[],
  ): Observable<CallStep<QueryToolResponse>> {
    const limit = Math.max(1, Math.floor(this.#config.chunkLimit?.(call) ?? Infinity));
    if (batch.length <= limit) return this.#call(call, batch, batch, records);
    const count = Math.ceil(batch.length / limit);
    const size = Math.ceil(batch.length / count);
    const chunks = Array.from({ length: count }, (_, index) => batch.slice(index * size, (index + 1) * size));
    const seed: CallStep<QueryToolResponse> = {
      ok: true,
      value: { call, rows: [], rowsReturned: 0 },
      rowsReturned: 0,
      truncated: false,
    };
    return from(chunks).pipe(
      concatMap((chunk) => this.#call(call, chunk, batch, records)),
      takeWhile((step) => step.ok && !step.truncated, true),
      reduce<CallStep<QueryToolResponse>, CallStep<QueryToolResponse>>((joined, step) => {
        if (!joined.ok || !step.ok || step.truncated) return joined.ok ? step : joined;
        const rows = [...joined.value.rows, ...step.value.rows];
        const rowsReturned = joined.value.rowsReturned + step.value.rowsReturned;
        return { ok: true, value: { call, rows, rowsReturned }, rowsReturned, truncated: false };
      }, seed),
    );
  }

  /** One request for `batch` (a chunk of `requested`, the batch the answer is judged for). */
  #call(
    call: QueryToolCall,
    batch: readonly string[],
    requested: readonly string[],
    records: CallRecord[],
  ): Observable<CallStep<QueryToolResponse>> {
    const { policy, maxRowsReturned } = this.#config;
    const params = this.#params(call, batch);
    const read = (response: HttpResponse): ReadResult<QueryToolResponse> => {
      const envelope = readEnvelope(call, response);
      const truncated = this.isTruncated(Math.max(envelope.rowsReturned, envelope.rows.length));
      // A truncated answer is thrown away whole: no point in reading its rows.
      const value =
        call.readRows && !truncated ? { ...envelope, rows: call.readRows(envelope.rows) } : envelope;
      const verdict = truncated ? null : (call.inspect?.(value.rows, requested) ?? null);
      if (verdict?.split) {
        throw new UpstreamError(
          'size',
          verdict.reason,
          response.status,
          `${call.measure}: ${verdict.reason}`,
        );
      }
      return { value, rowsReturned: envelope.rowsReturned, truncated, quarantined: verdict?.reason ?? null };
    };
    const request = {
      path: call.path,
      params,
      measure: call.measure,
      gameIds: batch,
      batchParam: call.batchParam ?? 'GameId',
      maxRows: maxRowsReturned,
    };
    return upstreamCall(policy, request, read, records);
  }
}

/**
 * Size errors (414, truncation) and transient errors that outlived their retries split the batch;
 * a permanent or persistently throttled failure fails it.
 */
export function judge(result: BatchFetch): Verdict {
  if (result.ok) return { action: 'accept' };
  const { error } = result;
  const kind = errorKindOf(error);
  const reason = reasonOf(error);
  if (kind === 'size') return { action: 'split', reason };
  if (kind === 'transient' && error instanceof RetriesExhaustedError) {
    return { action: 'split', reason: `persistent_${reason}` };
  }
  return { action: 'fail', reason };
}

/** The short cause of a failure, looking through a RetriesExhaustedError to the last error. */
export function reasonOf(error: unknown): string {
  const last = error instanceof RetriesExhaustedError ? error.cause : error;
  if (last instanceof UpstreamError) return last.reason;
  return 'unexpected_error';
}

/** The Query Tool envelope: `{ meta: { rowsReturned }, <rowsKey>: [...] }`; anything else is an upstream error. */
function readEnvelope(call: QueryToolCall, response: HttpResponse): QueryToolResponse {
  const { body, status } = response;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new UpstreamError(
      'transient',
      'not_an_envelope',
      status,
      `${call.measure}: the body is not a JSON object`,
    );
  }
  const record = body as Record<string, unknown>;
  const rows = record[call.rowsKey];
  const meta = record.meta;
  if (!Array.isArray(rows) || typeof meta !== 'object' || meta === null) {
    const reason = Object.keys(record).length === 0 ? 'empty_envelope' : 'missing_rows';
    throw new UpstreamError(
      'transient',
      reason,
      status,
      `${call.measure}: no "${call.rowsKey}" array with meta`,
    );
  }
  const declared = (meta as Record<string, unknown>).rowsReturned;
  const rowsReturned = typeof declared === 'number' ? declared : rows.length;
  return { call, rows, rowsReturned };
}
