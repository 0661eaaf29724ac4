// Season aggregates from the legacy /api/stats/player (16 calls: 4 perModes × Base, Advanced, Misc,
// Scoring) and /api/stats/team (10 calls: 2 perModes × those and Opponent), each merged per key and
// perMode into one row of nba.player_stats_aggregated or nba.team_stats_aggregated. A measure fills
// the columns it declares, in their units (rowValues); what it lacks never blanks what another gave.
import { z } from 'zod';
import type { ColumnSpec, ReferenceSpec, TableSpec } from '../sinks/tableSpec.ts';
import type { TableCheck } from '../sinks/verifyQueries.ts';
import type { LegacyParse, RowContext, SeasonCall, SeasonDataset } from './dataset.ts';
import { identityMismatch, type LegacyFailure, readPayload } from './legacyValues.ts';
import {
  playerReference,
  type StatColumn,
  seasonYearOf,
  statColumnSpecs,
  statsSchema,
  statValues,
  teamReference,
  textOrNull,
} from './rowValues.ts';

/** The legacy player endpoint says `Per36`, where the Query Tool says `Per36Minutes`. */
const PLAYER_PER_MODES = ['Totals', 'PerGame', 'Per36', 'Per100Possessions'] as const;
/** The legacy team endpoint takes Totals or PerGame only (previous-implementation.md §5.9). */
const TEAM_PER_MODES = ['Totals', 'PerGame'] as const;

/** Every measure type repeats GP and MIN. PerMode scales the counts, so they are decimals here. */
const COMMON: readonly StatColumn[] = [
  ['gp', 'gp', 'count'],
  ['min', 'minutes', 'decimal'],
];

const SHOOTING: readonly StatColumn[] = [
  ['fgm', 'fgm', 'decimal'],
  ['fga', 'fga', 'decimal'],
  ['fgPct', 'fg_pct', 'fraction'],
  ['fg3m', 'fg3m', 'decimal'],
  ['fg3a', 'fg3a', 'decimal'],
  ['fg3Pct', 'fg3_pct', 'fraction'],
  ['ftm', 'ftm', 'decimal'],
  ['fta', 'fta', 'decimal'],
  ['ftPct', 'ft_pct', 'fraction'],
  ['oreb', 'oreb', 'decimal'],
  ['dreb', 'dreb', 'decimal'],
  ['reb', 'reb', 'decimal'],
  ['ast', 'ast', 'decimal'],
  ['tov', 'tov', 'decimal'],
  ['stl', 'stl', 'decimal'],
  ['blk', 'blk', 'decimal'],
  ['pf', 'pf', 'decimal'],
  ['pts', 'pts', 'decimal'],
  ['plusMinus', 'plus_minus', 'signedDecimal'],
];

/** Double- and triple-doubles are games: whole in every PerMode. */
const PLAYER_BASE: readonly StatColumn[] = [
  ...SHOOTING,
  ['nbaFantasy', 'nba_fantasy_pts', 'signedDecimal'],
  ['doubleDouble', 'double_doubles', 'count'],
  ['tripleDouble', 'triple_doubles', 'count'],
];

const TEAM_BASE: readonly StatColumn[] = [
  ['wins', 'wins', 'count'],
  ['losses', 'losses', 'count'],
  ['winPct', 'win_pct', 'fraction'],
  ...SHOOTING,
];

/**
 * Shares are fractions 0–1, as the real season files send them (TS_PCT 0.624, OPP_TOV_PCT 0.134):
 * a 13.4 in tm_tov_pct is flagged, not divided by 100 as the previous implementation did. Ratings,
 * ratios and paces are unbounded; eFG% and TS% reach 1.5.
 */
const TEAM_ADVANCED: readonly StatColumn[] = [
  ['offRating', 'off_rating', 'rating'],
  ['defRating', 'def_rating', 'rating'],
  ['netRating', 'net_rating', 'rating'],
  ['astPct', 'ast_pct', 'fraction'],
  ['astTo', 'ast_tov', 'ratio'],
  ['astRatio', 'ast_ratio', 'ratio'],
  ['orebPct', 'oreb_pct', 'fraction'],
  ['drebPct', 'dreb_pct', 'fraction'],
  ['rebPct', 'reb_pct', 'fraction'],
  ['tmTovPct', 'tm_tov_pct', 'fraction'],
  ['efgPct', 'efg_pct', 'shooting'],
  ['tsPct', 'ts_pct', 'shooting'],
  ['pace', 'pace', 'ratio'],
  ['pie', 'pie', 'signedFraction'],
  ['poss', 'poss', 'decimal'],
  ['ftaRate', 'fta_rate', 'ratio'],
];

const PLAYER_ADVANCED: readonly StatColumn[] = [...TEAM_ADVANCED, ['usgPct', 'usg_pct', 'fraction']];

const MISC: readonly StatColumn[] = [
  ['ptsOffTov', 'pts_off_tov', 'decimal'],
  ['pts2ndChance', 'pts_2nd_chance', 'decimal'],
  ['ptsFb', 'pts_fb', 'decimal'],
  ['ptsPaint', 'pts_paint', 'decimal'],
  ['oppPtsOffTov', 'opp_pts_off_tov', 'decimal'],
  ['oppPts2ndChance', 'opp_pts_2nd_chance', 'decimal'],
  ['oppPtsFb', 'opp_pts_fb', 'decimal'],
  ['oppPtsPaint', 'opp_pts_paint', 'decimal'],
];

/** Shares of attempts, points and makes: the previous implementation fetched these and kept none. */
const SCORING: readonly StatColumn[] = [
  ['pctFga2pt', 'pct_fga_2pt', 'fraction'],
  ['pctFga3pt', 'pct_fga_3pt', 'fraction'],
  ['pctPts2pt', 'pct_pts_2pt', 'fraction'],
  ['pctPts2ptMr', 'pct_pts_2pt_mr', 'fraction'],
  ['pctPts3pt', 'pct_pts_3pt', 'fraction'],
  ['pctPtsFb', 'pct_pts_fb', 'fraction'],
  ['pctPtsFt', 'pct_pts_ft', 'fraction'],
  ['pctPtsOffTov', 'pct_pts_off_tov', 'fraction'],
  ['pctPtsPaint', 'pct_pts_paint', 'fraction'],
  ['pctAst2pm', 'pct_ast_2pm', 'fraction'],
  ['pctUast2pm', 'pct_uast_2pm', 'fraction'],
  ['pctAst3pm', 'pct_ast_3pm', 'fraction'],
  ['pctUast3pm', 'pct_uast_3pm', 'fraction'],
  ['pctAstFgm', 'pct_ast_fgm', 'fraction'],
  ['pctUastFgm', 'pct_uast_fgm', 'fraction'],
];

/**
 * Only the `opp`-prefixed keys are read from Opponent: an unprefixed `fgm` there (the opponents')
 * would otherwise merge over the team's own (previous-implementation.md §5.9, trap 15).
 */
const OPPONENT: readonly StatColumn[] = [
  ['oppFgm', 'opp_fgm', 'decimal'],
  ['oppFga', 'opp_fga', 'decimal'],
  ['oppFgPct', 'opp_fg_pct', 'fraction'],
  ['oppFg3m', 'opp_fg3m', 'decimal'],
  ['oppFg3a', 'opp_fg3a', 'decimal'],
  ['oppFg3Pct', 'opp_fg3_pct', 'fraction'],
  ['oppFtm', 'opp_ftm', 'decimal'],
  ['oppFta', 'opp_fta', 'decimal'],
  ['oppFtPct', 'opp_ft_pct', 'fraction'],
  ['oppOreb', 'opp_oreb', 'decimal'],
  ['oppDreb', 'opp_dreb', 'decimal'],
  ['oppReb', 'opp_reb', 'decimal'],
  ['oppAst', 'opp_ast', 'decimal'],
  ['oppTov', 'opp_tov', 'decimal'],
  ['oppStl', 'opp_stl', 'decimal'],
  ['oppBlk', 'opp_blk', 'decimal'],
  ['oppPf', 'opp_pf', 'decimal'],
  ['oppPts', 'opp_pts', 'decimal'],
];

/** Derived from the merged FG and 3-point columns; the keys are ours, for the out-of-range report. */
const TWO_POINT_COUNTS: readonly StatColumn[] = [
  ['fg2m', 'fg2m', 'decimal'],
  ['fg2a', 'fg2a', 'decimal'],
];
const TWO_POINT_PCT: StatColumn = ['fg2Pct', 'fg2_pct', 'fraction'];

interface Measure {
  readonly measureType: string;
  /** The measure's own stat keys, after COMMON. */
  readonly stats: readonly StatColumn[];
}

/** One side of the aggregates: its endpoint, measures, identity and table. */
interface AggregatesSide<Row extends AggregateRow> {
  readonly name: string;
  readonly path: string;
  readonly rowsKey: 'players' | 'teams';
  readonly perModes: readonly string[];
  readonly measures: readonly Measure[];
  readonly table: string;
  /** The row's zod fields besides `stats`, and those of `stats` besides the measure's own. */
  readonly rowFields: z.ZodRawShape;
  readonly statsFields: z.ZodRawShape;
  /** Identity columns before `per_mode`, after the season columns. */
  readonly identity: readonly ColumnSpec[];
  /** The identity columns of the natural key, besides season, season type and `per_mode`. */
  readonly key: readonly string[];
  /** The row's key within a perMode, or why the row is dropped. */
  keyOf(row: Row): string | { readonly drop: string };
  identityValues(row: Row): readonly unknown[];
  readonly references: readonly ReferenceSpec[];
  readonly checks: readonly TableCheck[];
}

/** What every row has: a stats object with the season it is for (checked against the run's). */
interface AggregateRow {
  readonly stats: {
    readonly season?: string | null;
    readonly seasonType?: string | null;
    readonly [key: string]: unknown;
  };
}

const rowStatsFields = { season: z.string().nullish(), seasonType: z.string().nullish() };

const playerRowFields = {
  personId: z.int32().positive(),
  name: z.string().nullish(),
};
const playerStatsFields = {
  ...rowStatsFields,
  // 0 when the row sums several teams; the key needs one team.
  teamId: z.int32().nonnegative(),
  teamAbbreviation: z.string().nullish(),
};
type PlayerRow = AggregateRow &
  z.output<z.ZodObject<typeof playerRowFields>> & {
    readonly stats: z.output<z.ZodObject<typeof playerStatsFields>>;
  };

const teamRowFields = {
  teamId: z.int32().positive(),
  teamAbbreviation: z.string().nullish(),
};
type TeamRow = AggregateRow & z.output<z.ZodObject<typeof teamRowFields>>;

const SEASON_COLUMNS: readonly ColumnSpec[] = [
  { name: 'season_label', type: 'text' },
  { name: 'season_type', type: 'text' },
  { name: 'season_year', type: 'int' },
];

const perModeCheck = (perModes: readonly string[]): TableCheck => ({
  kind: 'oneOf',
  name: 'per_mode',
  column: 'per_mode',
  values: [...perModes],
});
const gamesCheck: TableCheck = { kind: 'range', name: 'gp', column: 'gp', min: 1, max: 82 };

const playerSide: AggregatesSide<PlayerRow> = {
  name: 'player_aggregates',
  path: '/api/stats/player',
  rowsKey: 'players',
  perModes: PLAYER_PER_MODES,
  measures: [
    { measureType: 'Base', stats: PLAYER_BASE },
    { measureType: 'Advanced', stats: PLAYER_ADVANCED },
    { measureType: 'Misc', stats: MISC },
    { measureType: 'Scoring', stats: SCORING },
  ],
  table: 'nba.player_stats_aggregated',
  rowFields: playerRowFields,
  statsFields: playerStatsFields,
  identity: [
    { name: 'nba_id', type: 'int' },
    { name: 'team_id', type: 'int' },
    { name: 'player_name', type: 'text' },
    { name: 'team_abbreviation', type: 'text' },
  ],
  key: ['nba_id', 'team_id'],
  // A several-teams row repeats the sum of the player's per-team rows, which carry the same stats.
  keyOf: (row) =>
    row.stats.teamId === 0 ? { drop: 'several_teams_row' } : `${row.personId}:${row.stats.teamId}`,
  identityValues: (row) => [
    row.personId,
    row.stats.teamId,
    textOrNull(row.name),
    textOrNull(row.stats.teamAbbreviation),
  ],
  references: [playerReference('nba_id'), teamReference('team_id')],
  // A season's minutes: 82 games of 53 (with overtimes) at most.
  checks: [
    perModeCheck(PLAYER_PER_MODES),
    gamesCheck,
    { kind: 'range', name: 'minutes', column: 'minutes', min: 0, max: 4400 },
  ],
};

const teamSide: AggregatesSide<TeamRow> = {
  name: 'team_aggregates',
  path: '/api/stats/team',
  rowsKey: 'teams',
  perModes: TEAM_PER_MODES,
  measures: [
    { measureType: 'Base', stats: TEAM_BASE },
    { measureType: 'Advanced', stats: TEAM_ADVANCED },
    { measureType: 'Misc', stats: MISC },
    { measureType: 'Scoring', stats: SCORING },
    { measureType: 'Opponent', stats: OPPONENT },
  ],
  table: 'nba.team_stats_aggregated',
  rowFields: teamRowFields,
  statsFields: rowStatsFields,
  identity: [
    { name: 'team_id', type: 'int' },
    { name: 'team_abbreviation', type: 'text' },
  ],
  key: ['team_id'],
  keyOf: (row) => String(row.teamId),
  identityValues: (row) => [row.teamId, textOrNull(row.teamAbbreviation)],
  references: [teamReference('team_id')],
  // A team's MIN is game minutes (48 a regulation game); its pace that of an NBA game.
  checks: [
    perModeCheck(TEAM_PER_MODES),
    gamesCheck,
    { kind: 'range', name: 'pace', column: 'pace', min: 70, max: 140 },
  ],
};

export const playerAggregates: SeasonDataset = seasonAggregatesDataset(playerSide);
export const teamAggregates: SeasonDataset = seasonAggregatesDataset(teamSide);

/** A key's row being merged: identity values, stat values in table order, raw stats by measure. */
interface MergedRow {
  readonly identity: unknown[];
  readonly values: (number | null)[];
  readonly raw: Record<string, unknown>;
}

function seasonAggregatesDataset<Row extends AggregateRow>(side: AggregatesSide<Row>): SeasonDataset {
  // GP and MIN come with every measure, any other column with one (checkTableSpec refuses a repeat).
  const statColumns = [...COMMON, ...side.measures.flatMap((measure) => measure.stats)];
  const position = new Map(statColumns.map(([, column], at) => [column, at]));
  const at = (column: string) => position.get(column) as number;
  const measures = side.measures.map((measure) => {
    const stats = [...COMMON, ...measure.stats];
    const rowSchema = z.object({ ...side.rowFields, stats: statsSchema(stats).extend(side.statsFields) });
    return {
      measureType: measure.measureType,
      stats,
      positions: stats.map(([, column]) => at(column)),
      bodySchema: z.object({
        perMode: z.string().nullish(),
        measureType: z.string().nullish(),
        [side.rowsKey]: z.array(rowSchema),
      }),
    };
  });
  type ReadMeasure = (typeof measures)[number];
  const calls: SeasonCall[] = side.perModes.flatMap((perMode) =>
    side.measures.map(({ measureType }) => ({
      path: side.path,
      params: { perMode, measureType },
      measure: `${perMode}/${measureType}`,
    })),
  );
  const table: TableSpec = {
    table: side.table,
    columns: [
      ...SEASON_COLUMNS,
      ...side.identity,
      { name: 'per_mode', type: 'text' },
      ...statColumnSpecs(statColumns),
      ...statColumnSpecs([...TWO_POINT_COUNTS, TWO_POINT_PCT]),
      { name: 'stats_json', type: 'jsonb' },
    ],
    key: ['season_label', 'season_type', ...side.key, 'per_mode'],
    // A season is the unit the stream loads and covers: a refetch replaces the season's rows (of its
    // season type), so a player no longer listed does not linger.
    gameColumn: 'season_label',
    replaceWithinStaged: ['season_type'],
    references: side.references,
  };
  const fg = { fgm: at('fgm'), fga: at('fga'), fg3m: at('fg3m'), fg3a: at('fg3a') };

  /** One call's rows, or why the season cannot be stored: a body of another call or season, or none. */
  function readRows(
    measure: ReadMeasure,
    perMode: string,
    bodies: ReadonlyMap<string, unknown>,
    context: RowContext,
  ): { readonly ok: true; readonly rows: readonly Row[] } | LegacyFailure {
    const callMeasure = `${perMode}/${measure.measureType}`;
    const read = readPayload(measure.bodySchema, bodies.get(callMeasure));
    if (!read.ok) return { ...read, detail: `${callMeasure}: ${read.detail}` };
    const { payload } = read;
    const echoed = `${payload.perMode ?? perMode}/${payload.measureType ?? measure.measureType}`;
    if (echoed !== callMeasure) return identityMismatch(`${callMeasure}: the payload is for ${echoed}`);
    const rows = payload[side.rowsKey] as readonly Row[];
    if (rows.length === 0 && context.finalGames > 0) {
      return {
        ok: false,
        reason: 'no_rows_for_final_games',
        detail: `${callMeasure}: no ${side.rowsKey} after ${context.finalGames} final games`,
      };
    }
    for (const row of rows) {
      const other = otherSeason(row, context);
      if (other) return identityMismatch(`${callMeasure}: ${other}`);
    }
    return { ok: true, rows };
  }

  /** A value fills its column unless NULL: a later measure overwrites only where it has something. */
  function mergeRow(entry: MergedRow, row: Row, measure: ReadMeasure, context: RowContext): void {
    fill(entry.identity, side.identityValues(row));
    statValues(row.stats, measure.stats, context.flag).forEach((value, index) => {
      if (value !== null) entry.values[measure.positions[index] as number] = value;
    });
    entry.raw[measure.measureType] = row.stats;
  }

  /**
   * Per perMode, every measure's rows merged by key. Totals come first, so fg2_pct (a rate, the
   * same in every PerMode) is taken from the Totals counts: the PerGame ones are rounded to a tenth.
   */
  function parse(bodies: ReadonlyMap<string, unknown>, context: RowContext): LegacyParse {
    const rows: unknown[][] = [];
    const totalsTwoPointPct = new Map<string, number | null>();
    for (const perMode of side.perModes) {
      const merged = new Map<string, MergedRow>();
      for (const measure of measures) {
        const read = readRows(measure, perMode, bodies, context);
        if (!read.ok) return read;
        for (const row of read.rows) {
          const key = side.keyOf(row);
          if (typeof key !== 'string') {
            context.drop(key.drop);
            continue;
          }
          let entry = merged.get(key);
          if (!entry) {
            entry = { identity: [], values: statColumns.map(() => null), raw: {} };
            merged.set(key, entry);
          }
          mergeRow(entry, row, measure, context);
        }
      }
      for (const [key, { identity, values, raw }] of merged) {
        const [fg2m = null, fg2a = null] = statValues(
          twoPointCounts(values, fg),
          TWO_POINT_COUNTS,
          context.flag,
        );
        const totals = totalsTwoPointPct.get(key);
        const [pct = null] =
          totals === undefined
            ? statValues({ fg2Pct: shareOf(fg2m, fg2a) }, [TWO_POINT_PCT], context.flag)
            : [totals];
        if (perMode === 'Totals') totalsTwoPointPct.set(key, pct);
        const season = [context.seasonLabel, context.seasonType, seasonYearOf(context.seasonLabel)];
        rows.push([...season, ...identity, perMode, ...values, fg2m, fg2a, pct, raw]);
      }
    }
    return { ok: true, rows: [rows] };
  }

  return {
    source: 'legacy',
    unit: 'season',
    name: side.name,
    calls,
    tables: [table],
    parse,
    checks: side.checks,
  };
}

/** Why a row is not the run's season and season type, or undefined when it is (or does not say). */
function otherSeason(row: AggregateRow, context: RowContext): string | undefined {
  const season = row.stats.season ?? context.seasonLabel;
  const seasonType = row.stats.seasonType ?? context.seasonType;
  return season === context.seasonLabel && seasonType === context.seasonType
    ? undefined
    : `a row of ${season} ${seasonType}, not the requested ${context.seasonLabel} ${context.seasonType}`;
}

/** Sets each NULL of `into` that `values` knows (the first measure to name a text wins). */
function fill(into: unknown[], values: readonly unknown[]): void {
  values.forEach((value, index) => {
    if (into[index] === undefined || into[index] === null) into[index] = value;
  });
}

/** FGM − FG3M and FGA − FG3A, to the millionth (per-game decimals subtract with float noise). */
function twoPointCounts(
  values: readonly (number | null)[],
  at: { readonly fgm: number; readonly fga: number; readonly fg3m: number; readonly fg3a: number },
): { readonly fg2m: number | null; readonly fg2a: number | null } {
  const difference = (all: number, threes: number) => {
    const a = values[all];
    const b = values[threes];
    return typeof a === 'number' && typeof b === 'number' ? Math.round((a - b) * 1e6) / 1e6 : null;
  };
  return { fg2m: difference(at.fgm, at.fg3m), fg2a: difference(at.fga, at.fg3a) };
}

/** FG2M / FG2A, three places as upstream's percentages; NULL without two-point attempts. */
function shareOf(fg2m: number | null, fg2a: number | null): number | null {
  if (fg2m === null || fg2a === null || fg2a <= 0) return null;
  return Math.round((fg2m / fg2a) * 1000) / 1000;
}
