import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill, shotChartChecksum, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const db = withTestDatabase(test);
let replica: Replica;
test.before(async () => {
  replica = await startTestReplica();
});
test.after.always(async () => {
  await replica?.close();
});

test.serial('a season backfill loads every field-goal attempt of every final game', async (t) => {
  const skeleton = testSkeleton();
  const totals = skeletonTotals(skeleton);
  const summary = await runTestBackfill({ pool: db.pool, replica });

  t.is(summary.exitCode, 0);
  t.is(summary.finalGames, totals.games);
  const { rows } = await shotChartChecksum(db.pool);
  t.is(rows, totals.fga);
  if (skeleton.source === 'real') {
    t.is(totals.games, 844);
    t.is(rows, 150_670);
  }
  const shot = summary.datasets[0];
  t.is(shot?.gamesLoaded, totals.games);
  t.is(shot?.rows, totals.fga);
  t.is(shot?.gamesFailed, 0);
});

test.serial('every game and team has exactly its box-score FGA, FGM, FG3A and FG3M', async (t) => {
  const totals = skeletonTotals(testSkeleton());
  const { rows } = await db.pool.query<{ key: string; fga: number; fgm: number; fg3a: number; fg3m: number }>(
    `SELECT game_id || ':' || team_id AS key, count(*)::int AS fga, (count(*) FILTER (WHERE shot_made))::int AS fgm,
            (count(*) FILTER (WHERE is_three))::int AS fg3a, (count(*) FILTER (WHERE is_three AND shot_made))::int AS fg3m
       FROM nba.shot_chart GROUP BY game_id, team_id`,
  );
  const loaded = new Map(rows.map((row) => [row.key, row]));
  t.is(loaded.size, totals.byGameTeam.length);
  const wrong = totals.byGameTeam.filter((expected) => {
    const got = loaded.get(`${expected.gameId}:${expected.teamId}`);
    return (
      got?.fga !== expected.fga ||
      got.fgm !== expected.fgm ||
      got.fg3a !== expected.fg3a ||
      got.fg3m !== expected.fg3m
    );
  });
  t.deepEqual(wrong, []);
});

test.serial('every final game has complete coverage with its row count, in the same run', async (t) => {
  const totals = skeletonTotals(testSkeleton());
  const { rows } = await db.pool.query<{ status: string; games: number; rows: number; runs: number }>(
    `SELECT c.status, count(*)::int AS games, sum(c.row_count)::int AS rows, count(DISTINCT c.run_id)::int AS runs
       FROM nba_ingest.coverage c WHERE c.dataset = 'shot_chart' GROUP BY c.status`,
  );
  t.deepEqual(rows, [{ status: 'complete', games: totals.games, rows: totals.fga, runs: 1 }]);
  const mismatched = await db.pool.query(
    `SELECT c.game_id FROM nba_ingest.coverage c
       LEFT JOIN (SELECT game_id, count(*)::int AS n FROM nba.shot_chart GROUP BY game_id) s USING (game_id)
      WHERE c.dataset = 'shot_chart' AND c.row_count IS DISTINCT FROM s.n`,
  );
  t.is(mismatched.rowCount, 0);
});

test.serial('a second run makes no shot-chart calls and changes no row', async (t) => {
  const before = await shotChartChecksum(db.pool);
  const stamp = await db.pool.query<{ latest: Date }>('SELECT max(updated_at) AS latest FROM nba.shot_chart');
  replica.resetStats();

  const summary = await runTestBackfill({ pool: db.pool, replica });

  t.is(summary.exitCode, 0);
  t.is(summary.datasets[0]?.calls, 0);
  t.is(summary.datasets[0]?.gamesSkipped, testSkeleton().games.length);
  const eventCalls = replica.stats().calls.filter((call) => call.endpoint.includes('event'));
  t.deepEqual(eventCalls, []);
  t.deepEqual(await shotChartChecksum(db.pool), before);
  const after = await db.pool.query<{ latest: Date }>('SELECT max(updated_at) AS latest FROM nba.shot_chart');
  t.deepEqual(after.rows[0]?.latest, stamp.rows[0]?.latest);
});

test.serial('a full refresh fetches again but rewrites no unchanged row', async (t) => {
  const before = await shotChartChecksum(db.pool);
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { fullRefresh: true } });
  t.is(summary.exitCode, 0);
  t.is(summary.datasets[0]?.rowsInserted, 0);
  t.is(summary.datasets[0]?.rowsUpdated, 0);
  t.is(summary.datasets[0]?.rowsUnchanged, before.rows);
  t.deepEqual(await shotChartChecksum(db.pool), before);
});

test.serial('the run is recorded with its summary and one ledger row per upstream call', async (t) => {
  const runs = await db.pool.query<{
    outcome: string;
    exit_code: number;
    calls: number;
    reference: number;
    shots: number;
  }>(
    `SELECT outcome, exit_code, (summary->>'calls')::int AS calls, (summary->>'referenceCalls')::int AS reference,
            (summary->'datasets'->0->>'calls')::int AS shots
       FROM nba_ingest.runs ORDER BY run_id`,
  );
  t.is(runs.rows.length, 3);
  t.true(runs.rows.every((run) => run.outcome === 'succeeded' && run.exit_code === 0));
  const first = runs.rows[0];
  t.is(first?.reference, 3);
  t.is(first?.calls, (first?.reference ?? 0) + (first?.shots ?? 0));
  const ledger = await db.pool.query<{ dataset: string; n: number }>(
    `SELECT dataset, count(*)::int AS n FROM nba_ingest.requests WHERE run_id = 1 GROUP BY dataset ORDER BY dataset`,
  );
  t.deepEqual(ledger.rows, [
    { dataset: 'reference', n: 3 },
    { dataset: 'shot_chart', n: first?.shots },
  ]);
  const accepted = await db.pool.query<{ measure: string; games: number }>(
    `SELECT measure, sum(game_count)::int AS games FROM nba_ingest.requests
      WHERE run_id = 1 AND action = 'accepted' AND dataset = 'shot_chart' GROUP BY measure ORDER BY measure`,
  );
  const games = testSkeleton().games.length;
  t.deepEqual(accepted.rows, [
    { measure: 'FieldGoals', games },
    { measure: 'TrackingShots', games },
  ]);
});
