// What every tracking event stream of `/event/player` (passes, defensive events, drives, isolations,
// post-ups) shares: plays spread over the game's periods, each with one or more rows of players who
// played (gameParticipants), so several rows carry one eventNumber. Volume follows game length.
// Pure: the same season, game and seed always give the same rows.
import type { SeasonIndex } from '../seasonIndex.ts';
import { SeededRandom } from '../seededRandom.ts';
import type { Game } from '../skeleton.ts';
import { gameParticipants, type Participant } from './gameParticipants.ts';
import { eventSlots, periodSeconds } from './gameTimeline.ts';
import { type EventIdentity, eventIdentity, type PlayerEventRow, playerEventRow } from './playerEventRow.ts';
import type { CourtPoint } from './shotLocation.ts';

/** One row of a play: who, where on the court, and the row's stats. */
export interface PlayRow<Stats> {
  player: Participant;
  point: CourtPoint;
  stats: Stats;
}

/** The two teams' players in a play: the team with the ball, and the other. */
export interface PlayTeams {
  offense: readonly Participant[];
  defense: readonly Participant[];
}

export interface EventStreamShape<Stats> {
  /** The EventType, also the generator's seed prefix. */
  eventType: string;
  /** Plays in a 48-minute game, on average; overtime adds in proportion. */
  playsPerGame: number;
  /** A game's play count is playsPerGame × a uniform draw in [1 - spread, 1 + spread]. */
  spread: number;
  /** The rows of one play (at least one). */
  play(random: SeededRandom, teams: PlayTeams): PlayRow<Stats>[];
}

const REGULATION_SECONDS = 4 * 720;

export function eventStreamRows<Stats>(
  shape: EventStreamShape<Stats>,
  season: SeasonIndex,
  game: Game,
  seed: number,
): PlayerEventRow<Stats>[] {
  const random = new SeededRandom(`${shape.eventType}:${seed}:${game.id}`);
  const participants = gameParticipants(season, game, seed);
  const home = participants.filter((participant) => participant.side === game.home);
  const away = participants.filter((participant) => participant.side === game.away);
  if (home.length < 2 || away.length < 2) return [];
  let gameSeconds = 0;
  for (let period = 1; period <= game.periods; period++) gameSeconds += periodSeconds(period);
  const plays = Math.max(
    1,
    Math.round(
      ((shape.playsPerGame * gameSeconds) / REGULATION_SECONDS) *
        random.between(1 - shape.spread, 1 + shape.spread),
    ),
  );
  const identities = new Map<Participant, EventIdentity>(
    participants.map((participant) => [
      participant,
      eventIdentity(season, game, participant.side, participant.entry.player),
    ]),
  );
  const rows: PlayerEventRow<Stats>[] = [];
  for (const slot of eventSlots(random, game.periods, plays)) {
    const homeBall = random.chance(0.5);
    const teams = { offense: homeBall ? home : away, defense: homeBall ? away : home };
    for (const row of shape.play(random, teams)) {
      rows.push(playerEventRow(identities.get(row.player) as EventIdentity, slot, row.point, row.stats));
    }
  }
  return rows;
}

/** A player drawn in proportion to his minutes, other than those in `except`. */
export function pickPlayer(
  random: SeededRandom,
  players: readonly Participant[],
  except: readonly Participant[] = [],
): Participant {
  const weights = players.map((player) => (except.includes(player) ? 0 : player.minutes));
  const index = random.weightedIndex(weights);
  return players[Math.max(index, 0)] as Participant;
}

/** A spot in the half court the offense attacks (shot-chart coordinates, tenths of a foot). */
export function halfCourtPoint(random: SeededRandom): CourtPoint {
  return { x: random.int(-245, 245), y: random.int(-45, 415) };
}

/** A spot `distance` tenths of a foot from the basket, at an angle within ±`spreadDegrees` of straight on. */
export function pointAround(random: SeededRandom, distance: number, spreadDegrees: number): CourtPoint {
  const radians = (random.between(-spreadDegrees, spreadDegrees) * Math.PI) / 180;
  return { x: Math.round(distance * Math.sin(radians)), y: Math.round(distance * Math.cos(radians)) };
}

export type Flag = 0 | 1;
export const flag = (condition: boolean): Flag => (condition ? 1 : 0);
