// The box-score formulas behind the Advanced measure, over the counts a team or a player has:
// possessions, pace, shooting efficiency, rebound and usage shares, PIE. Team and player rows of the
// replica derive from the same formulas, so they agree with each other and with the skeleton's box.
import type { TeamBox } from '../skeleton.ts';

/** The counts of a box line (a team's, or one player's); `TeamBox` is one. */
export type BoxCounts = Omit<TeamBox, 'min' | 'reb'>;

export const round = (value: number, places: number): number => Number(value.toFixed(places));

/** `part / whole`, 0 when there is nothing to divide by (upstream sends 0, not NaN). */
export const ratioOf = (part: number, whole: number): number => (whole > 0 ? part / whole : 0);

/** Possessions used: FGA + 0.44 × FTA − OREB + TOV, a whole number as upstream reports it. */
export const possessionsOf = (box: BoxCounts): number =>
  Math.max(0, Math.round(box.fga + 0.44 * box.fta - box.oreb + box.tov));

/** Possessions per 48 minutes of one player (or of one lineup, for a team: its minutes over 5). */
export const paceOf = (possessions: number, minutes: number): number =>
  round(ratioOf(48 * possessions, minutes), 2);

/** PACE scaled to a 40-minute game (FIBA, WNBA, college): what PACE_PER40 reports. */
export const per40 = (pace: number): number => round((pace * 40) / 48, 2);

/** Effective FG%: (FGM + 0.5 × FG3M) / FGA. Reaches 1.5 when every attempt is a made three. */
export const effectiveFgOf = (box: BoxCounts): number => round(ratioOf(box.fgm + 0.5 * box.fg3m, box.fga), 3);

/** True shooting: PTS / (2 × (FGA + 0.44 × FTA)). Also above 1 for a made three on a lone attempt. */
export const trueShootingOf = (box: BoxCounts): number =>
  round(ratioOf(box.pts, 2 * (box.fga + 0.44 * box.fta)), 3);

/** Turnovers per play: TOV / (FGA + 0.44 × FTA + TOV), a fraction. */
export const turnoverShareOf = (box: BoxCounts): number =>
  round(ratioOf(box.tov, box.fga + 0.44 * box.fta + box.tov), 3);

/** Assists per 100 plays: 100 × AST / (FGA + 0.44 × FTA + AST + TOV). */
export const assistRatioOf = (box: BoxCounts): number =>
  round(ratioOf(100 * box.ast, box.fga + 0.44 * box.fta + box.ast + box.tov), 1);

/** Assists per turnover; a line without turnovers reports its assists. */
export const assistsPerTurnoverOf = (box: BoxCounts): number =>
  round(box.tov > 0 ? box.ast / box.tov : box.ast, 2);

/** Points per 100 possessions, one decimal. */
export const ratingOf = (points: number, possessions: number): number =>
  round(ratioOf(100 * points, possessions), 1);

/** The PIE numerator of a box line; a line's PIE is it over the sum of both teams' numerators. */
export const pieNumeratorOf = (box: BoxCounts): number =>
  box.pts +
  box.fgm +
  box.ftm -
  box.fga -
  box.fta +
  box.dreb +
  0.5 * box.oreb +
  box.ast +
  box.stl +
  0.5 * box.blk -
  box.pf -
  box.tov;

/** A share that cannot exceed the whole: a few seconds on court can push the estimate past 1. */
export const fractionOf = (value: number): number => round(Math.min(1, Math.max(0, value)), 3);
