// The replica's notion of now: the real time, or a virtual clock that starts at a chosen instant and
// runs `speed` times faster than the wall clock, so a night of games goes by in minutes. Mapped both
// ways: a test can ask when (on the wall clock) a virtual instant comes.

/** Now, in the replica's time, and the wall-clock moment a replica instant is (or was) reached. */
export interface TimeSource {
  now(): Date;
  /** Epoch ms on the wall clock at which `now()` reaches `instant`. */
  wallTimeOf(instant: Date): number;
}

/** The wall clock itself: the replica without a virtual clock. */
export const realTime: TimeSource = {
  now: () => new Date(),
  wallTimeOf: (instant) => instant.getTime(),
};

export class VirtualClock implements TimeSource {
  readonly #startMs: number;
  readonly #speed: number;
  readonly #wallStartMs: number;
  readonly #wallNow: () => number;

  /** Starts now at `start`; `wallNow` is injectable so a test can drive the wall clock. */
  constructor(start: Date, speed: number, wallNow: () => number = Date.now) {
    if (Number.isNaN(start.getTime())) throw new Error('a virtual clock needs a valid start instant');
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new Error(`a virtual clock's speed is above 0, not ${speed}`);
    this.#startMs = start.getTime();
    this.#speed = speed;
    this.#wallNow = wallNow;
    this.#wallStartMs = wallNow();
  }

  now(): Date {
    return new Date(Math.floor(this.#startMs + (this.#wallNow() - this.#wallStartMs) * this.#speed));
  }

  /** Rounded up, so that at the returned moment `now()` is at or past `instant`. */
  wallTimeOf(instant: Date): number {
    return Math.ceil(this.#wallStartMs + (instant.getTime() - this.#startMs) / this.#speed);
  }
}
