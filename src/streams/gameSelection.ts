// Which games a run loads: final games of the season type from the schedule, narrowed by dates or
// explicit ids, in date order. Pure; coverage (what is already loaded) is subtracted by the caller.
import type { GameId } from '../gameId.ts';
import type { ScheduledGame } from './reference.ts';

export interface GameFilter {
  readonly seasonType: string;
  readonly since?: string | undefined;
  readonly until?: string | undefined;
  readonly gameIds?: readonly GameId[] | undefined;
}

export interface GameSelection {
  /** Final games to consider, ordered by date then id. */
  readonly final: GameId[];
  /** Matching games that are not final yet (scheduled, live, postponed). */
  readonly notFinal: GameId[];
  /** Explicit ids the schedule does not list. */
  readonly unknown: GameId[];
}

export function selectGames(schedule: readonly ScheduledGame[], filter: GameFilter): GameSelection {
  const wanted = filter.gameIds ? new Set<string>(filter.gameIds) : null;
  const final: GameId[] = [];
  const notFinal: GameId[] = [];
  const seen = new Set<string>();
  for (const game of schedule) {
    if (wanted) {
      if (!wanted.has(game.gameId)) continue;
    } else {
      if (game.seasonType !== filter.seasonType) continue;
      if (filter.since && game.gameDate < filter.since) continue;
      if (filter.until && game.gameDate > filter.until) continue;
    }
    seen.add(game.gameId);
    (game.status === 3 ? final : notFinal).push(game.gameId);
  }
  const unknown = (filter.gameIds ?? []).filter((id) => !seen.has(id));
  return { final, notFinal, unknown };
}
