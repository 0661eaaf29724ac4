// A team as the schedule and scoreboard show it inside a game: names, tricode, slug, its record
// once the game is final, and its score.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide } from '../skeleton.ts';

export interface GameTeam {
  teamId: number;
  teamName: string;
  teamCity: string;
  teamTricode: string;
  teamSlug: string;
  wins: number;
  losses: number;
  score: number;
  seed: number;
}

export function gameTeam(season: SeasonIndex, game: Game, side: GameSide): GameTeam {
  const team = season.teamsById.get(side.teamId);
  const record = season.recordsAfter.get(`${game.id}:${side.teamId}`) ?? { wins: 0, losses: 0 };
  return {
    teamId: side.teamId,
    teamName: team?.nickname ?? '',
    teamCity: team?.city ?? '',
    teamTricode: team?.abbreviation ?? '',
    teamSlug: team?.slug ?? '',
    wins: record.wins,
    losses: record.losses,
    score: game.status === 1 ? 0 : side.score,
    seed: 0,
  };
}
