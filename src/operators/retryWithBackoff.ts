// Resubscribes to a failed source according to the failure's kind: a throttled request waits for the
// host (Retry-After, or 10–15 s) and goes again, a transient one backs off exponentially with jitter,
// anything else is the caller's business at once. Attempts are bounded, per subscription.
import {
  asyncScheduler,
  defer,
  type MonoTypeOperatorFunction,
  retry,
  type SchedulerLike,
  throwError,
  timer,
} from 'rxjs';
import { errorKindOf, RetriesExhaustedError, retryAfterMsOf } from './errorKind.ts';
import type { TokenBucket } from './tokenBucket.ts';

/** What `onRetry` is told before each wait. */
export interface RetryInfo {
  readonly error: unknown;
  readonly kind: 'throttled' | 'transient';
  /** The attempt that just failed, counted from 1 over every kind. */
  readonly attempt: number;
  /** How long we wait before the next attempt. */
  readonly delayMs: number;
}

export interface RetryWithBackoffConfig {
  /** Attempts that may end in a transient failure before giving up. Default 4. */
  readonly maxAttempts?: number;
  /**
   * A smaller limit for a particular transient failure, or undefined for `maxAttempts`: e.g. a 504
   * on a request the caller can split, where halving is the cure and retrying the same is not.
   */
  readonly maxAttemptsOf?: (error: unknown) => number | undefined;
  /** Attempts that may be throttled before giving up. Default 8. */
  readonly maxThrottledAttempts?: number;
  /** Backoff step of the first transient retry, doubled on each following one. Default 500. */
  readonly baseDelayMs?: number;
  /** Cap on one transient backoff step. Default 8000. */
  readonly maxDelayMs?: number;
  /** [min, max] of the uniform random wait after a throttled failure without Retry-After. Default [10000, 15000]. */
  readonly throttleDelayMs?: readonly [number, number];
  /** Cap on the wait a host's Retry-After may impose. Default 60000. */
  readonly maxRetryAfterMs?: number;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  readonly random?: () => number;
  /** Timers; `asyncScheduler` by default, so `TestScheduler.run` drives them virtually. */
  readonly scheduler?: SchedulerLike;
  /** When given, a throttled wait also pauses this bucket, so every stream on the host backs off. */
  readonly bucket?: TokenBucket;
  /** Told about each retry before its wait (for logs and counters). */
  readonly onRetry?: (info: RetryInfo) => void;
}

interface RetryPolicy {
  readonly maxAttempts: number;
  readonly maxAttemptsOf: ((error: unknown) => number | undefined) | undefined;
  readonly maxThrottledAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly throttleDelayMs: readonly [number, number];
  readonly maxRetryAfterMs: number;
  readonly random: () => number;
  readonly scheduler: SchedulerLike;
  readonly bucket: TokenBucket | undefined;
  readonly onRetry: ((info: RetryInfo) => void) | undefined;
}

/**
 * Retries a source by error kind, with bounded attempts and jittered backoff.
 *
 * - `throttled`: waits the error's `retryAfterMs` (capped at `maxRetryAfterMs`), or a uniform random
 *   time in `throttleDelayMs` when it has none, pauses `bucket` for as long, and resubscribes.
 *   The `maxThrottledAttempts`-th throttled failure errors with `RetriesExhaustedError` (kind `throttled`).
 * - `transient`: the n-th transient failure waits `c/2 + random()·c/2` ms ("equal jitter"), where
 *   `c = min(maxDelayMs, baseDelayMs·2^(n-1))`, and resubscribes; the `maxAttempts`-th (or, for an
 *   error `maxAttemptsOf` gives a smaller limit, that one) errors with `RetriesExhaustedError`
 *   (kind `transient`, `cause` the last failure).
 * - `size`, `permanent`, and a `RetriesExhaustedError` from further up: rethrown at once, untouched.
 *
 * The two budgets are separate, and throttling does not grow the transient backoff. Counters
 * belong to one subscription of the result: subscribing again starts afresh.
 *
 * ```
 * maxAttempts 3, baseDelayMs 4, random () => 0.5: waits 3 ms, then 6 ms
 * source:   -#                transient, on every subscription
 * subs:     ^!
 *           ----^!
 *           -----------^!
 * result:   ------------#     RetriesExhaustedError('transient', 3, lastError)
 * ```
 *
 * @example
 * defer(() => sendRequest(batch)).pipe(
 *   rateLimit(bucket),
 *   retryWithBackoff({ bucket, onRetry: (info) => log.warn(info, 'retrying') }),
 * );
 */
export function retryWithBackoff<T>(config: RetryWithBackoffConfig = {}): MonoTypeOperatorFunction<T> {
  const policy = normalise(config);
  return (source) =>
    defer(() => {
      let attempts = 0;
      let transientFailures = 0;
      let throttledFailures = 0;
      const attempt = defer(() => {
        attempts += 1;
        return source;
      });
      return attempt.pipe(
        retry({
          delay: (error: unknown) => {
            const kind = errorKindOf(error);
            if (error instanceof RetriesExhaustedError || kind === 'size' || kind === 'permanent') {
              return throwError(() => error);
            }
            let delayMs: number;
            if (kind === 'throttled') {
              throttledFailures += 1;
              if (throttledFailures >= policy.maxThrottledAttempts) {
                return throwError(() => new RetriesExhaustedError(kind, attempts, error));
              }
              delayMs = throttledDelay(policy, error);
              policy.bucket?.pause(delayMs);
            } else {
              transientFailures += 1;
              const limit = Math.min(policy.maxAttempts, policy.maxAttemptsOf?.(error) ?? Infinity);
              if (transientFailures >= limit) {
                return throwError(() => new RetriesExhaustedError(kind, attempts, error));
              }
              delayMs = backoffDelay(policy, transientFailures);
            }
            policy.onRetry?.({ error, kind, attempt: attempts, delayMs });
            return timer(delayMs, policy.scheduler);
          },
        }),
      );
    });
}

/** A host's Retry-After is a minimum, so it is rounded up, never down; it is capped all the same. */
function throttledDelay(policy: RetryPolicy, error: unknown): number {
  const retryAfterMs = retryAfterMsOf(error);
  if (retryAfterMs !== undefined) return Math.ceil(Math.min(retryAfterMs, policy.maxRetryAfterMs));
  const [min, max] = policy.throttleDelayMs;
  return Math.round(min + policy.random() * (max - min));
}

/** Equal jitter: half the step is certain (so a persistent failure really backs off), half random. */
function backoffDelay(policy: RetryPolicy, transientFailures: number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (transientFailures - 1));
  return Math.round(step / 2 + (policy.random() * step) / 2);
}

function normalise(config: RetryWithBackoffConfig): RetryPolicy {
  const policy: RetryPolicy = {
    maxAttempts: config.maxAttempts ?? 4,
    maxAttemptsOf: config.maxAttemptsOf,
    maxThrottledAttempts: config.maxThrottledAttempts ?? 8,
    baseDelayMs: config.baseDelayMs ?? 500,
    maxDelayMs: config.maxDelayMs ?? 8000,
    throttleDelayMs: config.throttleDelayMs ?? [10_000, 15_000],
    maxRetryAfterMs: config.maxRetryAfterMs ?? 60_000,
    random: config.random ?? Math.random,
    scheduler: config.scheduler ?? asyncScheduler,
    bucket: config.bucket,
    onRetry: config.onRetry,
  };
  const { maxAttempts, maxThrottledAttempts, baseDelayMs, maxDelayMs, throttleDelayMs, maxRetryAfterMs } =
    policy;
  const [minThrottle, maxThrottle] = throttleDelayMs;
  const problems = [
    !isCount(maxAttempts) && `maxAttempts must be an integer of at least 1, got ${maxAttempts}`,
    !isCount(maxThrottledAttempts) &&
      `maxThrottledAttempts must be an integer of at least 1, got ${maxThrottledAttempts}`,
    !isDuration(baseDelayMs) && `baseDelayMs must be a finite number of at least 0, got ${baseDelayMs}`,
    !(isDuration(maxDelayMs) && maxDelayMs >= baseDelayMs) &&
      `maxDelayMs must be finite and at least baseDelayMs, got ${maxDelayMs}`,
    !(isDuration(minThrottle) && isDuration(maxThrottle) && minThrottle <= maxThrottle) &&
      `throttleDelayMs must be [min, max] with 0 <= min <= max, got [${throttleDelayMs.join(', ')}]`,
    !isDuration(maxRetryAfterMs) &&
      `maxRetryAfterMs must be a finite number of at least 0, got ${maxRetryAfterMs}`,
  ].filter((problem) => problem !== false);
  if (problems.length > 0) throw new RangeError(`retryWithBackoff: ${problems.join('; ')}`);
  return policy;
}

function isCount(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

function isDuration(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}
