// Who is on court for each team as a game goes: the starters, then substitutions at dead balls that
// keep each player's time near his box minutes spread evenly over the game (whoever is furthest
// behind comes in for whoever is furthest ahead), the starters again to open the second half, and
// whoever a play needs (a player must be on court to shoot, rebound or foul). Counts the seconds each
// player has been on court.
import type { GameBoxLines } from './gameBoxLines.ts';

export type SideIndex = 0 | 1;

export interface Substitution {
  readonly sideIndex: SideIndex;
  readonly outId: number;
  readonly inId: number;
}

/**
 * Seconds by which a bench player must be further behind his even share of minutes than an on-court
 * teammate before a coach swaps them: the hysteresis that makes stints of several minutes.
 */
const SWAP_MARGIN = 300;
/** Outweighs any margin: a player who has not played yet is owed his minutes before the game ends. */
const UNPLAYED_CLAIM = 1e6;
const MAX_SWAPS_PER_DEAD_BALL = 2;

export class Rotation {
  readonly #players: readonly [readonly number[], readonly number[]];
  readonly #starters: readonly [readonly number[], readonly number[]];
  readonly #targetSeconds = new Map<number, number>();
  readonly #played = new Map<number, number>();
  readonly #totalSeconds: number;
  #courts: [readonly number[], readonly number[]];
  #elapsed = 0;

  constructor(lines: GameBoxLines, totalSeconds: number) {
    const ids = (index: SideIndex, starters: boolean) =>
      (lines.sides[index]?.players ?? [])
        .filter((line) => !starters || line.starter)
        .map((line) => line.participant.entry.player.id);
    this.#players = [ids(0, false), ids(1, false)];
    this.#starters = [ids(0, true), ids(1, true)];
    for (const line of lines.players) {
      this.#targetSeconds.set(line.participant.entry.player.id, line.minutes * 60);
    }
    this.#totalSeconds = totalSeconds;
    this.#courts = [this.#starters[0], this.#starters[1]];
  }

  /** The five of each team now (home, away); a new pair of arrays after every substitution. */
  get courts(): readonly [readonly number[], readonly number[]] {
    return this.#courts;
  }

  /** Every player of the team who plays tonight. */
  players(sideIndex: SideIndex): readonly number[] {
    return this.#players[sideIndex];
  }

  isOnCourt(sideIndex: SideIndex, id: number): boolean {
    return this.#courts[sideIndex].includes(id);
  }

  /** Players of the team not on court. */
  bench(sideIndex: SideIndex): number[] {
    return this.#players[sideIndex].filter((id) => !this.isOnCourt(sideIndex, id));
  }

  /** Runs the game clock to `elapsed` game seconds: the players on court play that time. */
  advance(elapsed: number): void {
    const delta = elapsed - this.#elapsed;
    if (delta <= 0) return;
    for (const court of this.#courts) {
      for (const id of court) this.#played.set(id, (this.#played.get(id) ?? 0) + delta);
    }
    this.#elapsed = elapsed;
  }

  /** Seconds a player still has of his box minutes (negative once he is over them). */
  secondsLeft(id: number): number {
    return (this.#targetSeconds.get(id) ?? 0) - (this.#played.get(id) ?? 0);
  }

  /** Puts `inId` on court for the teammate who least needs to be there, sparing `keep`. */
  force(sideIndex: SideIndex, inId: number, keep: ReadonlySet<number>): Substitution {
    const candidates = this.#courts[sideIndex].filter((id) => !keep.has(id));
    const outId = lowest(candidates, (id) => this.#claim(sideIndex, id));
    return this.#swap(sideIndex, outId, inId);
  }

  /** Swaps at a dead ball that bring the team back toward its box minutes (at most two). */
  deadBall(sideIndex: SideIndex, keep: ReadonlySet<number>): Substitution[] {
    const swaps: Substitution[] = [];
    while (swaps.length < MAX_SWAPS_PER_DEAD_BALL) {
      const bench = this.bench(sideIndex);
      const court = this.#courts[sideIndex].filter((id) => !keep.has(id));
      if (bench.length === 0 || court.length === 0) break;
      const inId = lowest(bench, (id) => -this.#claim(sideIndex, id));
      const outId = lowest(court, (id) => this.#claim(sideIndex, id));
      if (this.#claim(sideIndex, inId) - this.#claim(sideIndex, outId) <= SWAP_MARGIN) break;
      swaps.push(this.#swap(sideIndex, outId, inId));
    }
    return swaps;
  }

  /** The starters back on court (the second half opens with them). */
  restoreStarters(sideIndex: SideIndex): Substitution[] {
    const swaps: Substitution[] = [];
    for (const starter of this.#starters[sideIndex]) {
      if (this.isOnCourt(sideIndex, starter)) continue;
      const spare = new Set(this.#starters[sideIndex]);
      swaps.push(this.force(sideIndex, starter, spare));
    }
    return swaps;
  }

  /**
   * How far a player is behind his box minutes spread evenly over the game so far (negative when
   * ahead); one who has not played is owed them once the rest of the game barely holds them.
   */
  #claim(sideIndex: SideIndex, id: number): number {
    const target = this.#targetSeconds.get(id) ?? 0;
    const behind = (target * this.#elapsed) / this.#totalSeconds - (this.#played.get(id) ?? 0);
    const owed =
      !this.isOnCourt(sideIndex, id) &&
      !this.#played.has(id) &&
      this.#totalSeconds - this.#elapsed <= 2 * target + 120;
    return behind + (owed ? UNPLAYED_CLAIM : 0);
  }

  #swap(sideIndex: SideIndex, outId: number, inId: number): Substitution {
    const next = this.#courts[sideIndex].map((id) => (id === outId ? inId : id));
    this.#courts = sideIndex === 0 ? [next, this.#courts[1]] : [this.#courts[0], next];
    return { sideIndex, outId, inId };
  }
}

/** The item with the lowest score (the first on ties). */
function lowest(items: readonly number[], score: (item: number) => number): number {
  let best = items[0] as number;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const value = score(item);
    if (value < bestScore) {
      best = item;
      bestScore = value;
    }
  }
  return best;
}
