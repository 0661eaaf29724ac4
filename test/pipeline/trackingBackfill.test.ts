// The tracking dataset end to end: /game/player MeasureType=Tracking from the replica into
// nba.tracking_stats, checked against what the replica's generator computes for the test season.
// Crafted fixture rows pin the rules: teamId 0 is stored as NULL, and a fraction outside 0–1 is
// stored as NULL and quarantined as out_of_range (its raw value kept in the stats JSON), never rescaled.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { playerTrackingRows } from '../../replica/generators/playerTracking.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import type { GameId } from '../../src/gameId.ts';
import { DEFAULT_URI_BUDGET_BYTES } from '../../src/streams/batchPlanner.ts';
import { tracking } from '../../src/streams/tracking.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const TRACKING_KEY = 'querytool-game-player-Tracking';
const ROW_THRESHOLD = 9_899;
const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finalGames = skeleton.games.filter((game) => game.status === 3);

const db = withTestDatabase(test);
const databases: TestDatabase[] = [];
let replica: Replica;
let fixtures: string;
test.before(async () => {
  replica = await startTestReplica();
  fixtures = await mkdtemp(join(tmpdir(), 'nba-tracking-fixtures-'));
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((database) => database.drop()));
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

/** Game ids that fit the planner's request-line budget in one Tracking call (11 bytes per id). */
function gameIdsPerRequest(): number {
  const params = new URLSearchParams({
    LeagueId: '00',
    SeasonYear: skeleton.season,
    SeasonType: 'Regular Season',
    ...tracking.calls[0]?.params,
    GameId: '',
    MaxRowsReturned: '10000',
  });
  const base = Buffer.byteLength(decodeURIComponent(`/api/querytool/game/player?${params}`));
  return 1 + Math.floor((DEFAULT_URI_BUDGET_BYTES - base - 10) / 11);
}

const generated = (seed: number) => finalGames.flatMap((game) => playerTrackingRows(season, game, seed));

test.serial(
  'a season backfill loads one tracking row per player who played in every final game',
  async (t) => {
    const expected = generated(replica.seed);
    const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: [tracking] } });

    t.is(summary.exitCode, 0);
    const loaded = summary.datasets[0];
    t.is(loaded?.dataset, 'tracking');
    t.is(loaded?.gamesLoaded, finalGames.length);
    t.is(loaded?.gamesFailed, 0);
    t.is(loaded?.rows, expected.length);
    const stored = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM nba.tracking_stats');
    t.is(stored.rows[0]?.n, expected.length);

    const coverage = await db.pool.query<{ status: string; games: number; rows: number }>(
      `SELECT status, count(*)::int AS games, sum(row_count)::int AS rows
       FROM nba_ingest.coverage WHERE dataset = 'tracking' GROUP BY status`,
    );
    t.deepEqual(coverage.rows, [{ status: 'complete', games: finalGames.length, rows: expected.length }]);

    // The floor is rows over the truncation threshold, unless the request line binds first: at
    // ≈22 rows per game a batch runs out of URI budget (≈290 ids) well before 9,899 rows.
    const calls = loaded?.callsByMeasure.Tracking ?? Number.POSITIVE_INFINITY;
    const rowFloor = Math.ceil(expected.length / ROW_THRESHOLD);
    const uriFloor = Math.ceil(finalGames.length / gameIdsPerRequest());
    t.log(
      `${skeleton.source}: ${finalGames.length} games, ${expected.length} rows, ${calls} Tracking calls, ` +
        `floor ⌈rows / 9,899⌉ = ${rowFloor}, ⌈games / ${gameIdsPerRequest()} ids per request⌉ = ${uriFloor}`,
    );
    t.true(
      calls <= Math.max(rowFloor, uriFloor) + 1,
      `Tracking ${calls} > max(${rowFloor}, ${uriFloor}) + 1`,
    );
    if (skeleton.source === 'real') {
      t.is(expected.length, 18_523);
      t.true(calls <= rowFloor + 1, `Tracking ${calls} > ${rowFloor} + 1`);
    }
    t.is(loaded?.splits, 0);
  },
);

test.serial(
  'stored values are the generated ones, with minutes, speeds and fractions in their units',
  async (t) => {
    const game = finalGames[0];
    if (!game) return t.fail('the season has no final game');
    const [row] = playerTrackingRows(season, game, replica.seed);
    if (!row) return t.fail('the first game has no tracking rows');
    const { rows } = await db.pool.query(
      `SELECT team_id, player_name, team_abbreviation, to_char(game_date, 'YYYY-MM-DD') AS game_date, season_year,
            season_label, minutes::float8, dist_miles::float8, avg_speed::float8, touches, ast, dreb, oreb,
            cfg_pct::float8, uf_fg_pct::float8, tracking_stats_json
       FROM nba.tracking_stats WHERE game_id = $1 AND nba_id = $2`,
      [game.id, row.playerId],
    );
    t.deepEqual(rows, [
      {
        team_id: row.teamId,
        player_name: row.name,
        team_abbreviation: row.teamAbbreviation,
        game_date: row.gameDate,
        season_year: 2025,
        season_label: '2025-26',
        minutes: row.stats.MIN,
        dist_miles: row.stats.DIST_MILES,
        avg_speed: row.stats.AVG_SPEED,
        touches: row.stats.TOUCHES,
        ast: row.stats.AST,
        dreb: row.stats.DREB,
        oreb: row.stats.OREB,
        cfg_pct: row.stats.CONTESTED_FG_PCT,
        uf_fg_pct: row.stats.UNCONTESTED_FG_PCT,
        tracking_stats_json: row.stats,
      },
    ]);
  },
);

test.serial('a second run makes no tracking calls', async (t) => {
  replica.resetStats();
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: [tracking] } });
  t.is(summary.exitCode, 0);
  t.is(summary.datasets[0]?.calls, 0);
  t.is(summary.datasets[0]?.gamesSkipped, finalGames.length);
  t.deepEqual(
    replica.stats().calls.filter((call) => call.endpoint.startsWith('querytool-')),
    [],
  );
});

test('teamId 0 is stored as NULL; a fraction outside 0–1 is stored as NULL and flagged, not rescaled', async (t) => {
  const games = finalGames.slice(0, 4).map((game) => game.id as GameId);
  const [severalTeamsGame, outOfRangeGame] = games;
  const rowsOf = (id: string | undefined) => {
    const game = finalGames.find((candidate) => candidate.id === id);
    return game ? playerTrackingRows(season, game, replica.seed) : [];
  };
  const severalTeams = rowsOf(severalTeamsGame);
  const traded = severalTeams[0];
  if (!traded) return t.fail('no tracking rows');
  severalTeams[0] = { ...traded, teamId: 0 };
  const outOfRange = rowsOf(outOfRangeGame);
  const first = outOfRange[0];
  if (!first) return t.fail('no tracking rows');
  outOfRange[0] = { ...first, stats: { ...first.stats, CONTESTED_FG_PCT: 1.7 } };
  await mkdir(join(fixtures, TRACKING_KEY), { recursive: true });
  await writeFile(join(fixtures, TRACKING_KEY, `${severalTeamsGame}.json`), JSON.stringify(severalTeams));
  await writeFile(
    join(fixtures, TRACKING_KEY, `${outOfRangeGame}.json`),
    JSON.stringify({ players: outOfRange }),
  );
  const withFixtures = await startTestReplica({ fixturesDir: fixtures });
  t.teardown(() => withFixtures.close());
  const database = await createTestDatabase();
  databases.push(database);

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: withFixtures,
    options: { datasets: [tracking], gameIds: games },
  });

  const loaded = summary.datasets[0];
  t.is(summary.exitCode, 0);
  t.is(loaded?.gamesLoaded, 4);
  t.is(loaded?.outOfRange, 1);
  t.deepEqual(loaded?.failures, {});
  const coverage = await database.pool.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM nba_ingest.coverage WHERE dataset = 'tracking' GROUP BY status`,
  );
  t.deepEqual(coverage.rows, [{ status: 'complete', n: 4 }]);
  const quarantined = await database.pool.query<{ reason: string; game_id: string | null; detail: string }>(
    'SELECT reason, game_id, detail FROM nba_ingest.quarantine ORDER BY quarantine_id',
  );
  t.deepEqual(quarantined.rows, [
    {
      reason: 'out_of_range',
      game_id: outOfRangeGame as string,
      detail: '1 row(s): CONTESTED_FG_PCT stored as NULL: 1.7 is not a fraction 0-1 (cfg_pct)',
    },
  ]);
  const flagged = await database.pool.query<{ cfg_pct: string | null; raw: number }>(
    `SELECT cfg_pct, (tracking_stats_json->>'CONTESTED_FG_PCT')::float8 AS raw
       FROM nba.tracking_stats WHERE game_id = $1 AND nba_id = $2`,
    [outOfRangeGame, first.playerId],
  );
  t.deepEqual(flagged.rows, [{ cfg_pct: null, raw: 1.7 }]);

  const stored = await database.pool.query<{ game_id: string; n: number; null_teams: number }>(
    `SELECT game_id, count(*)::int AS n, (count(*) FILTER (WHERE team_id IS NULL))::int AS null_teams
       FROM nba.tracking_stats GROUP BY game_id ORDER BY game_id`,
  );
  const expected = games
    .map((id) => ({
      game_id: id as string,
      n: rowsOf(id).length,
      null_teams: id === severalTeamsGame ? 1 : 0,
    }))
    .sort((a, b) => a.game_id.localeCompare(b.game_id));
  t.deepEqual(stored.rows, expected);
  const nulled = await database.pool.query<{ team_id: number | null }>(
    'SELECT team_id FROM nba.tracking_stats WHERE game_id = $1 AND nba_id = $2',
    [severalTeamsGame, traded.playerId],
  );
  t.deepEqual(nulled.rows, [{ team_id: null }]);
});
