// Advanced rows of `/game/team MeasureType=Advanced` for one game: one per team, derived from the
// skeleton's box totals of both teams (possessions, ratings, pace, shares, PIE). MIN comes in
// upstream's own scale, the team's minutes over 25 (9.6 for a regulation game's 240: previous-
// implementation.md §5.9), so a client has to convert it; the other fields are in their usual units.
import type { SeasonIndex } from '../seasonIndex.ts';
import type { Game, GameSide } from '../skeleton.ts';
import {
  assistRatioOf,
  assistsPerTurnoverOf,
  effectiveFgOf,
  fractionOf,
  paceOf,
  per40,
  pieNumeratorOf,
  possessionsOf,
  ratingOf,
  ratioOf,
  round,
  trueShootingOf,
  turnoverShareOf,
} from './advancedFormulas.ts';
import { opponentOf, type TeamGameRow, teamGameIdentity } from './teamGameRow.ts';

/** Team minutes per unit of the MIN that `/game/team MeasureType=Advanced` sends. */
export const ADVANCED_TEAM_MINUTES_PER_MIN = 25;

export interface TeamAdvancedStats {
  /** The team's minutes over 25: 9.6 in regulation, 10.6 after one overtime. */
  MIN: number;
  OFF_RATING: number;
  DEF_RATING: number;
  NET_RATING: number;
  /** Fractions 0–1. */
  AST_PCT: number;
  AST_TOV: number;
  AST_RATIO: number;
  OREB_PCT: number;
  DREB_PCT: number;
  REB_PCT: number;
  TM_TOV_PCT: number;
  EFG_PCT: number;
  TS_PCT: number;
  /** Possessions per 48 minutes of the game, and the same per 40. */
  PACE: number;
  PACE_PER40: number;
  POSS: number;
  /** The team's share of the game's PIE: the two teams' add up to 1 (to the thousandth). */
  PIE: number;
}

export type TeamAdvancedRow = TeamGameRow<TeamAdvancedStats>;

export function teamAdvancedRows(season: SeasonIndex, game: Game, _seed: number): TeamAdvancedRow[] {
  return [game.home, game.away].map((side) => ({
    ...teamGameIdentity(season, game, side),
    stats: teamAdvancedStats(side, opponentOf(game, side)),
  }));
}

function teamAdvancedStats(side: GameSide, opponent: GameSide): TeamAdvancedStats {
  const team = side.box;
  const opp = opponent.box;
  const possessions = possessionsOf(team);
  const opponentPossessions = possessionsOf(opp);
  const offRating = ratingOf(team.pts, possessions);
  const defRating = ratingOf(opp.pts, opponentPossessions);
  // Both teams' possessions per 48 minutes of one lineup: the same pace for the two rows.
  const pace = paceOf((possessions + opponentPossessions) / 2, team.min / 5);
  return {
    MIN: round(team.min / ADVANCED_TEAM_MINUTES_PER_MIN, 2),
    OFF_RATING: offRating,
    DEF_RATING: defRating,
    NET_RATING: round(offRating - defRating, 1),
    AST_PCT: fractionOf(ratioOf(team.ast, team.fgm)),
    AST_TOV: assistsPerTurnoverOf(team),
    AST_RATIO: assistRatioOf(team),
    OREB_PCT: fractionOf(ratioOf(team.oreb, team.oreb + opp.dreb)),
    DREB_PCT: fractionOf(ratioOf(team.dreb, team.dreb + opp.oreb)),
    REB_PCT: fractionOf(ratioOf(team.reb, team.reb + opp.reb)),
    TM_TOV_PCT: turnoverShareOf(team),
    EFG_PCT: effectiveFgOf(team),
    TS_PCT: trueShootingOf(team),
    PACE: pace,
    PACE_PER40: per40(pace),
    POSS: possessions,
    PIE: round(ratioOf(pieNumeratorOf(team), pieNumeratorOf(team) + pieNumeratorOf(opp)), 3),
  };
}
