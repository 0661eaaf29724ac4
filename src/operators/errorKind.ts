// The shared error vocabulary of the operators: every failure carries a `kind` that decides the
// action (wait, split, back off, give up). Sources attach the kind where the failure is understood;
// operators only read it, through `errorKindOf`, so the decision lives in one classifier.

/**
 * What a failure means for the caller:
 * - `throttled`: the host asked us to slow down (429); wait, then send the same request again.
 * - `size`: the request asked for too much at once (414, truncation); split it.
 * - `transient`: a passing fault (5xx, reset, timeout); back off and retry, split if it persists.
 * - `permanent`: retrying cannot help (400, 401, schema failure); fail visibly.
 */
export type ErrorKind = 'throttled' | 'size' | 'transient' | 'permanent';

/** A failure that knows its kind; a throttled one may carry the host's Retry-After in ms. */
export interface ClassifiedError {
  readonly kind: ErrorKind;
  readonly retryAfterMs?: number;
}

const ERROR_KINDS: ReadonlySet<string> = new Set<ErrorKind>(['throttled', 'size', 'transient', 'permanent']);

/**
 * The kind of any thrown value: its `kind` property when that is one of the four kinds, otherwise
 * `permanent` (an error nobody classified is a bug or an unknown failure, and retrying it blindly
 * would hide it).
 *
 * @example
 * errorKindOf({ kind: 'throttled', retryAfterMs: 2000 }); // 'throttled'
 * errorKindOf(new TypeError('x is undefined'));            // 'permanent'
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (typeof error === 'object' && error !== null && 'kind' in error) {
    const { kind } = error;
    if (typeof kind === 'string' && ERROR_KINDS.has(kind)) return kind as ErrorKind;
  }
  return 'permanent';
}

/** The Retry-After a failure carries, in ms, or undefined when it has none that is usable. */
export function retryAfterMsOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'retryAfterMs' in error) {
    const { retryAfterMs } = error;
    if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) {
      return retryAfterMs;
    }
  }
  return undefined;
}

/**
 * Raised by `retryWithBackoff` when a retryable failure outlives its attempts. `kind` says which
 * failure persisted (`transient`: a persistent 504 is a reason to split; `throttled`: the host keeps
 * refusing us), `attempts` how many times the request was sent, `cause` the last failure.
 */
export class RetriesExhaustedError extends Error {
  override readonly name = 'RetriesExhaustedError';
  readonly kind: ErrorKind;
  readonly attempts: number;
  override readonly cause: unknown;

  constructor(kind: ErrorKind, attempts: number, cause: unknown) {
    const last = cause instanceof Error ? `: ${cause.message}` : '';
    super(`gave up after ${attempts} attempts, the ${kind} failure persisted${last}`, { cause });
    this.kind = kind;
    this.attempts = attempts;
    this.cause = cause;
  }
}
