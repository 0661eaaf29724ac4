// The /game/player and /game/team measure datasets end to end (advanced_box, advanced_box_team,
// defensive, violations, violations_team): one season backfill checked against what the replica's
// generators compute, values in their units (team Advanced MIN × 25 = the box MIN), a second run that
// costs no calls, and crafted fixtures for an out-of-range PIE, teamId 0 and a row sent twice.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { playerViolationRows, teamViolationRows } from '../../replica/generators/gameViolations.ts';
import { playerAdvancedRows } from '../../replica/generators/playerAdvanced.ts';
import { playerDefensiveRows } from '../../replica/generators/playerDefensive.ts';
import { teamAdvancedRows } from '../../replica/generators/teamAdvanced.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import type { Game } from '../../replica/skeleton.ts';
import type { GameId } from '../../src/gameId.ts';
import { advancedBox, advancedBoxTeam } from '../../src/streams/advancedBox.ts';
import { DEFAULT_URI_BUDGET_BYTES } from '../../src/streams/batchPlanner.ts';
import type { QueryToolDataset } from '../../src/streams/dataset.ts';
import { defensive } from '../../src/streams/defensive.ts';
import { verify } from '../../src/streams/verify.ts';
import { violations, violationsTeam } from '../../src/streams/violations.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const ROW_THRESHOLD = 9_899;
const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finalGames = skeleton.games.filter((game) => game.status === 3);

type Generator = (season: ReturnType<typeof indexSeason>, game: Game, seed: number) => object[];
const MEASURES: readonly { dataset: QueryToolDataset; generate: Generator }[] = [
  { dataset: advancedBox, generate: playerAdvancedRows },
  { dataset: advancedBoxTeam, generate: teamAdvancedRows },
  { dataset: defensive, generate: playerDefensiveRows },
  { dataset: violations, generate: playerViolationRows },
  { dataset: violationsTeam, generate: teamViolationRows },
];
const DATASETS = MEASURES.map((measure) => measure.dataset);

const db = withTestDatabase(test);
const databases: TestDatabase[] = [];
let replica: Replica;
let fixtures: string;
test.before(async () => {
  replica = await startTestReplica();
  fixtures = await mkdtemp(join(tmpdir(), 'nba-game-measures-fixtures-'));
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((database) => database.drop()));
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

/** Game ids that fit the planner's request-line budget in one call of the dataset (11 bytes per id). */
function gameIdsPerRequest(dataset: QueryToolDataset): number {
  const call = dataset.calls[0];
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: skeleton.season,
    SeasonType: 'Regular Season',
    ...call?.params,
    GameId: '',
    MaxRowsReturned: '10000',
  });
  const base = Buffer.byteLength(decodeURIComponent(`${call?.path}?${params}`));
  return 1 + Math.floor((DEFAULT_URI_BUDGET_BYTES - base - 10) / 11);
}

const generatedCount = (generate: Generator, seed: number) =>
  finalGames.reduce((sum, game) => sum + generate(season, game, seed).length, 0);

test.serial('a season backfill loads every generated row of the five measures, and no more', async (t) => {
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: DATASETS } });
  t.is(summary.exitCode, 0);
  const participants = generatedCount(playerAdvancedRows, replica.seed);
  for (const [index, { dataset, generate }] of MEASURES.entries()) {
    const expected = generatedCount(generate, replica.seed);
    const isTeam = dataset.calls[0]?.rowsKey === 'teams';
    // Every player measure lists the same players; every team measure two teams a game.
    t.is(expected, isTeam ? 2 * finalGames.length : participants, dataset.name);
    const loaded = summary.datasets[index];
    t.like(loaded, {
      dataset: dataset.name,
      gamesLoaded: finalGames.length,
      gamesFailed: 0,
      rows: expected,
      rowsInserted: expected,
      outOfRange: 0,
      quarantined: 0,
      splits: 0,
      failures: {},
    });
    const stored = await db.pool.query<{ n: number; games: number; fewest: number; most: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT game_id)::int AS games,
              min(per_game)::int AS fewest, max(per_game)::int AS most
         FROM (SELECT game_id, count(*) OVER (PARTITION BY game_id) AS per_game FROM ${dataset.table.table}) r`,
    );
    t.is(stored.rows[0]?.n, expected, dataset.name);
    t.is(stored.rows[0]?.games, finalGames.length, dataset.name);
    if (isTeam) t.like(stored.rows[0], { fewest: 2, most: 2 });
    const coverage = await db.pool.query<{ status: string; games: number; rows: number }>(
      `SELECT status, count(*)::int AS games, sum(row_count)::int AS rows
         FROM nba_ingest.coverage WHERE dataset = $1 GROUP BY status`,
      [dataset.name],
    );
    t.deepEqual(coverage.rows, [{ status: 'complete', games: finalGames.length, rows: expected }]);

    // The floor is rows over the truncation threshold, unless the request line binds first: at
    // ≈22 (or 2) rows per game a batch runs out of URI budget (≈290 ids) long before 9,899 rows.
    const measure = dataset.calls[0]?.measure ?? '';
    const calls = loaded?.callsByMeasure[measure] ?? Number.POSITIVE_INFINITY;
    const rowFloor = Math.ceil(expected / ROW_THRESHOLD);
    const uriFloor = Math.ceil(finalGames.length / gameIdsPerRequest(dataset));
    t.log(
      `${skeleton.source} ${dataset.name}: ${finalGames.length} games, ${expected} rows ` +
        `(${(expected / finalGames.length).toFixed(2)} per game), ${calls} ${measure} calls, ` +
        `floor ⌈rows / 9,899⌉ = ${rowFloor}, ⌈games / ${gameIdsPerRequest(dataset)} ids per request⌉ = ${uriFloor}`,
    );
    t.true(
      calls <= Math.max(rowFloor, uriFloor) + 1,
      `${dataset.name}: ${calls} > max(${rowFloor}, ${uriFloor}) + 1`,
    );
  }
  if (skeleton.source === 'real') t.is(participants, 18_523);
});

test.serial('verify passes every check the five declarations make, on the season just loaded', async (t) => {
  const report = await verify(db.pool, {
    season: '2025-26',
    seasonType: 'Regular Season',
    datasets: DATASETS,
  });
  t.deepEqual(
    report.checks.filter((check) => check.status === 'fail'),
    [],
  );
  t.true(report.passed);
  const byName = new Map(report.checks.map((check) => [check.name, check]));
  const declared = DATASETS.flatMap((dataset) =>
    (dataset.checks ?? []).map((check) => `${dataset.name}.${check.name}`),
  );
  t.is(declared.length, 34);
  t.deepEqual(
    declared.filter((name) => byName.get(name)?.status !== 'pass'),
    [],
  );
  for (const name of ['advanced_box_team.teams_per_game', 'violations_team.teams_per_game']) {
    t.regex(byName.get(name)?.value ?? '', new RegExp(`^0 of ${finalGames.length} games outside`), name);
  }
});

test.serial(
  'stored values are the generated ones in their units; team minutes are the box MIN',
  async (t) => {
    const regulation = finalGames.find((game) => game.periods === 4) as Game;
    const overtime = finalGames.find((game) => game.periods > 4);
    for (const game of overtime ? [regulation, overtime] : [regulation]) {
      const [home] = teamAdvancedRows(season, game, replica.seed);
      const advanced = await db.pool.query(
        `SELECT team_abbreviation, to_char(game_date, 'YYYY-MM-DD') AS game_date, season_year, season_label,
              season_type, minutes::float8, off_rating::float8, def_rating::float8, net_rating::float8,
              ast_pct::float8, ast_to_ratio::float8, tm_tov_pct::float8, efg_pct::float8, pace::float8,
              pace_per40::float8, poss, pie::float8, (advanced_stats_json->>'MIN')::float8 AS raw_min
         FROM nba.boxscores_advanced_team WHERE game_id = $1 AND team_id = $2`,
        [game.id, game.home.teamId],
      );
      const s = home?.stats;
      t.deepEqual(advanced.rows, [
        {
          team_abbreviation: home?.teamAbbreviation,
          game_date: game.date,
          season_year: 2025,
          season_label: '2025-26',
          season_type: 'Regular Season',
          // Upstream's 1/25 scale (9.6 for 240) converted once: team minutes, as in the box.
          minutes: game.home.box.min,
          off_rating: s?.OFF_RATING,
          def_rating: s?.DEF_RATING,
          net_rating: s?.NET_RATING,
          ast_pct: s?.AST_PCT,
          ast_to_ratio: s?.AST_TOV,
          tm_tov_pct: s?.TM_TOV_PCT,
          efg_pct: s?.EFG_PCT,
          pace: s?.PACE,
          pace_per40: s?.PACE_PER40,
          poss: s?.POSS,
          pie: s?.PIE,
          raw_min: game.home.box.min / 25,
        },
      ]);
      const teamViolations = await db.pool.query(
        `SELECT minutes::float8, travel, tm_shot_clock, violations_stats_json AS raw
         FROM nba.violations_team WHERE game_id = $1 AND team_id = $2`,
        [game.id, game.away.teamId],
      );
      const away = teamViolationRows(season, game, replica.seed)[1];
      t.deepEqual(teamViolations.rows, [
        {
          minutes: game.away.box.min,
          travel: away?.stats.TRAVEL,
          tm_shot_clock: away?.stats.TM_SHOT_CLOCK,
          raw: away?.stats,
        },
      ]);
    }

    const [player] = playerAdvancedRows(season, regulation, replica.seed);
    if (!player) return t.fail('no Advanced rows');
    const advanced = await db.pool.query(
      `SELECT team_id, player_name, team_abbreviation, minutes::float8, off_rating::float8, ast_pct::float8,
            ast_to_ratio::float8, tm_tov_pct::float8, efg_pct::float8, ts_pct::float8, usg_pct::float8,
            pace::float8, pace_per40::float8, poss, pie::float8, advanced_stats_json AS raw
       FROM nba.boxscores_advanced WHERE game_id = $1 AND nba_id = $2`,
      [regulation.id, player.playerId],
    );
    const a = player.stats;
    t.deepEqual(advanced.rows, [
      {
        team_id: player.teamId,
        player_name: player.name,
        team_abbreviation: player.teamAbbreviation,
        minutes: a.MIN,
        off_rating: a.OFF_RATING,
        ast_pct: a.AST_PCT,
        ast_to_ratio: a.AST_TO,
        tm_tov_pct: a.TOV_PCT,
        efg_pct: a.EFG_PCT,
        ts_pct: a.TS_PCT,
        usg_pct: a.USG_PCT,
        pace: a.PACE,
        pace_per40: a.PACE_PER40,
        poss: a.POSS,
        pie: a.PIE,
        raw: a,
      },
    ]);

    const defender = playerDefensiveRows(season, regulation, replica.seed)[1];
    const defended = await db.pool.query(
      `SELECT minutes::float8, def_fgm, def_fga, def_fg_pct::float8, def_fg3_pct::float8, def_foul, def_pts,
            defensive_stats_json AS raw
       FROM nba.defensive_stats WHERE game_id = $1 AND nba_id = $2`,
      [regulation.id, defender?.playerId],
    );
    const d = defender?.stats;
    t.deepEqual(defended.rows, [
      {
        minutes: d?.MIN,
        def_fgm: d?.DEF_FGM,
        def_fga: d?.DEF_FGA,
        def_fg_pct: d?.DEF_FG_PCT,
        def_fg3_pct: d?.DEF_FG3_PCT,
        def_foul: d?.DEF_FOUL,
        def_pts: d?.DEF_PTS,
        raw: d,
      },
    ]);

    const violated = await db.pool.query<{ started: boolean; n: number; minutes: number; travel: number }>(
      `SELECT started, count(*)::int AS n, sum(minutes)::float8 AS minutes, sum(travel)::int AS travel
       FROM nba.violations_player WHERE game_id = $1 AND team_id = $2 GROUP BY started ORDER BY started`,
      [regulation.id, regulation.home.teamId],
    );
    const team = playerViolationRows(season, regulation, replica.seed).filter(
      (row) => row.teamId === regulation.home.teamId,
    );
    const group = (started: 0 | 1) => {
      const rows = team.filter((row) => row.stats.STARTED === started);
      const hundredths = rows.reduce((sum, row) => sum + Math.round(row.stats.MIN * 100), 0);
      return {
        started: started === 1,
        n: rows.length,
        minutes: hundredths / 100,
        travel: rows.reduce((sum, row) => sum + row.stats.TRAVEL, 0),
      };
    };
    t.deepEqual(violated.rows, [group(0), group(1)]);
    t.is(group(1).n, 5);
  },
);

test.serial('a second run makes no calls for the five datasets', async (t) => {
  replica.resetStats();
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: DATASETS } });
  t.is(summary.exitCode, 0);
  for (const loaded of summary.datasets) {
    t.like(loaded, { calls: 0, gamesSkipped: finalGames.length, gamesLoaded: 0 }, loaded.dataset);
  }
  t.deepEqual(
    replica.stats().calls.filter((call) => call.endpoint.startsWith('querytool-')),
    [],
  );
});

test('an out-of-range PIE is stored as NULL and flagged; teamId 0 is NULL; a row sent twice is stored once', async (t) => {
  const games = finalGames.slice(0, 4);
  const [pieGame, severalTeamsGame, twiceGame] = games as [Game, Game, Game, Game];
  const write = async (key: string, game: Game, rows: unknown[]) => {
    await mkdir(join(fixtures, key), { recursive: true });
    await writeFile(join(fixtures, key, `${game.id}.json`), JSON.stringify({ players: rows }));
  };
  const advancedRows = playerAdvancedRows(season, pieGame, replica.seed);
  const scaled = advancedRows[0];
  if (!scaled) return t.fail('no Advanced rows');
  // The kind of value the previous implementation divided by 100 until it fit (its §5.3: PIE = −1100).
  advancedRows[0] = { ...scaled, stats: { ...scaled.stats, PIE: -11 } };
  await write('querytool-game-player-Advanced', pieGame, advancedRows);
  const defensiveRows = playerDefensiveRows(season, severalTeamsGame, replica.seed);
  const traded = defensiveRows[0];
  if (!traded) return t.fail('no Defensive rows');
  defensiveRows[0] = { ...traded, teamId: 0 };
  await write('querytool-game-player-Defensive', severalTeamsGame, defensiveRows);
  const violationRows = playerViolationRows(season, twiceGame, replica.seed);
  const twice = violationRows[2];
  if (!twice) return t.fail('no Violations rows');
  await write('querytool-game-player-Violations', twiceGame, [...violationRows, twice]);

  const withFixtures = await startTestReplica({ fixturesDir: fixtures });
  t.teardown(() => withFixtures.close());
  const database = await createTestDatabase();
  databases.push(database);
  const summary = await runTestBackfill({
    pool: database.pool,
    replica: withFixtures,
    options: {
      datasets: [advancedBox, defensive, violations],
      gameIds: games.map((game) => game.id as GameId),
    },
  });

  t.is(summary.exitCode, 0);
  const generated = (generate: Generator) =>
    games.reduce((sum, game) => sum + generate(season, game, replica.seed).length, 0);
  const [advancedSummary, defensiveSummary, violationsSummary] = summary.datasets;
  t.like(advancedSummary, { gamesLoaded: 4, gamesFailed: 0, outOfRange: 1, failures: {} });
  t.like(defensiveSummary, { gamesLoaded: 4, gamesFailed: 0, outOfRange: 0, failures: {} });
  // The row sent twice is kept once before coverage counts it: coverage and the table agree.
  t.like(violationsSummary, {
    gamesLoaded: 4,
    rows: generated(playerViolationRows),
    rowsInserted: generated(playerViolationRows),
    failures: {},
  });
  const coverage = await database.pool.query<{ dataset: string; status: string; n: number }>(
    `SELECT dataset, status, count(*)::int AS n FROM nba_ingest.coverage GROUP BY dataset, status ORDER BY dataset`,
  );
  t.deepEqual(coverage.rows, [
    { dataset: 'advanced_box', status: 'complete', n: 4 },
    { dataset: 'defensive', status: 'complete', n: 4 },
    { dataset: 'violations', status: 'complete', n: 4 },
  ]);
  const quarantined = await database.pool.query(
    'SELECT dataset, reason, game_id, detail FROM nba_ingest.quarantine ORDER BY quarantine_id',
  );
  t.deepEqual(quarantined.rows, [
    {
      dataset: 'advanced_box',
      reason: 'out_of_range',
      game_id: pieGame.id,
      detail: '1 row(s): PIE stored as NULL: -11 is not a fraction -1 to 1 (pie)',
    },
    {
      dataset: 'violations',
      reason: 'duplicate_key',
      game_id: twiceGame.id,
      detail: "1 row(s) repeated an earlier row's key; the last of each was kept",
    },
  ]);
  const flagged = await database.pool.query(
    `SELECT pie, (advanced_stats_json->>'PIE')::float8 AS raw, off_rating::float8
       FROM nba.boxscores_advanced WHERE game_id = $1 AND nba_id = $2`,
    [pieGame.id, scaled.playerId],
  );
  // Only the flagged value is NULL: the rest of the row is sound and stored.
  t.deepEqual(flagged.rows, [{ pie: null, raw: -11, off_rating: scaled.stats.OFF_RATING }]);

  const nulled = await database.pool.query(
    `SELECT game_id, count(*)::int AS n, (count(*) FILTER (WHERE team_id IS NULL))::int AS null_teams,
            bool_or(team_id IS NULL AND nba_id = $1) AS traded
       FROM nba.defensive_stats GROUP BY game_id ORDER BY game_id`,
    [traded.playerId],
  );
  t.deepEqual(
    nulled.rows,
    games
      .map((game) => ({
        game_id: game.id,
        n: playerDefensiveRows(season, game, replica.seed).length,
        null_teams: game === severalTeamsGame ? 1 : 0,
        traded: game === severalTeamsGame,
      }))
      .sort((a, b) => a.game_id.localeCompare(b.game_id)),
  );

  const once = await database.pool.query<{ n: number; copies: number }>(
    `SELECT count(*)::int AS n, (count(*) FILTER (WHERE nba_id = $2))::int AS copies
       FROM nba.violations_player WHERE game_id = $1`,
    [twiceGame.id, twice.playerId],
  );
  t.deepEqual(once.rows, [{ n: violationRows.length, copies: 1 }]);
  const counted = await database.pool.query(
    `SELECT row_count FROM nba_ingest.coverage WHERE dataset = 'violations' AND game_id = $1`,
    [twiceGame.id],
  );
  t.deepEqual(counted.rows, [{ row_count: violationRows.length }]);
  const telemetry = await database.pool.query<{ duplicates: number }>(
    `SELECT (d->>'duplicates')::int AS duplicates
       FROM nba_ingest.runs r, jsonb_array_elements(r.telemetry->'datasets') d
      WHERE r.run_id = $1 AND d->>'dataset' = 'violations'`,
    [summary.runId],
  );
  t.deepEqual(telemetry.rows, [{ duplicates: 1 }]);
});
