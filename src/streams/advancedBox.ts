// Advanced box scores per game: players from /game/player MeasureType=Advanced (only players who
// played) into nba.boxscores_advanced, teams from /game/team MeasureType=Advanced into
// nba.boxscores_advanced_team, each with its raw stats object. Units are explicit (rowValues): shares
// are fractions 0–1, PIE a signed fraction, ratings and paces unbounded; team MIN is rescaled once.
import type { TableCheck } from '../sinks/verifyQueries.ts';
import { ADVANCED_BOX, ROSTER_PARITY } from './boxScoreRoster.ts';
import { gameMeasureDataset } from './gameMeasures.ts';
import type { StatColumn } from './rowValues.ts';

/**
 * `/game/team MeasureType=Advanced` sends MIN in 1/25 of team minutes — 9.6 for a regulation game's
 * 240, 10.6 after one overtime (previous-implementation.md §5.9) — where the player rows and
 * /game/team Violations send minutes. Multiplied here, once; the raw JSON keeps what arrived.
 */
export const TEAM_MINUTES_PER_ADVANCED_MIN = 25;

/**
 * Ratings, AST_RATIO (per 100 plays) and paces are unbounded: a few seconds on court give huge
 * values, so their columns are plain numeric. EFG_PCT and TS_PCT reach 1.5 (a lone made three):
 * their own unit, 0–1.5, not a fraction.
 */
const PLAYER_STATS: readonly StatColumn[] = [
  ['MIN', 'minutes', 'decimal'],
  ['OFF_RATING', 'off_rating', 'rating'],
  ['DEF_RATING', 'def_rating', 'rating'],
  ['NET_RATING', 'net_rating', 'rating'],
  ['AST_PCT', 'ast_pct', 'fraction'],
  ['AST_TO', 'ast_to_ratio', 'ratio'],
  ['AST_RATIO', 'ast_ratio', 'ratio'],
  ['OREB_PCT', 'oreb_pct', 'fraction'],
  ['DREB_PCT', 'dreb_pct', 'fraction'],
  ['REB_PCT', 'reb_pct', 'fraction'],
  ['TOV_PCT', 'tm_tov_pct', 'fraction'],
  ['EFG_PCT', 'efg_pct', 'shooting'],
  ['TS_PCT', 'ts_pct', 'shooting'],
  ['USG_PCT', 'usg_pct', 'fraction'],
  ['PACE', 'pace', 'ratio'],
  ['PACE_PER40', 'pace_per40', 'ratio'],
  ['POSS', 'poss', 'count'],
  ['PIE', 'pie', 'signedFraction'],
];

/** The team rows name two stats differently (AST_TOV, TM_TOV_PCT) and have no usage. */
const TEAM_STATS: readonly StatColumn[] = [
  ['MIN', 'minutes', 'decimal'],
  ['OFF_RATING', 'off_rating', 'rating'],
  ['DEF_RATING', 'def_rating', 'rating'],
  ['NET_RATING', 'net_rating', 'rating'],
  ['AST_PCT', 'ast_pct', 'fraction'],
  ['AST_TOV', 'ast_to_ratio', 'ratio'],
  ['AST_RATIO', 'ast_ratio', 'ratio'],
  ['OREB_PCT', 'oreb_pct', 'fraction'],
  ['DREB_PCT', 'dreb_pct', 'fraction'],
  ['REB_PCT', 'reb_pct', 'fraction'],
  ['TM_TOV_PCT', 'tm_tov_pct', 'fraction'],
  ['EFG_PCT', 'efg_pct', 'shooting'],
  ['TS_PCT', 'ts_pct', 'shooting'],
  ['PACE', 'pace', 'ratio'],
  ['PACE_PER40', 'pace_per40', 'ratio'],
  ['POSS', 'poss', 'count'],
  ['PIE', 'pie', 'signedFraction'],
];

/** The stats with MIN in team minutes, to the hundredth the column keeps (9.6 × 25 is 240.00000000000003). */
function inTeamMinutes(stats: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> {
  const min = stats.MIN;
  if (typeof min !== 'number') return stats;
  return { ...stats, MIN: Math.round(min * TEAM_MINUTES_PER_ADVANCED_MIN * 100) / 100 };
}

const minutesOfPlayers: TableCheck = { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 };
const fractionChecks = (columns: readonly string[]): TableCheck[] =>
  columns.map((column) => ({ kind: 'range', name: column, column, min: 0, max: 1 }));

/** What real data guarantees: about 22 players per game, shares within 0–1, eFG% and TS% at most 1.5. */
const playerChecks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
  minutesOfPlayers,
  ...fractionChecks(['ast_pct', 'oreb_pct', 'dreb_pct', 'reb_pct', 'tm_tov_pct', 'usg_pct']),
  { kind: 'range', name: 'efg_pct', column: 'efg_pct', min: 0, max: 1.5 },
  { kind: 'range', name: 'ts_pct', column: 'ts_pct', min: 0, max: 1.5 },
  { kind: 'range', name: 'pie', column: 'pie', min: -1, max: 1 },
];

/**
 * Exactly two teams per game; team minutes 240 plus 25 per overtime (a MIN left in upstream's 9.6
 * scale fails here); a team's pace and possessions per 48 minutes are those of an NBA game (the 1/5
 * scale some box scores use for team pace, ≈20, fails too); shares within 0–1.
 */
const teamChecks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'teams_per_game', min: 2, max: 2 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 240, max: 390 },
  { kind: 'range', name: 'pace', column: 'pace', min: 70, max: 140 },
  { kind: 'range', name: 'poss', column: 'poss', min: 60, max: 170 },
  ...fractionChecks(['ast_pct', 'oreb_pct', 'dreb_pct', 'reb_pct', 'tm_tov_pct']),
  { kind: 'range', name: 'efg_pct', column: 'efg_pct', min: 0, max: 1.5 },
  { kind: 'range', name: 'ts_pct', column: 'ts_pct', min: 0, max: 1.5 },
  { kind: 'range', name: 'pie', column: 'pie', min: -1, max: 1 },
];

export const advancedBox = gameMeasureDataset({
  name: ADVANCED_BOX,
  side: 'player',
  measure: 'Advanced',
  table: 'nba.boxscores_advanced',
  stats: PLAYER_STATS,
  jsonColumn: 'advanced_stats_json',
  fixedBatchSize: 100,
  checks: playerChecks,
  // A Query Tool row is a real row: it turns a roster placeholder of the same player into one.
  extra: { columns: [{ name: 'is_placeholder', type: 'bool' }], stats: {}, values: () => [false] },
  hooks: ROSTER_PARITY,
  placeholderColumn: 'is_placeholder',
});

export const advancedBoxTeam = gameMeasureDataset({
  name: 'advanced_box_team',
  side: 'team',
  measure: 'Advanced',
  table: 'nba.boxscores_advanced_team',
  stats: TEAM_STATS,
  jsonColumn: 'advanced_stats_json',
  fixedBatchSize: 200,
  checks: teamChecks,
  inColumnUnits: inTeamMinutes,
});
