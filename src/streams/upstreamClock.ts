// Upstream's clock: the daemon decides which league day it is, and when a settle re-fetch is due,
// by the time upstream says it is (the `Date` header of its answers), so a host whose clock is off
// does not watch the wrong day — and a replica on a virtual clock is followed as it runs.

export class UpstreamClock {
  readonly #localNow: () => number;
  #offsetMs = 0;

  constructor(localNow: () => number = Date.now) {
    this.#localNow = localNow;
  }

  /** Upstream's time now: the last answer's `Date`, advanced by the local time since. */
  now(): Date {
    return new Date(this.#localNow() + this.#offsetMs);
  }

  /** Learns from an answer's `Date` header (null: no header, nothing learned). */
  observe(date: Date | null): void {
    if (date !== null) this.#offsetMs = date.getTime() - this.#localNow();
  }
}
