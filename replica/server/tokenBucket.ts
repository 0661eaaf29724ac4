// Upstream's rate limit: a token bucket refilled at `ratePerSecond` up to `burst`; a request takes a
// token or is told, in whole seconds, when the next one will be there.

export type Admission = { admitted: true } | { admitted: false; retryAfterSeconds: number };

export class TokenBucket {
  readonly #ratePerSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  /** `now` returns milliseconds; injectable so tests can drive time. */
  constructor(ratePerSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  take(): Admission {
    const now = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + ((now - this.#updatedAt) / 1000) * this.#ratePerSecond,
    );
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return { admitted: true };
    }
    const waitSeconds = (1 - this.#tokens) / this.#ratePerSecond;
    return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
  }
}
