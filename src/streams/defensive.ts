// Defensive stats per game: one row per player who played, from /game/player MeasureType=Defensive
// (TeamGrouping=Y), into nba.defensive_stats with the raw stats object kept whole. DEF_* are what
// the opponents he guarded did (counts) and his own steals, blocks and fouls; percentages are
// fractions 0–1, flagged and stored as NULL outside it (rowValues), never rescaled.
import type { TableCheck } from '../sinks/verifyQueries.ts';
import { gameMeasureDataset } from './gameMeasures.ts';
import type { StatColumn } from './rowValues.ts';

const STAT_COLUMNS: readonly StatColumn[] = [
  ['MIN', 'minutes', 'decimal'],
  ['DEF_FGM', 'def_fgm', 'count'],
  ['DEF_FGA', 'def_fga', 'count'],
  ['DEF_FG_PCT', 'def_fg_pct', 'fraction'],
  ['DEF_FG3M', 'def_fg3m', 'count'],
  ['DEF_FG3A', 'def_fg3a', 'count'],
  ['DEF_FG3_PCT', 'def_fg3_pct', 'fraction'],
  ['DEF_FTM', 'def_ftm', 'count'],
  ['DEF_FTA', 'def_fta', 'count'],
  ['DEF_FT_PCT', 'def_ft_pct', 'fraction'],
  ['DEF_AST', 'def_ast', 'count'],
  ['DEF_TOV', 'def_tov', 'count'],
  ['DEF_FOUL', 'def_foul', 'count'],
  ['DEF_SHOOTING_FOUL', 'def_shooting_foul', 'count'],
  ['DEF_BLK', 'def_blk', 'count'],
  ['DEF_STL', 'def_stl', 'count'],
  ['DEF_PTS', 'def_pts', 'count'],
];

/** What real data guarantees: about 22 players per game, fractions within 0–1, six fouls at most. */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 },
  { kind: 'range', name: 'def_fg_pct', column: 'def_fg_pct', min: 0, max: 1 },
  { kind: 'range', name: 'def_fg3_pct', column: 'def_fg3_pct', min: 0, max: 1 },
  { kind: 'range', name: 'def_ft_pct', column: 'def_ft_pct', min: 0, max: 1 },
  { kind: 'range', name: 'def_foul', column: 'def_foul', min: 0, max: 6 },
];

export const defensive = gameMeasureDataset({
  name: 'defensive',
  side: 'player',
  measure: 'Defensive',
  table: 'nba.defensive_stats',
  stats: STAT_COLUMNS,
  jsonColumn: 'defensive_stats_json',
  fixedBatchSize: 100,
  checks,
});
