// The identity part of a Query Tool player event row (`/event/player`): who, for which team, in
// which game, plus where and when the event happened. Every event type shares it; only `stats` differs.

import { type GameId, seasonTypeOf } from '../../src/gameId.ts';
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide, Player } from '../skeleton.ts';
import type { EventSlot } from './gameTimeline.ts';
import type { CourtPoint } from './shotLocation.ts';

export interface PlayerEventRow<Stats> {
  playerId: number;
  name: string;
  nameI: string;
  position: string;
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
  /** A string in the player event schema (an integer in the team one). */
  eventNumber: string;
  x: number;
  y: number;
  period: number;
  gameClock: number;
  stats: Stats;
}

export type EventIdentity = Omit<
  PlayerEventRow<never>,
  'eventNumber' | 'x' | 'y' | 'period' | 'gameClock' | 'stats'
>;

export function playerName(player: Player): string {
  return [player.firstName, player.lastName].filter(Boolean).join(' ');
}

/** "D. Mitchell": the initial-and-last-name form of the Query Tool's `nameI`. */
export function playerNameI(player: Player): string {
  return player.firstName ? `${player.firstName.charAt(0)}. ${player.lastName}` : player.lastName;
}

export function eventIdentity(
  season: SeasonIndex,
  game: Game,
  side: GameSide,
  player: Player,
): EventIdentity {
  const opponent = side === game.home ? game.away : game.home;
  const team = season.teamsById.get(side.teamId);
  return {
    playerId: player.id,
    name: playerName(player),
    nameI: playerNameI(player),
    position: player.position,
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

export function playerEventRow<Stats>(
  identity: EventIdentity,
  slot: EventSlot,
  point: CourtPoint,
  stats: Stats,
): PlayerEventRow<Stats> {
  // Spelled out rather than spread: V8 copies a spread of this many fields an order of magnitude
  // slower, and a season is 150,000 rows.
  return {
    playerId: identity.playerId,
    name: identity.name,
    nameI: identity.nameI,
    position: identity.position,
    teamId: identity.teamId,
    teamName: identity.teamName,
    teamAbbreviation: identity.teamAbbreviation,
    seasonYear: identity.seasonYear,
    seasonType: identity.seasonType,
    leagueId: identity.leagueId,
    gameId: identity.gameId,
    gameDate: identity.gameDate,
    gameOutcome: identity.gameOutcome,
    opponentName: identity.opponentName,
    teamScore: identity.teamScore,
    opponentScore: identity.opponentScore,
    scoreDiff: identity.scoreDiff,
    eventNumber: String(slot.eventNumber),
    x: point.x,
    y: point.y,
    period: slot.period,
    gameClock: slot.gameClock,
    stats,
  };
}

/** The same event with other stats (e.g. the TrackingShots view of a FieldGoals row). */
export function withStats<Stats>(row: PlayerEventRow<unknown>, stats: Stats): PlayerEventRow<Stats> {
  const slot = { eventNumber: Number(row.eventNumber), period: row.period, gameClock: row.gameClock };
  return playerEventRow(row, slot, row, stats);
}
