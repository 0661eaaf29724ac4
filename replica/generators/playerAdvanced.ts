// Advanced rows of `/game/player MeasureType=Advanced` for one game: one per player who played (like
// Base, upstream leaves out those who did not), derived from his box line and his team's and the
// opponent's box totals. Ratings and pace are unbounded (a few minutes on court give extreme values),
// shares are fractions 0–1, PIE a signed fraction; minutes are decimal minutes.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game } from '../skeleton.ts';
import {
  assistRatioOf,
  assistsPerTurnoverOf,
  effectiveFgOf,
  fractionOf,
  paceOf,
  per40,
  pieNumeratorOf,
  ratingOf,
  ratioOf,
  round,
  trueShootingOf,
  turnoverShareOf,
} from './advancedFormulas.ts';
import { gameBoxLines, type PlayerLine, type SideLines } from './gameBoxLines.ts';
import { type EventIdentity, eventIdentity } from './playerEventRow.ts';

export interface PlayerAdvancedStats {
  /** Decimal minutes. */
  MIN: number;
  /** Points per 100 possessions while on court, scored and conceded; NET = OFF − DEF. */
  OFF_RATING: number;
  DEF_RATING: number;
  NET_RATING: number;
  /** Fractions 0–1. */
  AST_PCT: number;
  /** Assists per turnover. */
  AST_TO: number;
  /** Assists per 100 plays. */
  AST_RATIO: number;
  OREB_PCT: number;
  DREB_PCT: number;
  REB_PCT: number;
  TOV_PCT: number;
  /** Up to 1.5 (every attempt a made three). */
  EFG_PCT: number;
  TS_PCT: number;
  USG_PCT: number;
  /** Possessions per 48 minutes on court, and the same per 40. */
  PACE: number;
  PACE_PER40: number;
  POSS: number;
  /** Player impact estimate: a signed fraction of the game's total. */
  PIE: number;
}

export type PlayerAdvancedRow = EventIdentity & { stats: PlayerAdvancedStats };

export function playerAdvancedRows(season: SeasonIndex, game: Game, seed: number): PlayerAdvancedRow[] {
  const { sides } = gameBoxLines(season, game, seed);
  const gamePie = pieNumeratorOf(game.home.box) + pieNumeratorOf(game.away.box);
  return sides.flatMap((lines) =>
    lines.players.map((line) => ({
      ...eventIdentity(season, game, line.participant.side, line.participant.entry.player),
      stats: advancedStats(line, lines, gamePie),
    })),
  );
}

function advancedStats(
  line: PlayerLine,
  { side, opponent }: SideLines,
  gamePie: number,
): PlayerAdvancedStats {
  const team = side.box;
  const opp = opponent.box;
  // The share of the team's minutes he was on court for, in lineups of five.
  const onCourt = line.minutes / (team.min / 5);
  const offRating = ratingOf(line.pointsFor, line.possessions);
  const defRating = ratingOf(line.pointsAgainst, line.possessions);
  const pace = paceOf(line.possessions, line.minutes);
  return {
    MIN: line.minutes,
    OFF_RATING: offRating,
    DEF_RATING: defRating,
    NET_RATING: round(offRating - defRating, 1),
    AST_PCT: fractionOf(ratioOf(line.ast, onCourt * team.fgm - line.fgm)),
    AST_TO: assistsPerTurnoverOf(line),
    AST_RATIO: assistRatioOf(line),
    OREB_PCT: fractionOf(ratioOf(line.oreb, onCourt * (team.oreb + opp.dreb))),
    DREB_PCT: fractionOf(ratioOf(line.dreb, onCourt * (team.dreb + opp.oreb))),
    REB_PCT: fractionOf(ratioOf(line.oreb + line.dreb, onCourt * (team.reb + opp.reb))),
    TOV_PCT: turnoverShareOf(line),
    EFG_PCT: effectiveFgOf(line),
    TS_PCT: trueShootingOf(line),
    USG_PCT: fractionOf(
      ratioOf(line.fga + 0.44 * line.fta + line.tov, onCourt * (team.fga + 0.44 * team.fta + team.tov)),
    ),
    PACE: pace,
    PACE_PER40: per40(pace),
    POSS: line.possessions,
    PIE: round(ratioOf(pieNumeratorOf(line), gamePie), 3),
  };
}
