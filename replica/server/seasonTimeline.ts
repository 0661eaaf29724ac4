// The season as it unfolds on the replica's clock, and what a test changes in it at run time: each
// game tips off at its scheduled instant and is final once its length has passed (always final
// without a virtual clock, when the skeleton has it so); a stat correction gives a game a new
// revision, and with it a new generation seed; a postponed game never starts; a game held live stays
// live on the scoreboard after it is final. `at(now)` is the season at one instant: the one place
// that decides whether a game is final, with the seed and the look of every game at that instant.
import { createHash } from 'node:crypto';
import { fieldGoalRows } from '../generators/fieldGoals.ts';
import { gameLengthSeconds } from '../generators/legacyGameFacts.ts';
import { periodScores } from '../generators/periodScores.ts';
import type { SeasonGames } from '../generators/seasonGames.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import { hashText } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import {
  type GamePhase,
  lastMoment,
  liveMomentAt,
  type PostponedText,
  type ShownGame,
  showGame,
} from './gameProgress.ts';
import { gameTimes } from './gameTimes.ts';
import { realTime, type TimeSource, type VirtualClock } from './virtualClock.ts';

/** The replica's virtual clock and the timeline of the season's games on it. */
export interface ReplicaClock {
  /** The virtual now. */
  now(): Date;
  /** Epoch ms on the wall clock at which the virtual clock reaches (or reached) `virtual`. */
  wallTimeOf(virtual: Date): number;
  /** When the game turns final; undefined when it never will (no data, postponed) or is unknown. */
  finalAt(gameId: string): Date | undefined;
  /** When the game tips off; undefined when it is postponed or unknown. */
  tipOffAt(gameId: string): Date | undefined;
}

/** Which feed asks: the schedule tells the truth, the scoreboard may lag (holdLive). */
export type Feed = 'schedule' | 'scoreboard';

/** The season at one instant. */
export interface SeasonState {
  readonly now: Date;
  /** The one judge of "upstream has this game's data": final at `now` and not postponed. */
  isFinal(game: Game): boolean;
  /** The seed the game's rows are generated with: the replica's until a correction revises it. */
  seedOf(game: Game): number;
  /** Status, texts, period and scores as `feed` shows them. */
  shown(game: Game, feed: Feed): ShownGame;
  /** The games final at `now`, in skeleton order, with their seeds: what season-wide totals add up. */
  finalGames(): SeasonGames;
}

/** The seed of a game's rows at a revision: the replica's seed at 0, a seed of its own after that. */
export function revisedSeed(seed: number, revision: number): number {
  return revision === 0 ? seed : hashText(`correction:${seed}:${revision}`);
}

export class SeasonTimeline {
  readonly #season: SeasonIndex;
  readonly #seed: number;
  /** Null without a virtual clock: then every game is as the skeleton says. */
  readonly #clock: VirtualClock | null;
  readonly #time: TimeSource;
  readonly #revisions = new Map<string, number>();
  readonly #postponed = new Map<string, PostponedText>();
  readonly #heldLive = new Set<string>();
  readonly #skeletonFinals: number;

  constructor(season: SeasonIndex, seed: number, clock: VirtualClock | null) {
    this.#season = season;
    this.#seed = seed;
    this.#clock = clock;
    this.#time = clock ?? realTime;
    this.#skeletonFinals = season.skeleton.games.filter((game) => game.status === 3).length;
  }

  now(): Date {
    return this.#time.now();
  }

  /** The controls' view of the clock, or null without one. */
  replicaClock(): ReplicaClock | null {
    const clock = this.#clock;
    if (!clock) return null;
    const instant = (gameId: string, of: (game: Game) => number | undefined) => {
      const game = this.#season.gamesById.get(gameId);
      const ms = game ? of(game) : undefined;
      return ms === undefined ? undefined : new Date(ms);
    };
    return {
      now: () => clock.now(),
      wallTimeOf: (virtual) => clock.wallTimeOf(virtual),
      finalAt: (gameId) => instant(gameId, (game) => this.#finalAtMs(game)),
      tipOffAt: (gameId) => instant(gameId, (game) => this.#tipOffMs(game)),
    };
  }

  /** A stat correction: the game's rows are generated anew from now on. Returns its new revision. */
  correct(gameId: string): number {
    const game = this.#game(gameId);
    const revision = (this.#revisions.get(game.id) ?? 0) + 1;
    this.#revisions.set(game.id, revision);
    return revision;
  }

  postpone(gameId: string, text: PostponedText): void {
    if (text !== 'PPD' && text !== 'Cancelled')
      throw new Error(`a postponed game reads PPD or Cancelled, not ${text}`);
    this.#postponed.set(this.#game(gameId).id, text);
  }

  holdLive(gameId: string): void {
    this.#heldLive.add(this.#game(gameId).id);
  }

  seedOf(gameId: string): number {
    return this.#seedOf(this.#game(gameId));
  }

  at(now: Date): SeasonState {
    const nowMs = now.getTime();
    const isFinal = (game: Game) => (this.#finalAtMs(game) ?? Number.POSITIVE_INFINITY) <= nowMs;
    const seedOf = (game: Game) => this.#seedOf(game);
    let finals: SeasonGames | undefined;
    return {
      now,
      isFinal,
      seedOf,
      shown: (game, feed) => {
        const lines = () => periodScores(game, fieldGoalRows(this.#season, game, seedOf(game)));
        return showGame(game, this.#phase(game, nowMs, feed), lines, feed === 'scoreboard');
      },
      finalGames: () => {
        finals ??= this.#finalGames(this.#season.skeleton.games.filter(isFinal));
        return finals;
      },
    };
  }

  #game(gameId: string): Game {
    const game = this.#season.gamesById.get(gameId);
    if (!game) throw new Error(`no game ${gameId} in the ${this.#season.skeleton.season} season`);
    return game;
  }

  #seedOf(game: Game): number {
    return revisedSeed(this.#seed, this.#revisions.get(game.id) ?? 0);
  }

  #tipOffMs(game: Game): number | undefined {
    if (this.#postponed.has(game.id)) return undefined;
    return Date.parse(gameTimes(game).gameDateTimeUTC);
  }

  /** Undefined: never final (the skeleton has no data for it, or it is postponed). */
  #finalAtMs(game: Game): number | undefined {
    const tipOff = this.#tipOffMs(game);
    if (tipOff === undefined || game.status !== 3) return undefined;
    if (!this.#clock) return Number.NEGATIVE_INFINITY;
    return tipOff + Math.round(gameLengthSeconds(game) * 1000);
  }

  #phase(game: Game, nowMs: number, feed: Feed): GamePhase {
    const postponed = this.#postponed.get(game.id);
    if (postponed) return { kind: 'postponed', text: postponed };
    const finalAt = this.#finalAtMs(game);
    if (finalAt !== undefined && finalAt <= nowMs) {
      const held = feed === 'scoreboard' && this.#heldLive.has(game.id);
      return held ? { kind: 'live', moment: lastMoment(game) } : { kind: 'final' };
    }
    if (!this.#clock) return game.status === 2 ? { kind: 'inProgress' } : { kind: 'scheduled' };
    const tipOff = this.#tipOffMs(game) ?? Number.POSITIVE_INFINITY;
    if (nowMs < tipOff) return { kind: 'scheduled' };
    // A game the skeleton has no final for plays on, and stays at its last second.
    return { kind: 'live', moment: liveMomentAt(game, nowMs - tipOff) };
  }

  #finalGames(games: readonly Game[]): SeasonGames {
    const seedOf = (game: Game) => this.#seedOf(game);
    const revised = games.some((game) => this.#revisions.has(game.id));
    if (games.length === this.#skeletonFinals && !revised) {
      return { key: String(this.#seed), whole: true, games, seedOf };
    }
    const hash = createHash('sha1').update(String(this.#seed));
    for (const game of games) hash.update(`|${game.id}:${this.#revisions.get(game.id) ?? 0}`);
    return { key: `${this.#seed}:${games.length}:${hash.digest('hex')}`, whole: false, games, seedOf };
  }
}
