// Game lineups: one row per (game, team, 5-man lineup) from /game/lineups LineupQuantity=5, the
// Advanced and Base calls of a batch joined on the lineup's sorted player ids (however a row orders
// player1..5), into nba.lineup_stats_game with both raw stats objects. A lineup with no minutes is
// not stored (its rates are undefined) and is counted; units are explicit (rowValues).
import { z } from 'zod';
import { type GameId, gameIdSchema } from '../gameId.ts';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, GameRow, QueryToolDataset, RowContext } from './dataset.ts';
import {
  FIVE_DIFFERENT_PLAYERS,
  joinLineups,
  LINEUP_ADVANCED_COLUMNS,
  lineupIds,
  lineupPlayerFields,
} from './lineupRows.ts';
import {
  type StatColumn,
  seasonYearOf,
  statColumnSpecs,
  statsSchema,
  statValues,
  textOrNull,
} from './rowValues.ts';

const GAME_LINEUPS = '/api/querytool/game/lineups';
const LINEUP_PARAMS = { LineupQuantity: '5', Grouping: 'None' } as const;

/** Minutes come from Base, or from Advanced when Base has no row for the lineup. */
const MINUTES: StatColumn = ['MIN', 'minutes', 'decimal'];

const BASE_COLUMNS: readonly StatColumn[] = [
  ['GP', 'gp', 'count'],
  ['PTS', 'pts', 'count'],
  ['FGM', 'fgm', 'count'],
  ['FGA', 'fga', 'count'],
  ['FG_PCT', 'fg_pct', 'fraction'],
  ['FG3M', 'fg3m', 'count'],
  ['FG3A', 'fg3a', 'count'],
  ['FG3_PCT', 'fg3_pct', 'fraction'],
  ['FTM', 'ftm', 'count'],
  ['FTA', 'fta', 'count'],
  ['FT_PCT', 'ft_pct', 'fraction'],
  ['OREB', 'oreb', 'count'],
  ['DREB', 'dreb', 'count'],
  ['REB', 'reb', 'count'],
  ['AST', 'ast', 'count'],
  ['TOV', 'tov', 'count'],
  ['STL', 'stl', 'count'],
  ['BLK', 'blk', 'count'],
  ['BLKA', 'blka', 'count'],
  ['PF', 'pf', 'count'],
  ['PFD', 'pfd', 'count'],
  ['PLUS_MINUS', 'plus_minus', 'signedCount'],
];

const optionalText = z.string().nullish();

/** teamId 0 ("several teams" on player rows) cannot name a lineup's team: a schema problem here. */
function lineupRow(columns: readonly StatColumn[]) {
  return z
    .object({
      gameId: gameIdSchema,
      teamId: z.number().int().positive(),
      teamAbbreviation: optionalText,
      gameDate: z.iso.date().nullish(),
      seasonYear: optionalText,
      seasonType: optionalText,
      ...lineupPlayerFields,
      stats: statsSchema(columns),
    })
    .refine(...FIVE_DIFFERENT_PLAYERS)
    .transform((row) => ({ ...row, playerIds: lineupIds(row) }));
}

const baseRow = lineupRow([MINUTES, ...BASE_COLUMNS]);
const advancedRow = lineupRow([MINUTES, ...LINEUP_ADVANCED_COLUMNS]);
type LineupRow = z.output<typeof baseRow> | z.output<typeof advancedRow>;

/**
 * Advanced first: it is the call that times out on large batches (504), so a batch that has to be
 * split has not spent a Base call first.
 */
const advancedCall: DatasetCall<z.output<typeof advancedRow>> = {
  path: GAME_LINEUPS,
  params: { ...LINEUP_PARAMS, MeasureType: 'Advanced' },
  measure: 'Advanced',
  rowsKey: 'lineups',
  // ≈37 lineups per game, both teams (SPEC §2.1).
  rowsPerGame: 37,
  rowSchema: advancedRow,
};

const baseCall: DatasetCall<z.output<typeof baseRow>> = {
  path: GAME_LINEUPS,
  params: { ...LINEUP_PARAMS, MeasureType: 'Base' },
  measure: 'Base',
  rowsKey: 'lineups',
  rowsPerGame: 37,
  rowSchema: baseRow,
};

/**
 * No foreign key on the players: `player_ids` is an array, and neither PostgreSQL nor the sink's
 * placeholder rows (one id column per reference) reach into one.
 */
const table: TableSpec = {
  table: 'nba.lineup_stats_game',
  columns: [
    { name: 'game_id', type: 'text' },
    { name: 'team_id', type: 'int' },
    { name: 'player_ids', type: 'int[]' },
    { name: 'team_abbreviation', type: 'text' },
    { name: 'game_date', type: 'date' },
    { name: 'season_year', type: 'int' },
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    ...statColumnSpecs([MINUTES]),
    ...statColumnSpecs(BASE_COLUMNS),
    ...statColumnSpecs(LINEUP_ADVANCED_COLUMNS),
    { name: 'stats_json', type: 'jsonb' },
  ],
  key: ['game_id', 'team_id', 'player_ids'],
  gameColumn: 'game_id',
  references: [{ column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } }],
};

/** One game's lineups: the Base and Advanced rows of each (team, sorted ids) side by side. */
function toRows(
  game: GameId,
  parts: ReadonlyMap<string, readonly GameRow[]>,
  context: RowContext,
): unknown[][] {
  const lineups = joinLineups(
    (parts.get(baseCall.measure) ?? []) as readonly LineupRow[],
    (parts.get(advancedCall.measure) ?? []) as readonly LineupRow[],
    (row, playerIds) => `${row.teamId}:${playerIds.join(',')}`,
    context.drop,
  );
  const seasonLabel = context.seasonLabel;
  const seasonYear = seasonYearOf(seasonLabel);
  const rows: unknown[][] = [];
  for (const { playerIds, base, advanced } of lineups.values()) {
    const minutes = base?.stats.MIN ?? advanced?.stats.MIN;
    if (minutes === undefined || minutes === null || minutes === 0) {
      context.drop('zero_minute_lineup');
      continue;
    }
    const identity = (base ?? advanced) as LineupRow;
    rows.push([
      game,
      identity.teamId,
      playerIds,
      textOrNull(base?.teamAbbreviation ?? advanced?.teamAbbreviation),
      identity.gameDate ?? null,
      seasonYear,
      identity.seasonYear ?? seasonLabel,
      identity.seasonType ?? context.seasonType,
      ...statValues({ MIN: minutes }, [MINUTES], context.flag),
      ...statValues(base?.stats ?? {}, BASE_COLUMNS, context.flag),
      ...statValues(advanced?.stats ?? {}, LINEUP_ADVANCED_COLUMNS, context.flag),
      { Base: base?.stats ?? null, Advanced: advanced?.stats ?? null },
    ]);
  }
  return rows;
}

const FRACTIONS = [
  'fg_pct',
  'fg3_pct',
  'ft_pct',
  'ast_pct',
  'oreb_pct',
  'dreb_pct',
  'reb_pct',
  'tm_tov_pct',
  'usg_pct',
];

/**
 * What real data guarantees: about 37 lineups a game (both teams; never fewer than one per team),
 * every stored lineup on court for at most a game's length (five overtimes: 73 minutes), fractions
 * within 0–1, PIE within -1–1, eFG% and TS% at most 1.5.
 */
const checks: readonly TableCheck[] = [
  { kind: 'rowsPerGame', name: 'lineups_per_game', min: 10, max: 80 },
  { kind: 'notNull', name: 'minutes', columns: ['minutes'] },
  { kind: 'range', name: 'minutes_range', column: 'minutes', min: 0, max: 73 },
  ...FRACTIONS.map((column) => ({ kind: 'range' as const, name: column, column, min: 0, max: 1 })),
  { kind: 'range', name: 'pie', column: 'pie', min: -1, max: 1 },
  { kind: 'range', name: 'efg_pct', column: 'efg_pct', min: 0, max: 1.5 },
  { kind: 'range', name: 'ts_pct', column: 'ts_pct', min: 0, max: 1.5 },
];

export const gameLineups: QueryToolDataset = {
  name: 'game_lineups',
  calls: [advancedCall, baseCall] as readonly DatasetCall[],
  table,
  // previous-implementation.md §4.3: 250 games per batch for both measures (Advanced then splits on 504).
  fixedBatchSize: 250,
  toRows,
  checks,
};
