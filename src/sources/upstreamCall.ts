// One upstream call under the client policy: sent inside `defer` so every retry re-sends it,
// rate-limited by the host's shared bucket, held back by its circuit breaker, retried by error kind,
// logged and recorded per attempt.
import type { Logger } from 'pino';
import { defer, type Observable, of } from 'rxjs';
import { catchError } from 'rxjs/operators';
import type { ErrorKind } from '../operators/errorKind.ts';
import { rateLimit } from '../operators/rateLimit.ts';
import { type RetryWithBackoffConfig, retryWithBackoff } from '../operators/retryWithBackoff.ts';
import type { TokenBucket } from '../operators/tokenBucket.ts';
import { type CircuitBreaker, circuitOpenError } from './circuitBreaker.ts';
import type { BodyFormat, HttpClient, HttpResponse, QueryParams } from './httpClient.ts';
import { isCostly, UpstreamError } from './upstreamError.ts';

/** Everything known about one upstream attempt; the stream turns it into a ledger row. */
export interface CallRecord {
  readonly endpoint: string;
  readonly measure: string | null;
  /** Ids the call asked for, in `batchParam` (game ids, or team ids on team-scoped endpoints). */
  readonly gameCount: number;
  readonly batchParam: string | null;
  readonly firstGameId: string | null;
  readonly lastGameId: string | null;
  readonly status: number | null;
  readonly rowsReturned: number | null;
  readonly maxRows: number | null;
  readonly truncated: boolean;
  readonly attempt: number;
  readonly errorKind: ErrorKind | null;
  readonly action: CallAction;
  readonly reason: string | null;
  readonly durationMs: number;
  readonly requestedAt: Date;
}

/**
 * `unavailable`: a status the endpoint uses for "not published yet"; the unit is tried again later.
 * `quarantined`: the answer was read, but rows in it (another game's, rows off the schema) or the
 * whole payload go to the quarantine instead of the tables; `reason` says why.
 */
export type CallAction =
  | 'accepted'
  | 'split'
  | 'retry'
  | 'wait_retry'
  | 'failed'
  | 'unavailable'
  | 'quarantined';

/** Actions of an answer that was read: its rows, but for any quarantined, go on to be stored. */
export const READ_ACTIONS: readonly CallAction[] = ['accepted', 'quarantined'];

/** Whether the call's answer was read (READ_ACTIONS). */
export const wasRead = (call: Pick<CallRecord, 'action'>): boolean => READ_ACTIONS.includes(call.action);

/** Retry limits are shared with the ledger so that a record's action says what really happens next. */
export type RetryPolicy = RetryWithBackoffConfig & {
  readonly maxAttempts: number;
  /**
   * Attempts for a 504 or timeout on a request of several ids: one retry rides out a hiccup, and
   * if it persists the batch is split, which is what an expensive query needs.
   */
  readonly maxCostlyAttempts: number;
  readonly maxThrottledAttempts: number;
};

export interface CallPolicy {
  readonly http: HttpClient;
  readonly bucket: TokenBucket;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
  /** Shared by every call to the host: while it is open, attempts are refused and not sent. */
  readonly breaker?: CircuitBreaker;
  /** Told of each attempt once it is recorded (metrics); an exception from it is logged, not thrown. */
  readonly onCall?: (record: CallRecord) => void;
}

export interface CallRequest {
  readonly path: string;
  readonly params: QueryParams;
  readonly measure: string | null;
  /** The ids the call asks for (empty for reference calls); a size failure of several splits. */
  readonly gameIds: readonly string[];
  /** The parameter `gameIds` are sent in (`GameId`, `TeamId`); absent for calls without ids. */
  readonly batchParam?: string;
  readonly maxRows: number | null;
  /** JSON unless said otherwise (the hustle feeds are XML). */
  readonly format?: BodyFormat;
  /** Statuses that mean "not published yet" rather than a failure (hustle XML: 403, 404). */
  readonly unavailableStatuses?: readonly number[];
  /** Aborts the request in flight (a stopping daemon's scoreboard and schedule calls). */
  readonly signal?: AbortSignal;
}

/** What a response reader makes of a 2xx body; it throws an UpstreamError for a malformed one. */
export interface ReadResult<T> {
  readonly value: T;
  readonly rowsReturned: number | null;
  readonly truncated: boolean;
  /** Why rows of an untruncated answer will be quarantined (`unrequested_game`, `schema_mismatch`). */
  readonly quarantined?: string | null;
}

/** A call's end: its value (possibly truncated), or the error that ended its retries. Never thrown. */
export type CallStep<T> =
  | {
      readonly ok: true;
      readonly value: T;
      readonly rowsReturned: number | null;
      readonly truncated: boolean;
    }
  | { readonly ok: false; readonly error: unknown };

export function upstreamCall<T>(
  policy: CallPolicy,
  request: CallRequest,
  read: (response: HttpResponse) => ReadResult<T>,
  records: CallRecord[],
): Observable<CallStep<T>> {
  const { http, bucket, retry, logger, breaker, onCall } = policy;
  const splittable = request.gameIds.length > 1;
  // One answer for both the retries and the ledger's action: a costly failure of a request that
  // can be split gets fewer attempts, since halving, not resending, is its cure.
  const maxAttemptsOf = (error: unknown): number | undefined =>
    splittable && isCostly(error) ? retry.maxCostlyAttempts : undefined;
  let attempt = 0;
  let throttled = 0;
  const send$ = defer(async (): Promise<CallStep<T>> => {
    attempt += 1;
    const requestedAt = new Date();
    const started = performance.now();
    const base = { attempt, requestedAt };
    const permit = breaker?.admit();
    try {
      // A refusal is neither sent nor settled: it says nothing of upstream, so it is not counted as a
      // failure and does not extend the cool-down. Its kind is `throttled` (see circuitOpenError): the retry
      // waits until the probe time and holds the host's bucket meanwhile, within the throttled budget.
      if (breaker && permit === null) throw circuitOpenError(breaker);
      const response = await http.get(request.path, request.params, request.format, request.signal);
      const result = read(response);
      if (permit) breaker?.settle(permit);
      const quarantined = result.truncated ? null : (result.quarantined ?? null);
      const action: CallAction = result.truncated
        ? splittable
          ? 'split'
          : 'failed'
        : quarantined
          ? 'quarantined'
          : 'accepted';
      record({
        ...base,
        status: response.status,
        rowsReturned: result.rowsReturned,
        truncated: result.truncated,
        errorKind: null,
        action,
        reason: result.truncated ? 'truncated' : quarantined,
        durationMs: performance.now() - started,
      });
      return {
        ok: true,
        value: result.value,
        rowsReturned: result.rowsReturned,
        truncated: result.truncated,
      };
    } catch (error) {
      const failure =
        error instanceof UpstreamError
          ? error
          : new UpstreamError('permanent', 'unexpected_error', null, String(error));
      if (permit) breaker?.settle(permit, failure);
      if (failure.kind === 'throttled') throttled += 1;
      record({
        ...base,
        status: failure.status,
        rowsReturned: null,
        truncated: false,
        errorKind: failure.kind,
        action: isUnavailable(failure, request)
          ? 'unavailable'
          : actionAfter(failure.kind, attempt - throttled, throttled, splittable, {
              maxAttempts: Math.min(retry.maxAttempts, maxAttemptsOf(failure) ?? Infinity),
              maxThrottledAttempts: retry.maxThrottledAttempts,
            }),
        reason: failure.reason,
        durationMs: performance.now() - started,
      });
      throw failure;
    }
  });

  function record(
    fields: Omit<
      CallRecord,
      'endpoint' | 'measure' | 'gameCount' | 'batchParam' | 'firstGameId' | 'lastGameId' | 'maxRows'
    >,
  ) {
    const entry: CallRecord = {
      endpoint: request.path,
      measure: request.measure,
      gameCount: request.gameIds.length,
      batchParam: request.batchParam ?? null,
      firstGameId: request.gameIds[0] ?? null,
      lastGameId: request.gameIds[request.gameIds.length - 1] ?? null,
      maxRows: request.maxRows,
      ...fields,
    };
    records.push(entry);
    const level = entry.action === 'accepted' ? 'info' : 'warn';
    logger[level](
      {
        endpoint: entry.endpoint,
        measure: entry.measure ?? undefined,
        games: entry.gameCount,
        status: entry.status,
        rowsReturned: entry.rowsReturned,
        action: entry.action,
        reason: entry.reason ?? undefined,
        attempt: entry.attempt,
        ms: Math.round(entry.durationMs),
      },
      'upstream call',
    );
    if (onCall) {
      // A metrics hook that fails must not fail the call, nor record it twice.
      try {
        onCall(entry);
      } catch (error) {
        logger.error({ err: error, endpoint: entry.endpoint }, 'onCall hook failed');
      }
    }
  }

  return send$.pipe(
    rateLimit(bucket),
    retryWithBackoff({
      ...retry,
      bucket,
      maxAttemptsOf,
    }),
    catchError((error: unknown) => of<CallStep<T>>({ ok: false, error })),
  );
}

/** Whether `error` is the request's "not published yet" answer: a permanent status it names. */
export function isUnavailable(error: unknown, request: Pick<CallRequest, 'unavailableStatuses'>): boolean {
  return (
    error instanceof UpstreamError &&
    error.kind === 'permanent' &&
    error.status !== null &&
    (request.unavailableStatuses ?? []).includes(error.status)
  );
}

/** What follows a failed attempt, by the same limits retryWithBackoff applies. */
function actionAfter(
  kind: ErrorKind,
  otherAttempts: number,
  throttledAttempts: number,
  splittable: boolean,
  retry: Pick<RetryPolicy, 'maxAttempts' | 'maxThrottledAttempts'>,
): CallAction {
  const splitOrFail: CallAction = splittable ? 'split' : 'failed';
  switch (kind) {
    case 'throttled':
      return throttledAttempts < retry.maxThrottledAttempts ? 'wait_retry' : 'failed';
    case 'transient':
      return otherAttempts < retry.maxAttempts ? 'retry' : splitOrFail;
    case 'size':
      return splitOrFail;
    case 'permanent':
      return 'failed';
  }
}
