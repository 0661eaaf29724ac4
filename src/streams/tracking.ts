// Player tracking per game: one row per player who played, from /game/player MeasureType=Tracking
// (TeamGrouping=Y), into nba.tracking_stats with the raw stats object kept whole. Percentages are
// fractions 0–1: a value outside that range is stored as NULL and flagged (rowValues), never rescaled.
import type { TableCheck } from '../sinks/verifyQueries.ts';
import { gameMeasureDataset } from './gameMeasures.ts';
import type { StatColumn } from './rowValues.ts';

const STAT_COLUMNS: readonly StatColumn[] = [
  ['MIN', 'minutes', 'decimal'],
  ['DIST_MILES', 'dist_miles', 'decimal'],
  ['DIST_MILES_OFF', 'dist_miles_off', 'decimal'],
  ['DIST_MILES_DEF', 'dist_miles_def', 'decimal'],
  ['AVG_SPEED', 'avg_speed', 'decimal'],
  ['AVG_SPEED_OFF', 'avg_speed_off', 'decimal'],
  ['AVG_SPEED_DEF', 'avg_speed_def', 'decimal'],
  ['TOUCHES', 'touches', 'count'],
  ['PASSES', 'passes', 'count'],
  ['SECONDARY_AST', 'secondary_ast', 'count'],
  ['FT_AST', 'ft_ast', 'count'],
  ['AST', 'ast', 'count'],
  ['DREB', 'dreb', 'count'],
  ['OREB', 'oreb', 'count'],
  ['REB_CHANCES', 'reb_chances', 'count'],
  ['CONTESTED_FG_PCT', 'cfg_pct', 'fraction'],
  ['UNCONTESTED_FG_PCT', 'uf_fg_pct', 'fraction'],
];

/** What real data guarantees: about 22 players per game, fractions within 0–1. */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
  { kind: 'range', name: 'cfg_pct', column: 'cfg_pct', min: 0, max: 1 },
  { kind: 'range', name: 'uf_fg_pct', column: 'uf_fg_pct', min: 0, max: 1 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 },
];

export const tracking = gameMeasureDataset({
  name: 'tracking',
  side: 'player',
  measure: 'Tracking',
  table: 'nba.tracking_stats',
  stats: STAT_COLUMNS,
  jsonColumn: 'tracking_stats_json',
  // The previous implementation's seed (previous-implementation.md, batch sizes: "initial batch size is 100").
  fixedBatchSize: 100,
  checks,
});
