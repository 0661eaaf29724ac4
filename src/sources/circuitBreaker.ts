// A circuit breaker shared by every call to one host: after repeated calls that upstream did not
// answer it refuses calls without sending them, lets one probe through after a cool-down that
// doubles while probes keep failing, and closes again on the first probe upstream answers.
import { errorKindOf } from '../operators/errorKind.ts';
import { UpstreamError } from './upstreamError.ts';

/**
 * - `closed`: calls go through; unanswered ones are counted.
 * - `open`: calls are refused until `openUntil`; the first call after it is the probe.
 * - `half-open`: the probe is in flight; other calls are refused until it settles.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** What `onStateChange` is told along with the new state. */
export interface BreakerChange {
  readonly from: BreakerState;
  /** Unanswered calls in a row that led here: the threshold when a closed breaker opens. */
  readonly failures: number;
  /** The cool-down in force: the wait before the next probe, which a failed probe doubles. */
  readonly openMs: number;
  /** When open, the clock time (`now`) from which a probe may go; otherwise null. */
  readonly openUntil: number | null;
  /** The failure that opened or re-opened it; undefined for other changes. */
  readonly error?: unknown;
}

export interface CircuitBreakerConfig {
  /** Unanswered calls in a row that open a closed breaker. Default 8. */
  readonly failureThreshold?: number;
  /** The first cool-down before a probe. Default 15 000. */
  readonly openMs?: number;
  /** Cap on the cool-down, which doubles with each failed probe. Default 300 000. */
  readonly maxOpenMs?: number;
  /** Clock in ms; `performance.now` by default. */
  readonly now?: () => number;
  /** Told of each change after it happened (for logs, metrics, the health report); must not throw. */
  readonly onStateChange?: (state: BreakerState, change: BreakerChange) => void;
}

/** Leave to send one call, handed out by `admit` and given back with the call's outcome to `settle`. */
export interface BreakerPermit {
  /** Whether this call is the probe whose outcome closes or re-opens the breaker. */
  readonly probe: boolean;
  /** The open period it was handed out after; an outcome from before the last opening is stale. */
  readonly epoch: number;
}

/** The reason of an UpstreamError for a call the breaker refused (it never reached the network). */
export const CIRCUIT_OPEN = 'circuit_open';

/**
 * Whether a call's failure says upstream is not answering: a transient one (timeout, connection
 * refused or reset, 5xx, an HTML page or an empty envelope instead of data). Any other outcome is an
 * answer, even a 404 or a 429 (and a 403/404 is the hustle feeds' "not published yet"): it proves
 * upstream is there, so it ends a run of failures like a success does. A refusal never counts.
 */
export function isUnanswered(error: unknown): boolean {
  if (error instanceof UpstreamError && error.reason === CIRCUIT_OPEN) return false;
  return errorKindOf(error) === 'transient';
}

/**
 * Counts unanswered calls in a row over every endpoint and opens after `failureThreshold` of them.
 *
 * ```
 * failureThreshold 3, openMs 10, maxOpenMs 25       x unanswered, o answered, r refused, p probe
 * calls:   x o x x x r r ----- px r ----------- px ---------------------- po o
 * state:   closed         open  half  open 20ms  half open 25ms (capped)  closed
 * ```
 *
 * Every permit must be settled: a probe that never is keeps the breaker half-open (HttpClient's
 * timeouts bound every call, so upstreamCall always settles).
 *
 * @example
 * const breaker = new CircuitBreaker({ onStateChange: (state) => log.warn({ state }, 'upstream circuit') });
 * const permit = breaker.admit();
 * if (permit === null) throw circuitOpenError(breaker);
 * try { await send(); breaker.settle(permit); } catch (error) { breaker.settle(permit, error); throw error; }
 */
export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly openMs: number;
  readonly maxOpenMs: number;
  readonly #now: () => number;
  readonly #onStateChange: ((state: BreakerState, change: BreakerChange) => void) | undefined;
  #state: BreakerState = 'closed';
  #failures = 0;
  #cooldownMs: number;
  #openUntil = 0;
  #epoch = 0;

  constructor(config: CircuitBreakerConfig = {}) {
    const { failureThreshold = 8, openMs = 15_000, maxOpenMs = 300_000 } = config;
    const problems = [
      !(Number.isInteger(failureThreshold) && failureThreshold >= 1) &&
        `failureThreshold must be an integer of at least 1, got ${failureThreshold}`,
      !(Number.isFinite(openMs) && openMs > 0) && `openMs must be a positive finite number, got ${openMs}`,
      !(Number.isFinite(maxOpenMs) && maxOpenMs >= openMs) &&
        `maxOpenMs must be finite and at least openMs, got ${maxOpenMs}`,
    ].filter((problem) => problem !== false);
    if (problems.length > 0) throw new RangeError(`CircuitBreaker: ${problems.join('; ')}`);
    this.failureThreshold = failureThreshold;
    this.openMs = openMs;
    this.maxOpenMs = maxOpenMs;
    this.#cooldownMs = openMs;
    this.#now = config.now ?? (() => performance.now());
    this.#onStateChange = config.onStateChange;
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** Unanswered calls in a row so far (while closed), or that opened the breaker. */
  get failures(): number {
    return this.#failures;
  }

  /** The cool-down in force, or that the next opening starts with. */
  get cooldownMs(): number {
    return this.#cooldownMs;
  }

  /** When open, the clock time from which the next call is the probe; otherwise null. */
  get openUntil(): number | null {
    return this.#state === 'open' ? this.#openUntil : null;
  }

  /**
   * How long a call refused now should wait before asking again: 0 when closed; when open, the rest
   * of the cool-down (0 once it is over: the next call is the probe); while the probe is in flight,
   * `openMs` — the probe decides within a call's timeouts, and waiting less would only be refused.
   */
  retryInMs(): number {
    if (this.#state === 'closed') return 0;
    if (this.#state === 'half-open') return this.openMs;
    return Math.max(0, this.#openUntil - this.#now());
  }

  /** Leave for one call, or null when the breaker refuses it (it must then not be sent). */
  admit(): BreakerPermit | null {
    if (this.#state === 'closed') return { probe: false, epoch: this.#epoch };
    if (this.#state === 'half-open' || this.#now() < this.#openUntil) return null;
    this.#change('half-open', 'open');
    return { probe: true, epoch: this.#epoch };
  }

  /**
   * The outcome of a call `admit` let through: no error, or one that `isUnanswered` does not count,
   * means upstream answered. Outcomes of calls admitted before the breaker last opened are ignored:
   * once it is open, only the probe decides.
   */
  settle(permit: BreakerPermit, error?: unknown): void {
    if (permit.epoch !== this.#epoch) return;
    const unanswered = error !== undefined && isUnanswered(error);
    if (permit.probe) {
      if (this.#state !== 'half-open') return;
      if (unanswered) {
        this.#cooldownMs = Math.min(this.maxOpenMs, this.#cooldownMs * 2);
        this.#open('half-open', error);
      } else {
        this.#failures = 0;
        this.#cooldownMs = this.openMs;
        this.#change('closed', 'half-open');
      }
      return;
    }
    if (this.#state !== 'closed') return;
    if (!unanswered) {
      this.#failures = 0;
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.failureThreshold) this.#open('closed', error);
  }

  #open(from: BreakerState, error: unknown): void {
    this.#epoch += 1;
    this.#openUntil = this.#now() + this.#cooldownMs;
    this.#change('open', from, error);
  }

  #change(state: BreakerState, from: BreakerState, error?: unknown): void {
    this.#state = state;
    const change: BreakerChange = {
      from,
      failures: this.#failures,
      openMs: this.#cooldownMs,
      openUntil: this.openUntil,
      ...(error === undefined ? {} : { error }),
    };
    this.#onStateChange?.(state, change);
  }
}

/**
 * Node's timers count from the event loop's cached time, so one may fire a few ms before its delay
 * has passed by `performance.now`: a refused call that woke just before the probe time would spend
 * an attempt on a second refusal. Waiting slightly longer costs nothing.
 */
const TIMER_SLACK_MS = 5;

/**
 * The failure of a call the breaker refused. Kind `throttled`, because it means what a 429 with
 * Retry-After means: send the same request again, later, and hold every stream on the host back
 * meanwhile (retryWithBackoff waits `retryAfterMs` and pauses the shared bucket for as long); a
 * `transient` kind would back off on its own schedule, blind to the probe time, and then split the
 * batch into halves that are refused in turn. A call still refused after its throttled attempts
 * fails, unsplit, with reason `circuit_open` (exit code 69 when that is what a run failed of).
 */
export function circuitOpenError(breaker: CircuitBreaker): UpstreamError {
  const retryInMs = breaker.retryInMs();
  return new UpstreamError(
    'throttled',
    CIRCUIT_OPEN,
    null,
    `upstream circuit ${breaker.state}: not sent, next probe in ${Math.ceil(retryInMs)} ms`,
    retryInMs + TIMER_SLACK_MS,
  );
}
