// Player tracking per game: one row per player who played, from /game/player MeasureType=Tracking
// (TeamGrouping=Y), into nba.tracking_stats with the raw stats object kept whole. Percentages are
// fractions 0–1: a value outside that range is stored as NULL and flagged (rowValues), never rescaled.
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, GameRow, QueryToolDataset, RowContext } from './dataset.ts';
import {
  idOrNull,
  type StatColumn,
  seasonYearOf,
  statColumnSpecs,
  statsSchema,
  statValues,
  textOrNull,
} from './rowValues.ts';

const GAME_PLAYER = '/api/querytool/game/player';

const optionalText = z.string().nullish();

/** Each stat key the table has a column for, with its unit: what decides its column type and range. */
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

const trackingRow = z.object({
  gameId: gameIdSchema,
  playerId: z.number().int().positive(),
  teamId: z.number().int().nonnegative().nullish(),
  name: optionalText,
  teamAbbreviation: optionalText,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
  stats: statsSchema(STAT_COLUMNS),
});
type TrackingRow = z.output<typeof trackingRow>;

const trackingCall: DatasetCall<TrackingRow> = {
  path: GAME_PLAYER,
  params: { MeasureType: 'Tracking', TeamGrouping: 'Y', Grouping: 'None' },
  measure: 'Tracking',
  rowsKey: 'players',
  // ≈22 players who played per game (SPEC §2.1).
  rowsPerGame: 22,
  rowSchema: trackingRow,
};

const table: TableSpec = {
  table: 'nba.tracking_stats',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'player_name', type: 'text' },
    { name: 'team_abbreviation', type: 'text' },
    { name: 'game_date', type: 'date' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    ...statColumnSpecs(STAT_COLUMNS),
    { name: 'tracking_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'nba_id'],
  gameColumn: 'game_id',
  references: [
    { column: 'nba_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
  ],
};

function toRows(
  game: GameId,
  parts: ReadonlyMap<string, readonly GameRow[]>,
  context: RowContext,
): unknown[][] {
  const rows = (parts.get(trackingCall.measure) ?? []) as readonly TrackingRow[];
  const seasonLabel = context.seasonLabel;
  const seasonYear = seasonYearOf(seasonLabel);
  return rows.map((row) => [
    game,
    row.playerId,
    idOrNull(row.teamId),
    textOrNull(row.name),
    textOrNull(row.teamAbbreviation),
    row.gameDate ?? null,
    seasonYear,
    row.seasonYear ?? seasonLabel,
    row.seasonType ?? context.seasonType,
    ...statValues(row.stats, STAT_COLUMNS, context.flag),
    row.stats,
  ]);
}

/** What real data guarantees: about 22 players per game, fractions within 0–1. */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'players_per_game', min: 10, max: 40 },
  { kind: 'range', name: 'cfg_pct', column: 'cfg_pct', min: 0, max: 1 },
  { kind: 'range', name: 'uf_fg_pct', column: 'uf_fg_pct', min: 0, max: 1 },
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 73 },
];

export const tracking: QueryToolDataset = {
  name: 'tracking',
  calls: [trackingCall] as readonly DatasetCall[],
  table,
  // The previous implementation's seed (previous-implementation.md, batch sizes: "initial batch size is 100").
  fixedBatchSize: 100,
  toRows,
  checks,
};
