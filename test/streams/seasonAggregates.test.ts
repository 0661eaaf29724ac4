// The season-aggregate declarations on crafted bodies: their calls, the merge of measure types into
// one row per key and PerMode (a NULL never blanks another measure's value), the derived fg2
// columns, units, dropped and refused rows; then the replica's whole season through the migrated
// tables.
import test, { type ExecutionContext } from 'ava';
import { startReplica } from '../../replica/server.ts';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import { type ColumnType, checkTableSpec } from '../../src/sinks/tableSpec.ts';
import type { LegacyParse, SeasonDataset } from '../../src/streams/dataset.ts';
import type { OutOfRange } from '../../src/streams/rowValues.ts';
import { playerAggregates, teamAggregates } from '../../src/streams/seasonAggregates.ts';
import { withTestDatabase } from '../support/database.ts';
import { testSkeleton } from '../support/season.ts';

const SEASON = { seasonLabel: '2025-26', seasonType: 'Regular Season' };
const LEBRON = 2544;
const LAL = 1610612747;
const MIA = 1610612748;

type Rows = Readonly<Record<string, readonly unknown[]>>;

/** Every call's body: the rows `rows` names for its measure (`Totals/Base`), none otherwise. */
function bodies(dataset: SeasonDataset, rows: Rows): Map<string, unknown> {
  const rowsKey = dataset === playerAggregates ? 'players' : 'teams';
  return new Map(
    dataset.calls.map((call) => [call.measure, { ...call.params, [rowsKey]: rows[call.measure] ?? [] }]),
  );
}

function parse(dataset: SeasonDataset, rows: Rows | Map<string, unknown>, finalGames = 0) {
  const flags: OutOfRange[] = [];
  const drops: string[] = [];
  const result: LegacyParse = dataset.parse(rows instanceof Map ? rows : bodies(dataset, rows), {
    ...SEASON,
    finalGames,
    flag: (issue) => flags.push(issue),
    drop: (reason) => drops.push(reason),
  });
  return { result, flags, drops };
}

/** The parsed rows as column → value records. */
function records(t: ExecutionContext, dataset: SeasonDataset, result: LegacyParse) {
  if (!result.ok) {
    t.fail(`${result.reason}: ${result.detail}`);
    return [];
  }
  const columns = dataset.tables[0].columns.map((column) => column.name);
  return (result.rows[0] ?? []).map((row) => Object.fromEntries(columns.map((name, at) => [name, row[at]])));
}

const player = (stats: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  personId: LEBRON,
  name: 'LeBron James',
  stats: { ...SEASON_STATS, teamId: LAL, teamAbbreviation: 'LAL', ...stats },
  ...extra,
});
const team = (stats: Record<string, unknown>, teamId = LAL) => ({
  teamId,
  teamAbbreviation: 'LAL',
  stats: { ...SEASON_STATS, ...stats },
});
const SEASON_STATS = { season: '2025-26', seasonType: 'Regular Season' };

test('players are 16 calls (4 perModes × 4 measure types), teams 10; both tables pass the spec check', (t) => {
  t.deepEqual(
    playerAggregates.calls.map((call) => call.measure),
    ['Totals', 'PerGame', 'Per36', 'Per100Possessions'].flatMap((perMode) =>
      ['Base', 'Advanced', 'Misc', 'Scoring'].map((measure) => `${perMode}/${measure}`),
    ),
  );
  t.deepEqual(playerAggregates.calls[5], {
    path: '/api/stats/player',
    params: { perMode: 'PerGame', measureType: 'Advanced' },
    measure: 'PerGame/Advanced',
  });
  t.deepEqual(
    teamAggregates.calls.map((call) => call.measure),
    ['Totals', 'PerGame'].flatMap((perMode) =>
      ['Base', 'Advanced', 'Misc', 'Scoring', 'Opponent'].map((measure) => `${perMode}/${measure}`),
    ),
  );
  t.is(teamAggregates.calls[0]?.path, '/api/stats/team');
  for (const dataset of [playerAggregates, teamAggregates]) {
    t.is(dataset.unit, 'season');
    t.notThrows(() => dataset.tables.map(checkTableSpec));
  }
  t.deepEqual(playerAggregates.tables[0].key, [
    'season_label',
    'season_type',
    'nba_id',
    'team_id',
    'per_mode',
  ]);
  t.deepEqual(teamAggregates.tables[0].key, ['season_label', 'season_type', 'team_id', 'per_mode']);
});

test('the measure types of a perMode merge into one row; a later one fills only what it has', (t) => {
  const { result, flags } = parse(playerAggregates, {
    'Totals/Base': [player({ gp: 50, min: 1800.5, fgm: 500, fga: 1000, pts: 1400 })],
    // No MIN here, a NULL gp: neither blanks what Base gave; offRating is Advanced's own.
    'Totals/Advanced': [player({ gp: null, offRating: 118.2, astPct: 0.31 })],
    'Totals/Misc': [player({ gp: 51, ptsPaint: 600 })],
    'Totals/Scoring': [player({ pctPtsFt: 0.2 })],
    'PerGame/Base': [player({ gp: 50, min: 36, pts: 28 })],
  });
  const rows = records(t, playerAggregates, result);
  t.deepEqual(flags, []);
  t.is(rows.length, 2);
  t.like(rows[0], {
    season_label: '2025-26',
    season_type: 'Regular Season',
    season_year: 2025,
    nba_id: LEBRON,
    team_id: LAL,
    player_name: 'LeBron James',
    team_abbreviation: 'LAL',
    per_mode: 'Totals',
    // Misc came later and had a value: it wins; Scoring had none.
    gp: 51,
    minutes: 1800.5,
    pts: 1400,
    off_rating: 118.2,
    ast_pct: 0.31,
    pts_paint: 600,
    pct_pts_ft: 0.2,
    pct_pts_paint: null,
    usg_pct: null,
  });
  t.deepEqual(Object.keys(rows[0]?.stats_json ?? {}), ['Base', 'Advanced', 'Misc', 'Scoring']);
  t.like(rows[1], { per_mode: 'PerGame', gp: 50, minutes: 36, pts: 28, off_rating: null });
});

test('fg2m, fg2a and fg2_pct are derived; fg2_pct comes from the Totals row in every perMode', (t) => {
  const { result } = parse(playerAggregates, {
    'Totals/Base': [player({ fgm: 296, fga: 602, fg3m: 40, fg3a: 177 })],
    'PerGame/Base': [player({ fgm: 7.8, fga: 15.8, fg3m: 1.1, fg3a: 4.7 })],
    'Per36/Base': [player({ fgm: 8.1, fga: 16.5 })],
  });
  const rows = records(t, playerAggregates, result);
  t.like(rows[0], { fg2m: 256, fg2a: 425, fg2_pct: 0.602 });
  // 7.8 − 1.1 in floating point is 6.699999999999999.
  t.like(rows[1], { fg2m: 6.7, fg2a: 11.1, fg2_pct: 0.602 });
  t.like(rows[2], { fg2m: null, fg2a: null, fg2_pct: 0.602 });
  const noTwos = parse(playerAggregates, { 'PerGame/Base': [player({ fgm: 3, fga: 8, fg3m: 3, fg3a: 8 })] });
  t.like(records(t, playerAggregates, noTwos.result)[0], { fg2m: 0, fg2a: 0, fg2_pct: null });
});

test('a value outside its unit is stored as NULL and flagged; stats_json keeps it as it arrived', (t) => {
  const { result, flags } = parse(playerAggregates, {
    // A percentage scale where fractions belong, and threes made beyond all made field goals.
    'Totals/Advanced': [player({ tmTovPct: 13.4, efgPct: 0.55 })],
    'Totals/Base': [player({ fgm: 10, fga: 30, fg3m: 12, fg3a: 20, gp: 2.5 })],
  });
  const [row] = records(t, playerAggregates, result);
  t.like(row, { tm_tov_pct: null, efg_pct: 0.55, gp: null, fg2m: null, fg2a: 10, fg2_pct: null });
  t.like(row?.stats_json, { Advanced: { tmTovPct: 13.4 } });
  t.deepEqual(flags, [
    { column: 'gp', key: 'gp', value: 2.5, unit: 'a non-negative whole number' },
    { column: 'tm_tov_pct', key: 'tmTovPct', value: 13.4, unit: 'a fraction 0-1' },
    { column: 'fg2m', key: 'fg2m', value: -2, unit: 'a non-negative decimal' },
  ]);
});

test("a several-teams row (teamId 0) is dropped and counted: the player's per-team rows carry his season", (t) => {
  const { result, drops } = parse(playerAggregates, {
    'Totals/Base': [
      player({ teamId: 0, pts: 1400 }),
      player({ pts: 900 }),
      player({ teamId: MIA, pts: 500 }),
    ],
    'Totals/Misc': [player({ teamId: 0 })],
  });
  const rows = records(t, playerAggregates, result);
  t.deepEqual(
    rows.map((row) => [row.team_id, row.pts]),
    [
      [LAL, 900],
      [MIA, 500],
    ],
  );
  t.deepEqual(drops, ['several_teams_row', 'several_teams_row']);
});

test('a row without personId or teamId, or a string where a number belongs, fails the season', (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...player({}), personId: undefined }, 'Totals/Scoring: players.0.personId'],
    [player({ teamId: undefined }), 'Totals/Scoring: players.0.stats.teamId'],
    [player({ pctPtsPaint: '0.4' }), 'Totals/Scoring: players.0.stats.pctPtsPaint'],
  ];
  for (const [row, where] of cases) {
    const { result } = parse(playerAggregates, { 'Totals/Scoring': [row] });
    t.false(result.ok);
    if (!result.ok) {
      t.is(result.reason, 'schema_mismatch');
      t.true(result.detail.startsWith(where), result.detail);
    }
  }
  const teamWithout = parse(teamAggregates, { 'PerGame/Misc': [team({}, 0)] });
  t.like(teamWithout.result, { ok: false, reason: 'schema_mismatch' });
});

test("another season's rows, or a payload of another call, are an identity mismatch", (t) => {
  const other = parse(playerAggregates, { 'Totals/Base': [player({ season: '2024-25' })] });
  t.deepEqual(other.result, {
    ok: false,
    reason: 'identity_mismatch',
    detail: 'Totals/Base: a row of 2024-25 Regular Season, not the requested 2025-26 Regular Season',
  });
  const swapped = bodies(teamAggregates, {});
  swapped.set('PerGame/Misc', { perMode: 'Totals', measureType: 'Misc', teams: [] });
  t.deepEqual(parse(teamAggregates, swapped).result, {
    ok: false,
    reason: 'identity_mismatch',
    detail: 'PerGame/Misc: the payload is for Totals/Misc',
  });
  const missing = bodies(teamAggregates, {});
  missing.delete('Totals/Opponent');
  t.like(parse(teamAggregates, missing).result, { ok: false, reason: 'schema_mismatch' });
});

test('a measure with no rows after final games fails the season; before any, the season is empty', (t) => {
  const rows = { 'Totals/Base': [team({ gp: 1 })] };
  t.deepEqual(parse(teamAggregates, rows, 12).result, {
    ok: false,
    reason: 'no_rows_for_final_games',
    detail: 'Totals/Advanced: no teams after 12 final games',
  });
  t.deepEqual(parse(teamAggregates, {}, 0).result, { ok: true, rows: [[]] });
});

test("Opponent fills the opp_ columns only: an unprefixed fgm there never overwrites the team's", (t) => {
  const { result } = parse(teamAggregates, {
    'Totals/Base': [team({ gp: 58, min: 2794, wins: 27, losses: 31, winPct: 0.466, fgm: 2496, fga: 5315 })],
    'Totals/Opponent': [team({ gp: 58, min: 2794, fgm: 2501, oppFgm: 2501, oppFga: 5260, oppFgPct: 0.475 })],
    'Totals/Advanced': [team({ pace: 101.3, tmTovPct: 0.124 })],
  });
  const [row] = records(t, teamAggregates, result);
  t.like(row, {
    team_id: LAL,
    per_mode: 'Totals',
    wins: 27,
    losses: 31,
    win_pct: 0.466,
    minutes: 2794,
    fgm: 2496,
    opp_fgm: 2501,
    opp_fga: 5260,
    opp_fg_pct: 0.475,
    pace: 101.3,
    fg2m: null,
  });
  t.like(row?.stats_json, { Opponent: { fgm: 2501 } });
});

const db = withTestDatabase(test);

/** information_schema's udt_name of each declared column type. */
const UDT: Readonly<Partial<Record<ColumnType, string>>> = {
  text: 'text',
  int: 'int4',
  numeric: 'numeric',
  jsonb: 'jsonb',
};

test.serial(
  'the migration creates both tables with the declared columns, types and primary keys',
  async (t) => {
    for (const spec of [playerAggregates, teamAggregates].flatMap((dataset) => dataset.tables)) {
      const [schema, table] = spec.table.split('.');
      const columns = await db.pool.query<{ column_name: string; udt_name: string }>(
        `SELECT column_name, udt_name FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = $2 AND column_name NOT IN ('created_at', 'updated_at')
        ORDER BY ordinal_position`,
        [schema, table],
      );
      t.deepEqual(
        columns.rows.map((row) => `${row.column_name} ${row.udt_name}`),
        spec.columns.map((column) => `${column.name} ${UDT[column.type]}`),
        spec.table,
      );
      const key = await db.pool.query<{ name: string }>(
        `SELECT a.attname AS name FROM pg_index i
         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
        WHERE i.indrelid = $1::regclass AND i.indisprimary`,
        [spec.table],
      );
      t.deepEqual(key.rows.map((row) => row.name).sort(), [...spec.key].sort(), spec.table);
    }
  },
);

test.serial(
  "the replica's season parses without a flag and loads; loading it again changes nothing",
  async (t) => {
    const replica = await startReplica({ skeleton: testSkeleton() });
    try {
      const finalGames = testSkeleton().games.filter((game) => game.status === 3).length;
      for (const dataset of [playerAggregates, teamAggregates]) {
        const fetched = new Map<string, unknown>();
        for (const call of dataset.calls) {
          const params = new URLSearchParams({
            leagueId: '00',
            season: '2025-26',
            seasonType: 'Regular Season',
            ...call.params,
          });
          const response = await fetch(`${replica.url}${call.path}?${params}`, {
            headers: { 'x-nba-api-key': 'k' },
          });
          fetched.set(call.measure, await response.json());
        }
        const { result, flags, drops } = parse(dataset, fetched, finalGames);
        t.deepEqual([flags, drops], [[], []], dataset.name);
        if (!result.ok) return t.fail(`${dataset.name}: ${result.reason}`);
        const rows = result.rows[0] ?? [];
        const spec = dataset.tables[0];
        const first = await writeBatch(db.pool, { spec, rows });
        t.like(first, { staged: rows.length, inserted: rows.length, duplicates: 0 });
        const again = await writeBatch(db.pool, { spec, rows });
        t.like(again, { staged: rows.length, inserted: 0, updated: 0, unchanged: rows.length });
      }
      const perMode = await db.pool.query<{ table: string; per_mode: string; rows: number; nulls: number }>(
        `SELECT 'player' AS table, per_mode, count(*)::int AS rows, count(*) FILTER (WHERE pct_ast_fgm IS NULL)::int AS nulls
         FROM nba.player_stats_aggregated GROUP BY per_mode
       UNION ALL
       SELECT 'team', per_mode, count(*)::int, count(*) FILTER (WHERE opp_pts IS NULL)::int
         FROM nba.team_stats_aggregated GROUP BY per_mode
       ORDER BY 1, 2`,
      );
      const players = await db.pool.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM nba.player_stats_aggregated WHERE per_mode = 'Totals'",
      );
      const teams = testSkeleton().teams.length;
      t.deepEqual(
        perMode.rows.map((row) => [row.table, row.per_mode, row.nulls]),
        [
          ['player', 'Per100Possessions', 0],
          ['player', 'Per36', 0],
          ['player', 'PerGame', 0],
          ['player', 'Totals', 0],
          ['team', 'PerGame', 0],
          ['team', 'Totals', 0],
        ],
      );
      t.true(
        perMode.rows.every((row) => row.rows === (row.table === 'team' ? teams : players.rows[0]?.count)),
      );
      if (testSkeleton().source === 'real') t.is(players.rows[0]?.count, 535);
    } finally {
      await replica.close();
    }
  },
);
