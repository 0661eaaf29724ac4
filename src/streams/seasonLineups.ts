// Season-wide 5-man lineups: /season/lineups for a batch of teams (TeamId, at most 10), once per
// PerMode × {Base, Advanced}, joined per (PerMode, lineup) into nba.lineup_stats_season. Always
// team-scoped: without TeamId upstream answers a league-wide top-N, never every lineup.
import { z } from 'zod';
import type { TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { DatasetCall, RowContext, TeamDataset, TeamRow } from './dataset.ts';
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

const SEASON_LINEUPS = '/api/querytool/season/lineups';
const PER_MODES = ['Totals', 'PerGame', 'Per36Minutes', 'Per100Possessions'] as const;
/** Upstream takes at most 10 team ids per call (SPEC §2.1). */
const MAX_TEAMS_PER_CALL = 10;

/** PerMode scales every count, so counts are decimals here; GP is the one count left whole. */
const BASE_COLUMNS: readonly StatColumn[] = [
  ['GP', 'gp', 'count'],
  ['MIN', 'minutes', 'decimal'],
  ['FGM', 'fgm', 'decimal'],
  ['FGA', 'fga', 'decimal'],
  ['FG_PCT', 'fg_pct', 'fraction'],
  ['FG3M', 'fg3m', 'decimal'],
  ['FG3A', 'fg3a', 'decimal'],
  ['FG3_PCT', 'fg3_pct', 'fraction'],
  ['FTM', 'ftm', 'decimal'],
  ['FTA', 'fta', 'decimal'],
  ['FT_PCT', 'ft_pct', 'fraction'],
  ['OREB', 'oreb', 'decimal'],
  ['DREB', 'dreb', 'decimal'],
  ['REB', 'reb', 'decimal'],
  ['AST', 'ast', 'decimal'],
  ['TOV', 'tov', 'decimal'],
  ['STL', 'stl', 'decimal'],
  ['BLK', 'blk', 'decimal'],
  ['PF', 'pf', 'decimal'],
  ['PTS', 'pts', 'decimal'],
  ['PLUS_MINUS', 'plus_minus', 'signedDecimal'],
];

const lineupRow = (columns: readonly StatColumn[]) =>
  z
    .object({
      teamId: z.number().int().positive(),
      teamAbbreviation: z.string().nullish(),
      ...lineupPlayerFields,
      stats: statsSchema(columns),
    })
    .refine(...FIVE_DIFFERENT_PLAYERS);
type LineupRow = z.output<ReturnType<typeof lineupRow>>;

const MEASURES = [
  { measure: 'Base', columns: BASE_COLUMNS },
  { measure: 'Advanced', columns: LINEUP_ADVANCED_COLUMNS },
] as const;

const calls: readonly DatasetCall<TeamRow>[] = PER_MODES.flatMap((perMode) =>
  MEASURES.map(({ measure, columns }) => ({
    path: SEASON_LINEUPS,
    params: { MeasureType: measure, PerMode: perMode, LineupQuantity: '5', Grouping: 'None' },
    measure: `${measure} ${perMode}`,
    rowsKey: 'lineups',
    batchParam: 'TeamId' as const,
    maxBatchIds: MAX_TEAMS_PER_CALL,
    // A team uses a few hundred 5-man lineups over a season; the planner learns the real figure.
    rowsPerGame: 300,
    rowSchema: lineupRow(columns),
  })),
);

const table: TableSpec = {
  table: 'nba.lineup_stats_season',
  columns: [
    { name: 'season_label', type: 'text' },
    { name: 'season_type', type: 'text' },
    { name: 'season_year', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'player_ids', type: 'int[]' },
    { name: 'per_mode', type: 'text' },
    { name: 'team_abbreviation', type: 'text' },
    ...statColumnSpecs(BASE_COLUMNS),
    ...statColumnSpecs(LINEUP_ADVANCED_COLUMNS),
    { name: 'stats_json', type: 'jsonb' },
  ],
  key: ['season_label', 'season_type', 'team_id', 'player_ids', 'per_mode'],
  // A batch replaces its teams' lineups of the season it holds: a lineup gone upstream goes here too.
  gameColumn: 'team_id',
  replaceWithinStaged: ['season_label', 'season_type'],
  references: [{ column: 'team_id', table: 'nba.teams', placeholder: { team_name: 'Unknown Team' } }],
};

/**
 * One team's lineups: per PerMode, the Base and Advanced rows of each lineup (its sorted player ids)
 * side by side. A lineup with no minutes in its Totals is not stored in any PerMode (its rates are
 * undefined), and counted; its per-game minutes may round to 0 while its Totals do not, so Totals decide.
 */
function toRows(teamId: number, parts: ReadonlyMap<string, readonly TeamRow[]>, context: RowContext) {
  const idle = new Set<string>();
  for (const row of (parts.get('Base Totals') ?? []) as readonly LineupRow[]) {
    const minutes = row.stats.MIN;
    if (typeof minutes !== 'number' || minutes <= 0) idle.add(lineupIds(row).join(','));
  }
  const rows: unknown[][] = [];
  for (const perMode of PER_MODES) {
    const lineups = joinLineups(
      (parts.get(`Base ${perMode}`) ?? []) as readonly LineupRow[],
      (parts.get(`Advanced ${perMode}`) ?? []) as readonly LineupRow[],
      (_, playerIds) => playerIds.join(','),
      context.drop,
    );
    for (const [key, { playerIds: ids, base, advanced }] of lineups) {
      if (idle.has(key)) {
        context.drop('zero_minute_lineup');
        continue;
      }
      rows.push([
        context.seasonLabel,
        context.seasonType,
        seasonYearOf(context.seasonLabel),
        teamId,
        ids,
        perMode,
        textOrNull(base?.teamAbbreviation ?? advanced?.teamAbbreviation),
        ...statValues(base?.stats ?? {}, BASE_COLUMNS, context.flag),
        ...statValues(advanced?.stats ?? {}, LINEUP_ADVANCED_COLUMNS, context.flag),
        { Base: base?.stats ?? null, Advanced: advanced?.stats ?? null },
      ]);
    }
  }
  return rows;
}

/** What real data guarantees: a known PerMode, minutes within a season, eFG% within 0–1.5. */
const checks: readonly TableCheck[] = [
  { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 4000 },
  { kind: 'range', name: 'efg_pct', column: 'efg_pct', min: 0, max: 1.5 },
  { kind: 'oneOf', name: 'per_mode', column: 'per_mode', values: [...PER_MODES] },
];

export const seasonLineups: TeamDataset = {
  name: 'season_lineups',
  unit: 'team',
  calls: calls as readonly DatasetCall[],
  table,
  // previous-implementation.md §4.3: 10 teams per call.
  fixedBatchSize: MAX_TEAMS_PER_CALL,
  toRows,
  checks,
};
