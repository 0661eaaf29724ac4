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

export interface SeasonTeams {
  /** Teams that played a final game of the season type, by id. */
  readonly teams: number[];
  /** Final games of the season type: what season-wide coverage is as of. */
  readonly finalGames: number;
}

/** What season-wide datasets load: every team of the season type, whatever dates or ids a run names. */
export function seasonTeams(schedule: readonly ScheduledGame[], seasonType: string): SeasonTeams {
  const teams = new Set<number>();
  let finalGames = 0;
  for (const game of schedule) {
    if (game.seasonType !== seasonType || game.status !== 3) continue;
    finalGames += 1;
    teams.add(game.homeTeamId).add(game.awayTeamId);
  }
  return { teams: [...teams].sort((a, b) => a - b), finalGames };
}
