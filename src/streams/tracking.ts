// Player tracking per game: one row per player who played, from /game/player MeasureType=Tracking
// (TeamGrouping=Y), into nba.tracking_stats with the raw stats object kept whole. Percentages are
// fractions 0–1: a row outside that range fails its game at parse time (schema_mismatch), never rescaled.
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, GameRow, MappingContext, QueryToolDataset } from './dataset.ts';

const GAME_PLAYER = '/api/querytool/game/player';

const optionalText = z.string().nullish();

/** Each stat key the table has a column for, with its unit: what decides its schema and column type. */
const STAT_COLUMNS = [
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
] as const;

const UNITS = {
  decimal: { schema: z.number().nonnegative().nullish(), type: 'numeric' },
  count: { schema: z.number().int().nonnegative().nullish(), type: 'int' },
  /** A fraction 0–1; a percentage scale (e.g. 47.5) is another unit, not something to divide here. */
  fraction: { schema: z.number().min(0).max(1).nullish(), type: 'numeric' },
} as const;

/** The known keys are typed and range-checked; any other key passes through to the raw JSON. */
const trackingStats = z.looseObject(
  Object.fromEntries(STAT_COLUMNS.map(([key, , unit]) => [key, UNITS[unit].schema])) as {
    [Entry in (typeof STAT_COLUMNS)[number] as Entry[0]]: (typeof UNITS)[Entry[2]]['schema'];
  },
);

const trackingRow = z.object({
  gameId: gameIdSchema,
  playerId: z.number().int().positive(),
  teamId: z.number().int().nonnegative().nullish(),
  name: optionalText,
  teamAbbreviation: optionalText,
  gameDate: z.iso.date().nullish(),
  seasonYear: optionalText,
  seasonType: optionalText,
  stats: trackingStats,
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
    ...STAT_COLUMNS.map(([, column, unit]) => ({ name: column, type: UNITS[unit].type })),
    { name: 'tracking_stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'nba_id'],
  gameColumn: 'game_id',
  references: [
    { column: 'nba_id', table: 'nba.players', placeholder: { full_name: 'Unknown Player' } },
    { column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } },
  ],
};

/** `teamId = 0` means "several teams". */
const idOrNull = (value: number | null | undefined): number | null => (value ? value : null);
const textOrNull = (value: string | null | undefined): string | null =>
  value === undefined || value === null || value === '' ? null : value;

function toRows(
  game: GameId,
  parts: ReadonlyMap<string, readonly GameRow[]>,
  context: MappingContext,
): unknown[][] {
  const rows = (parts.get(trackingCall.measure) ?? []) as readonly TrackingRow[];
  const seasonLabel = context.seasonLabel;
  const seasonYear = Number(seasonLabel.slice(0, 4));
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
    ...STAT_COLUMNS.map(([key]) => row.stats[key] ?? null),
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
