// The plays of one game before anyone is put on them, in game order: the shot chart's field goals
// (fieldGoalRows: team, kind, spot, period and clock), the moments each team goes to the line with the
// trips its players take in each period (their box lines' FTA and FTM, in the periods whose line score
// needs the points), and turnovers, fouls and timeouts at seeded moments, as many as the lines count. legacyGameFlow decides who acts, from the players
// on court, and adds rebounds, blocks, steals and substitutions.
import type { SeededRandom } from '../seededRandom.ts';
import type { Game, GameSide } from '../skeleton.ts';
import type { FieldGoalRow } from './fieldGoals.ts';
import type { GameBoxLines, SideLines } from './gameBoxLines.ts';
import { periodSeconds } from './gameTimeline.ts';
import { periodScores } from './periodScores.ts';
import type { ShotKind } from './shotLocation.ts';

export interface Moment {
  readonly period: number;
  /** Tenths of a second left in the period. */
  readonly clock: number;
}

export interface ShotPlay extends Moment {
  readonly kind: 'shot';
  readonly side: GameSide;
  readonly isThree: boolean;
  readonly made: boolean;
  readonly shotKind: ShotKind;
  /** Shot chart coordinates: tenths of feet from the basket. */
  readonly x: number;
  readonly y: number;
  readonly paint: boolean;
  /** Who took it on the chart: he keeps it when he played and has a shot of this kind left. */
  readonly chartShooterId: number;
}

/** A moment the team goes to the line; which of its trips of the period is taken here is decided on court. */
export interface TripPlay extends Moment {
  readonly kind: 'trip';
  /** The shooting team. */
  readonly side: GameSide;
  /** After a shooting foul (false only when the other team has fewer fouls than trips). */
  readonly fouled: boolean;
}

/** One player's trip to the line, in the period whose line score needs its points. */
export interface FreeThrowTrip {
  readonly side: GameSide;
  readonly period: number;
  readonly shooterId: number;
  /** Made or missed, in order. */
  readonly results: readonly boolean[];
}

export interface GamePlays {
  /** Ordered by period and clock (ties keep shots first). */
  readonly plays: readonly Play[];
  /** As many per team and period as that team's trip plays in the period. */
  readonly trips: readonly FreeThrowTrip[];
}

export interface TurnoverPlay extends Moment {
  readonly kind: 'turnover';
  readonly side: GameSide;
  /** Charged to the team (shot clock), not to a player. */
  readonly team: boolean;
}

/** A foul by the team with the ball: a personal foul and a turnover of the same player. */
export interface OffensiveFoulPlay extends Moment {
  readonly kind: 'offensiveFoul';
  readonly side: GameSide;
}

/** A personal foul away from the shot (no free throws). */
export interface FoulPlay extends Moment {
  readonly kind: 'foul';
  readonly side: GameSide;
  readonly descriptor: string;
}

export interface TimeoutPlay extends Moment {
  readonly kind: 'timeout';
  readonly side: GameSide;
}

export type Play = ShotPlay | TripPlay | TurnoverPlay | OffensiveFoulPlay | FoulPlay | TimeoutPlay;

/** Plays start after the opening tip (within its first 3 seconds) and end before the buzzer. */
const OPENING_TENTHS = 40;
const BUZZER_TENTHS = 10;
const PAINT_ZONES = new Set(['Restricted Area', 'In The Paint (Non-RA)']);
const MAX_OFFENSIVE_FOULS = 3;
const MIN_TIMEOUTS = 4;
const MAX_TIMEOUTS = 7;
/** Descriptors of fouls away from the shot, with their weights ('' is a plain personal foul). */
const FOUL_DESCRIPTORS: readonly (readonly [string, number])[] = [
  ['', 0.55],
  ['loose ball', 0.3],
  ['take', 0.15],
];

export function gamePlays(
  random: SeededRandom,
  game: Game,
  lines: GameBoxLines,
  chart: readonly FieldGoalRow[],
): GamePlays {
  const shots = chart.map((row) => shotPlay(game, row));
  const lineScores = periodScores(game, chart);
  const offensiveFouls = lines.sides.map((side) => offensiveFoulCount(random, side, side.opponent));
  const trips = lines.sides.map((side, index) =>
    tripPlays(random, side, index === 0 ? lineScores.home : lineScores.away, shots),
  );
  // A trip follows a foul of the other team: one of its fouls that is not an offensive foul.
  const defensiveFouls = lines.sides.map(
    (side, index) => sumOf(side.players, (line) => line.pf) - (offensiveFouls[index] ?? 0),
  );
  const plays: Play[] = [...shots];
  for (const [index, side] of lines.sides.entries()) {
    const other = 1 - index;
    plays.push(...tripMoments(random, trips[index] ?? [], defensiveFouls[other] ?? 0));
    const shootingFouls = Math.min((trips[other] ?? []).length, defensiveFouls[index] ?? 0);
    plays.push(...otherPlays(random, game, side, offensiveFouls[index] ?? 0, shootingFouls));
  }
  return { plays: plays.sort((a, b) => a.period - b.period || b.clock - a.clock), trips: trips.flat() };
}

const sumOf = <Item>(items: readonly Item[], pick: (item: Item) => number): number =>
  items.reduce((total, item) => total + pick(item), 0);

function shotPlay(game: Game, row: FieldGoalRow): ShotPlay {
  return {
    kind: 'shot',
    side: row.teamId === game.home.teamId ? game.home : game.away,
    period: row.period,
    clock: Math.round(row.gameClock * 10),
    isThree: row.stats.FG3 === 1,
    made: row.stats.FGM === 1,
    shotKind: shotKindOf(row),
    x: row.x,
    y: row.y,
    paint: row.stats.FG3 === 0 && PAINT_ZONES.has(row.stats.SHOT_ZONE_BASIC),
    chartShooterId: row.playerId,
  };
}

function shotKindOf({ stats }: FieldGoalRow): ShotKind {
  if (stats.FG_ALLEY_OOP) return 'alleyOop';
  if (stats.FG_FINGER_ROLL) return 'fingerRoll';
  if (stats.FG_DUNK) return 'dunk';
  if (stats.FG_TIP) return 'tip';
  if (stats.FG_HOOK) return 'hook';
  if (stats.FG_LAYUP) return 'layup';
  return 'jumper';
}

/**
 * Each player's free throws in trips of two (one for an odd attempt, and-ones; now and then three),
 * placed so that each period's made free throws are what its line score (periodScores) adds to the
 * field goals: trips with the most makes first, each into a period that still needs that many.
 */
function tripPlays(
  random: SeededRandom,
  lines: SideLines,
  periodPoints: readonly number[],
  shots: readonly ShotPlay[],
): FreeThrowTrip[] {
  const needed = periodPoints.map((points, index) => {
    const fieldGoals = shots
      .filter((shot) => shot.side === lines.side && shot.made && shot.period === index + 1)
      .reduce((sum, shot) => sum + (shot.isThree ? 3 : 2), 0);
    return points - fieldGoals;
  });
  const trips = lines.players.flatMap((line) =>
    playerTrips(random, line.fta, line.ftm).map((results) => ({
      shooterId: line.participant.entry.player.id,
      results,
    })),
  );
  const made = (results: readonly boolean[]) => results.filter(Boolean).length;
  const ordered = random.shuffle(trips).sort((a, b) => made(b.results) - made(a.results));
  return ordered.map(({ shooterId, results }) => {
    const count = made(results);
    const fits = needed.map((left) => (left >= count ? (count === 0 ? 1 : left) : 0));
    let at = random.weightedIndex(fits);
    if (at < 0) at = needed.indexOf(Math.max(...needed));
    needed[at] = (needed[at] ?? 0) - count;
    return { side: lines.side, period: at + 1, shooterId, results };
  });
}

/** `fta` attempts with `ftm` made in random order, cut into trips. */
function playerTrips(random: SeededRandom, fta: number, ftm: number): boolean[][] {
  const results = random.shuffle(Array.from({ length: fta }, (_, index) => index < ftm));
  const trips: boolean[][] = [];
  for (let at = 0; at < results.length; ) {
    const left = results.length - at;
    const size = left === 1 || random.chance(0.12) ? 1 : left >= 3 && random.chance(0.06) ? 3 : 2;
    trips.push(results.slice(at, at + size));
    at += size;
  }
  return trips;
}

/**
 * Fouls by the team with the ball: a few, by players who both foul and turn the ball over, leaving
 * enough of their turnovers for the other team's steals.
 */
function offensiveFoulCount(random: SeededRandom, lines: SideLines, opponent: GameSide): number {
  const able = lines.players.filter((line) => line.pf > 0 && line.tov > 0).length;
  const spare = sumOf(lines.players, (line) => line.tov) - opponent.box.stl;
  return Math.max(0, Math.min(able, spare, random.int(0, MAX_OFFENSIVE_FOULS)));
}

/** A moment in its period for each trip; the first `fouls` in a seeded order follow a shooting foul. */
function tripMoments(random: SeededRandom, trips: readonly FreeThrowTrip[], fouls: number): TripPlay[] {
  const fouled = new Set(random.shuffle(trips).slice(0, Math.max(0, fouls)));
  return trips.map((trip) => ({
    kind: 'trip',
    side: trip.side,
    period: trip.period,
    clock: random.int(BUZZER_TENTHS, periodSeconds(trip.period) * 10 - OPENING_TENTHS),
    fouled: fouled.has(trip),
  }));
}

/**
 * A team's turnovers (its players' less those that were offensive fouls, plus the team's own), its
 * fouls that sent nobody to the line, and its timeouts, each at a seeded moment of the game.
 */
function otherPlays(
  random: SeededRandom,
  game: Game,
  lines: SideLines,
  offensiveFouls: number,
  shootingFouls: number,
): Play[] {
  const side = lines.side;
  const at = () => randomMoment(random, game.periods);
  const times = (count: number, make: () => Play) => Array.from({ length: Math.max(0, count) }, make);
  const playerTurnovers = sumOf(lines.players, (line) => line.tov) - offensiveFouls;
  const fouls = sumOf(lines.players, (line) => line.pf) - offensiveFouls - shootingFouls;
  return [
    ...times(offensiveFouls, () => ({ kind: 'offensiveFoul', side, ...at() })),
    ...times(playerTurnovers, () => ({ kind: 'turnover', side, team: false, ...at() })),
    ...times(lines.teamTurnovers, () => ({ kind: 'turnover', side, team: true, ...at() })),
    ...times(fouls, () => ({ kind: 'foul', side, descriptor: foulDescriptor(random), ...at() })),
    ...times(random.int(MIN_TIMEOUTS, MAX_TIMEOUTS), () => ({ kind: 'timeout', side, ...at() })),
  ];
}

function foulDescriptor(random: SeededRandom): string {
  return FOUL_DESCRIPTORS[random.weightedIndex(FOUL_DESCRIPTORS.map(([, weight]) => weight))]?.[0] ?? '';
}

/** A moment drawn evenly over the game's playing time, clear of the buzzer and the opening tip. */
function randomMoment(random: SeededRandom, periods: number): Moment {
  const lengths = Array.from({ length: periods }, (_, index) => periodSeconds(index + 1) * 10);
  let elapsed = random.int(0, lengths.reduce((sum, length) => sum + length, 0) - 1);
  let period = 1;
  for (const length of lengths) {
    if (elapsed < length) break;
    elapsed -= length;
    period += 1;
  }
  const length = lengths[period - 1] ?? 7200;
  return { period, clock: Math.min(length - OPENING_TENTHS, Math.max(BUZZER_TENTHS, length - elapsed)) };
}
