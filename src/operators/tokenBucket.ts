// A token bucket shared by every stream that talks to one host: it hands out request tokens at a
// steady rate with a bounded burst, first come first served, and can be paused when the host says
// 429 so that all of those streams back off together. Time comes from an injectable scheduler.
import { asyncScheduler, Observable, type SchedulerLike, type Subscription } from 'rxjs';

export interface TokenBucketConfig {
  /** Tokens added per second, continuously (not in whole ticks). */
  readonly ratePerSecond: number;
  /** Most tokens the bucket holds: how many grants may go out at once after an idle spell. */
  readonly burst: number;
  /** Clock and timers; `asyncScheduler` by default, so `TestScheduler.run` drives it virtually. */
  readonly scheduler?: SchedulerLike;
}

interface Waiter {
  readonly grant: () => void;
}

/**
 * Hands out tokens at `ratePerSecond`, up to `burst` at once, to callers in the order they asked.
 *
 * The state is one instant, `fullAt`: when the bucket would be full again if nobody took a token
 * (the "theoretical arrival time" of the generic cell rate algorithm). A token is available at `t`
 * when `t >= fullAt - (burst - 1) * interval`, and taking one moves `fullAt` on by one interval.
 * This is a continuously refilling bucket without fractional token counts drifting.
 *
 * ```
 * ratePerSecond 10, burst 2, five take() at 0
 * grants:  (ab) 96ms c 99ms d 99ms e        a, b at 0 ms; c at 100; d at 200; e at 300
 * ```
 *
 * @example
 * const bucket = new TokenBucket({ ratePerSecond: 8, burst: 4 });
 * bucket.take().subscribe(() => sendRequest());
 */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private readonly scheduler: SchedulerLike;
  /** ms between two tokens. */
  private readonly interval: number;
  /** How far `fullAt` may run ahead of now while a token is still available. */
  private readonly tolerance: number;
  private fullAt = Number.NEGATIVE_INFINITY;
  /** Callers waiting for a token; a Set iterates in insertion order, so it is a FIFO with O(1) removal. */
  private readonly waiters = new Set<Waiter>();
  private wake: Subscription | undefined;
  private wakeAt = Number.NaN;
  private draining = false;

  constructor(config: TokenBucketConfig) {
    const { ratePerSecond, burst, scheduler = asyncScheduler } = config;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new RangeError(
        `TokenBucket: ratePerSecond must be a positive finite number, got ${ratePerSecond}`,
      );
    }
    if (!(Number.isInteger(burst) && burst >= 1)) {
      throw new RangeError(`TokenBucket: burst must be an integer of at least 1, got ${burst}`);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.scheduler = scheduler;
    this.interval = 1000 / ratePerSecond;
    this.tolerance = (burst - 1) * this.interval;
  }

  /**
   * Emits once, then completes, when this caller is granted a token. The reservation is made on
   * subscription; unsubscribing before the grant gives the place in the queue back (nothing was
   * taken), unsubscribing after it does not (the request was presumably sent).
   *
   * ```
   * ratePerSecond 10, burst 1
   * first take() at 0:   (a|)
   * second take() at 0:  100ms (a|)
   * ```
   */
  take(): Observable<void> {
    return new Observable<void>((subscriber) => {
      const waiter: Waiter = {
        grant: () => {
          subscriber.next();
          subscriber.complete();
        },
      };
      this.waiters.add(waiter);
      this.drain();
      return () => {
        if (this.waiters.delete(waiter)) this.drain();
      };
    });
  }

  /**
   * Grants no token for the next `ms` (a longer pause already in force is kept). The bucket comes
   * out of the pause with a single token and refills at the normal rate from there, so the streams
   * that waited resume one interval apart instead of as a burst into a host that just refused us.
   */
  pause(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) {
      throw new RangeError(`TokenBucket.pause: ms must be a finite number of at least 0, got ${ms}`);
    }
    this.fullAt = Math.max(this.fullAt, this.scheduler.now() + ms + this.tolerance);
    this.drain();
  }

  /** Grants tokens to the head of the queue while there are any, then sleeps until the next one. */
  private drain(): void {
    // A grant runs subscriber code that may take() again or unsubscribe another waiter; the loop
    // below sees those changes, so a nested call has nothing to do.
    if (this.draining) return;
    this.draining = true;
    try {
      for (;;) {
        const head = this.waiters.values().next();
        if (head.done) {
          this.cancelWakeUp();
          return;
        }
        const now = this.scheduler.now();
        const availableAt = this.fullAt - this.tolerance;
        if (availableAt > now) {
          this.wakeUpAt(availableAt, now);
          return;
        }
        this.waiters.delete(head.value);
        this.fullAt = Math.max(this.fullAt, now) + this.interval;
        head.value.grant();
      }
    } finally {
      this.draining = false;
    }
  }

  /** Runs `drain` again at `at`; one timer at most, kept when it is already set for that time. */
  private wakeUpAt(at: number, now: number): void {
    if (this.wake !== undefined && this.wakeAt === at) return;
    this.cancelWakeUp();
    this.wakeAt = at;
    this.wake = this.scheduler.schedule(() => {
      this.wake = undefined;
      this.drain();
    }, at - now);
  }

  /** Nobody waits: no timer may keep the process alive. */
  private cancelWakeUp(): void {
    this.wake?.unsubscribe();
    this.wake = undefined;
  }
}
