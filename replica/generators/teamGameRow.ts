// The identity part of a Query Tool team game row (`/game/team`): which team, in which game, against
// whom and with what result. Every team measure type shares it; only `stats` differs.
import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide } from '../skeleton.ts';

export interface TeamGameIdentity {
  teamId: number;
  teamName: string;
  teamAbbreviation: string;
  seasonYear: string;
  seasonType: string;
  leagueId: string;
  gameId: string;
  gameDate: string;
  gameOutcome: 'W' | 'L';
  opponentName: string;
  teamScore: number;
  opponentScore: number;
  scoreDiff: number;
}

export type TeamGameRow<Stats> = TeamGameIdentity & { stats: Stats };

/** The side's opponent in the game. */
export const opponentOf = (game: Game, side: GameSide): GameSide =>
  side === game.home ? game.away : game.home;

export function teamGameIdentity(season: SeasonIndex, game: Game, side: GameSide): TeamGameIdentity {
  const opponent = opponentOf(game, side);
  const team = season.teamsById.get(side.teamId);
  return {
    teamId: side.teamId,
    teamName: team?.fullName ?? '',
    teamAbbreviation: team?.abbreviation ?? '',
    seasonYear: season.skeleton.season,
    seasonType: seasonTypeOf(game.id as GameId),
    leagueId: season.skeleton.leagueId,
    gameId: game.id,
    gameDate: game.date,
    gameOutcome: side.score > opponent.score ? 'W' : 'L',
    opponentName: season.teamsById.get(opponent.teamId)?.fullName ?? '',
    teamScore: side.score,
    opponentScore: opponent.score,
    scoreDiff: side.score - opponent.score,
  };
}
