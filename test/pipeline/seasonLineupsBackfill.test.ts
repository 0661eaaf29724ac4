// Season lineups end to end: /season/lineups in TeamId batches of 10, once per PerMode × {Base,
// Advanced}, into nba.lineup_stats_season, checked against what the replica serves per team; team
// coverage as of the season's final games; and a payload holding a team that was not requested.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { PER_MODES } from '../../replica/generators/lineupStats.ts';
import { seasonLineupsByTeam, teamSeasonLineupRows } from '../../replica/generators/seasonLineups.ts';
import { indexSeason } from '../../replica/seasonIndex.ts';
import type { Replica } from '../../replica/server.ts';
import { seasonLineups } from '../../src/streams/seasonLineups.ts';
import { verify } from '../../src/streams/verify.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const skeleton = testSkeleton();
const season = indexSeason(skeleton);
const finalGames = skeleton.games.filter((game) => game.status === 3);
const teams = [...new Set(finalGames.flatMap((game) => [game.home.teamId, game.away.teamId]))].sort(
  (a, b) => a - b,
);

const db = withTestDatabase(test);
const databases: TestDatabase[] = [];
let replica: Replica;
let fixtures: string;
test.before(async () => {
  replica = await startTestReplica();
  fixtures = await mkdtemp(join(tmpdir(), 'nba-season-lineups-fixtures-'));
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((database) => database.drop()));
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

/** Lineups the replica serves per team; those without minutes are not stored. */
function servedLineups(seed: number) {
  const byTeam = seasonLineupsByTeam(season, seed, 'Regular Season');
  const all = teams.flatMap((team) => byTeam.get(team) ?? []);
  return {
    played: all.filter((lineup) => lineup.totals.min > 0),
    idle: all.filter((l) => l.totals.min <= 0),
  };
}

test.serial(
  'a season backfill loads every team’s lineups in every PerMode, 8 calls per 10 teams, each with TeamId and MaxRowsReturned',
  async (t) => {
    const { played, idle } = servedLineups(replica.seed);
    replica.resetStats();
    const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: [seasonLineups] } });

    t.is(summary.exitCode, 0);
    const loaded = summary.datasets[0];
    t.like(loaded, { unit: 'team', gamesLoaded: teams.length, gamesFailed: 0, rows: played.length * 4 });
    t.deepEqual(loaded?.dropped, idle.length > 0 ? { zero_minute_lineup: idle.length * 4 } : {});
    const calls = replica
      .stats()
      .calls.filter((call) => call.endpoint.startsWith('querytool-season-lineups'));
    t.is(calls.length, 8 * Math.ceil(teams.length / 10));
    t.true(
      calls.every(
        (call) => call.paramNames.includes('TeamId') && call.paramNames.includes('MaxRowsReturned'),
      ),
    );
    t.log(
      `${teams.length} teams, ${played.length} lineups × 4 PerModes = ${loaded?.rows} rows in ${calls.length} calls`,
    );

    const stored = await db.pool.query<{ per_mode: string; n: number }>(
      `SELECT per_mode, count(*)::int AS n FROM nba.lineup_stats_season
        WHERE season_label = '2025-26' AND season_type = 'Regular Season' GROUP BY per_mode ORDER BY per_mode`,
    );
    t.deepEqual(
      stored.rows,
      [...PER_MODES].sort().map((perMode) => ({ per_mode: perMode, n: played.length })),
    );
    const coverage = await db.pool.query<{ status: string; final_games: number; n: number }>(
      `SELECT status, final_games, count(*)::int AS n FROM nba_ingest.team_coverage
        WHERE dataset = 'season_lineups' GROUP BY status, final_games`,
    );
    t.deepEqual(coverage.rows, [{ status: 'complete', final_games: finalGames.length, n: teams.length }]);
  },
);

test.serial('stored values are the served ones: ids sorted, Totals and PerGame in their units', async (t) => {
  const team = teams[0] as number;
  const base = teamSeasonLineupRows(season, replica.seed, team, { measure: 'Base', perMode: 'PerGame' });
  const advanced = teamSeasonLineupRows(season, replica.seed, team, {
    measure: 'Advanced',
    perMode: 'Totals',
  });
  const first = base.find((row) => (row.stats as { MIN: number }).MIN > 0);
  if (!first) return t.fail('no lineup with minutes');
  const ids = [first.player1Id, first.player2Id, first.player3Id, first.player4Id, first.player5Id].sort(
    (a, b) => a - b,
  );
  const stats = first.stats as { MIN: number; PTS: number; GP: number };
  const { rows } = await db.pool.query(
    `SELECT gp, minutes::float8 AS minutes, pts::float8 AS pts FROM nba.lineup_stats_season
      WHERE team_id = $1 AND player_ids = $2 AND per_mode = 'PerGame'`,
    [team, ids],
  );
  t.deepEqual(rows, [{ gp: stats.GP, minutes: stats.MIN, pts: stats.PTS }]);
  const sameAdvanced = advanced.find((row) =>
    [row.player1Id, row.player2Id, row.player3Id, row.player4Id, row.player5Id]
      .sort((a, b) => a - b)
      .every((id, index) => id === ids[index]),
  );
  const net = (sameAdvanced?.stats as { NET_RATING: number } | undefined)?.NET_RATING;
  const totals = await db.pool.query(
    `SELECT net_rating::float8 AS net FROM nba.lineup_stats_season
      WHERE team_id = $1 AND player_ids = $2 AND per_mode = 'Totals'`,
    [team, ids],
  );
  t.deepEqual(totals.rows, [{ net }]);
});

test.serial(
  'verify passes; a second run makes no season-lineup calls while no new game is final',
  async (t) => {
    const report = await verify(db.pool, {
      season: '2025-26',
      seasonType: 'Regular Season',
      datasets: [seasonLineups],
    });
    t.deepEqual(
      report.checks.filter((check) => check.status === 'fail'),
      [],
    );
    t.true(
      report.checks.some((check) => check.name === 'season_lineups.team_scoped' && check.status === 'pass'),
    );
    replica.resetStats();
    const summary = await runTestBackfill({ pool: db.pool, replica, options: { datasets: [seasonLineups] } });
    t.like(summary.datasets[0], { gamesSkipped: teams.length, calls: 0 });
    t.deepEqual(
      replica.stats().calls.filter((call) => call.endpoint.startsWith('querytool-')),
      [],
    );
  },
);

test('a payload holding a team that was not requested fails its whole batch, never stores it', async (t) => {
  const [requested, , , , , , , , , , foreign] = teams;
  if (requested === undefined || foreign === undefined) return t.fail('fewer than 11 teams');
  const base = teamSeasonLineupRows(season, replica.seed, requested, { measure: 'Base', perMode: 'Totals' });
  const intruder = teamSeasonLineupRows(season, replica.seed, foreign, {
    measure: 'Base',
    perMode: 'Totals',
  });
  await mkdir(join(fixtures, 'querytool-season-lineups-Base'), { recursive: true });
  await writeFile(
    join(fixtures, 'querytool-season-lineups-Base', `${requested}.json`),
    JSON.stringify([...base, ...intruder.slice(0, 1)]),
  );
  const withFixtures = await startTestReplica({ fixturesDir: fixtures });
  t.teardown(() => withFixtures.close());
  const database = await createTestDatabase();
  databases.push(database);

  const summary = await runTestBackfill({
    pool: database.pool,
    replica: withFixtures,
    options: { datasets: [seasonLineups] },
  });

  const firstBatch = teams.slice(0, 10);
  t.like(summary.datasets[0], {
    gamesLoaded: teams.length - firstBatch.length,
    gamesFailed: firstBatch.length,
    failures: { unrequested_team: firstBatch.length },
  });
  t.is(summary.exitCode, 65);
  const coverage = await database.pool.query<{ team_id: number; status: string; reason: string | null }>(
    `SELECT team_id, status, reason FROM nba_ingest.team_coverage ORDER BY team_id`,
  );
  t.deepEqual(
    coverage.rows.filter((row) => row.status === 'failed'),
    firstBatch.map((team) => ({ team_id: team, status: 'failed', reason: 'unrequested_team' })),
  );
  const stored = await database.pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM nba.lineup_stats_season WHERE team_id = ANY($1::int[])',
    [firstBatch],
  );
  t.deepEqual(stored.rows, [{ n: 0 }]);
  const quarantined = await database.pool.query<{ reason: string }>(
    'SELECT DISTINCT reason FROM nba_ingest.quarantine ORDER BY reason',
  );
  t.deepEqual(quarantined.rows, [{ reason: 'unrequested_team' }]);
});

test('a refetch replaces a team’s lineups of the season: a lineup gone upstream goes, other seasons stay', async (t) => {
  const team = teams[1] as number;
  const rowsOf = (measure: 'Base' | 'Advanced') =>
    teamSeasonLineupRows(season, replica.seed, team, { measure, perMode: 'Totals' });
  const database = await createTestDatabase();
  databases.push(database);
  const first = await runTestBackfill({
    pool: database.pool,
    replica,
    options: { datasets: [seasonLineups] },
  });
  t.is(first.exitCode, 0);
  // A row of another season of the same team, which no 2025-26 load may touch.
  await database.pool.query(
    `INSERT INTO nba.lineup_stats_season (season_label, season_type, season_year, team_id, player_ids, per_mode, stats_json)
     SELECT '2024-25', season_type, 2024, team_id, player_ids, per_mode, stats_json FROM nba.lineup_stats_season
      WHERE team_id = $1 AND per_mode = 'Totals' LIMIT 1`,
    [team],
  );
  const count = async (label: string) =>
    (
      await database.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM nba.lineup_stats_season WHERE team_id = $1 AND season_label = $2',
        [team, label],
      )
    ).rows[0]?.n;
  const before = await count('2025-26');
  // Upstream drops the team's first lineup: served for every PerMode without it.
  const withMinutes = (measure: 'Base' | 'Advanced') => rowsOf(measure).filter((_, index) => index > 0);
  const own = await mkdtemp(join(tmpdir(), 'nba-season-lineups-refetch-'));
  for (const measure of ['Base', 'Advanced'] as const) {
    await mkdir(join(own, `querytool-season-lineups-${measure}`), { recursive: true });
    await writeFile(
      join(own, `querytool-season-lineups-${measure}`, `${team}.json`),
      JSON.stringify(withMinutes(measure)),
    );
  }
  const withFixtures = await startTestReplica({ fixturesDir: own });
  t.teardown(async () => {
    await withFixtures.close();
    await rm(own, { recursive: true, force: true });
  });

  const refetch = await runTestBackfill({
    pool: database.pool,
    replica: withFixtures,
    options: { datasets: [seasonLineups], fullRefresh: true },
  });

  t.is(refetch.exitCode, 0);
  const served = withMinutes('Base').filter((row) => (row.stats as { MIN: number }).MIN > 0).length;
  t.is(await count('2025-26'), served * 4);
  t.true(served * 4 < (before ?? 0));
  t.is(await count('2024-25'), 1);
});
