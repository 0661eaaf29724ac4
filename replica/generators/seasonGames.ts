// The games a season-wide total (season aggregates, synthetic season lineups) adds up and the seed
// each game's rows come from: by default every final game of the skeleton with the replica's seed;
// on a virtual clock only the games final by then, and a corrected game with its revised seed. Sums
// are cached by the set's key: the whole season's for good, any other set a few at a time.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, Skeleton } from '../skeleton.ts';

export interface SeasonGames {
  /** Names the set and its seeds: the same key, the same sums. */
  readonly key: string;
  /** Every final game of the skeleton with the replica's seed: the sums worth keeping. */
  readonly whole: boolean;
  /** In skeleton order, so sums add up in the same order whatever the set. */
  readonly games: readonly Game[];
  seedOf(game: Game): number;
}

/** The whole season: every game the skeleton has final, each with `seed`. */
export function skeletonFinalGames(season: SeasonIndex, seed: number): SeasonGames {
  return {
    key: String(seed),
    whole: true,
    // The skeleton's own statuses: without a clock they are what is final.
    games: season.skeleton.games.filter((game) => game.status === 3),
    seedOf: () => seed,
  };
}

/** Sets other than the whole season kept at once per skeleton: a clock moves on, old sums go. */
const RECENT_SETS = 4;

/**
 * Season-wide values by skeleton (what they are a pure function of, so replicas of one skeleton
 * share them) and by a key: lasting ones for good, the others only the latest few.
 */
export class SeasonSumsCache<Value> {
  readonly #lasting = new WeakMap<Skeleton, Map<string, Value>>();
  readonly #recent = new WeakMap<Skeleton, Map<string, Value>>();

  get(skeleton: Skeleton, key: string, lasting: boolean, compute: () => Value): Value {
    const store = lasting ? this.#lasting : this.#recent;
    let values = store.get(skeleton);
    if (!values) {
      values = new Map();
      store.set(skeleton, values);
    }
    const known = values.get(key);
    if (known !== undefined) {
      if (!lasting) {
        // Most recently used last.
        values.delete(key);
        values.set(key, known);
      }
      return known;
    }
    const value = compute();
    values.set(key, value);
    if (!lasting && values.size > RECENT_SETS) {
      const oldest = values.keys().next().value as string;
      values.delete(oldest);
    }
    return value;
  }
}
