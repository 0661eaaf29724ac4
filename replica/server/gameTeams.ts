// A team as the schedule and scoreboard show it inside a game: names, tricode, slug, its record
// (after the game once it is shown final, going into it before) and its score as shown.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide } from '../skeleton.ts';
import type { ShownGame } from './gameProgress.ts';

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

export function gameTeam(season: SeasonIndex, game: Game, side: GameSide, shown: ShownGame): GameTeam {
  const team = season.teamsById.get(side.teamId);
  const records = shown.final ? season.recordsAfter : season.recordsBefore;
  const record = records.get(`${game.id}:${side.teamId}`) ?? { wins: 0, losses: 0 };
  return {
    teamId: side.teamId,
    teamName: team?.nickname ?? '',
    teamCity: team?.city ?? '',
    teamTricode: team?.abbreviation ?? '',
    teamSlug: team?.slug ?? '',
    wins: record.wins,
    losses: record.losses,
    score: side === game.home ? shown.home : shown.away,
    seed: 0,
  };
}
