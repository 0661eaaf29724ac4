// Players on court (`/api/stats/poc`) for one final game: for every play-by-play action of a team
// (legacyGameFlow, so event_Num is the action's actionNumber), the ten players on the floor once it
// is done — five of each team, home first, all of them players who played.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import { legacyGameFlow } from './legacyGameFlow.ts';

export interface PlayersOnCourtEvent {
  game_id: string;
  event_Num: number;
  playersPlusMinus: { team_id: number; person_id: number }[];
}

export function playersOnCourtEvents(season: SeasonIndex, game: Game, seed: number): PlayersOnCourtEvent[] {
  const sides = [game.home, game.away] as const;
  return legacyGameFlow(season, game, seed)
    .actions.filter((action) => action.side !== null)
    .map((action) => ({
      game_id: game.id,
      event_Num: action.actionNumber,
      playersPlusMinus: action.onCourt.flatMap((court, index) =>
        court.map((personId) => ({ team_id: sides[index]?.teamId ?? 0, person_id: personId })),
      ),
    }));
}
