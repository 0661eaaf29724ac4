// Splitting on the API's limits: a caller-side cap of 5,000 rows forces truncation splits, and a
// batch of 400 game ids exceeds the request-line limit (414). Either way the table must come out
// identical to a default run, and no committed response may have reached the truncation threshold.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, shotChartChecksum, startTestReplica, testSkeleton } from '../support/pipeline.ts';

let replica: Replica;
const databases: TestDatabase[] = [];
let reference: { rows: number; checksum: string };

test.before(async () => {
  replica = await startTestReplica();
  const db = await createTestDatabase();
  databases.push(db);
  const summary = await runTestBackfill({ pool: db.pool, replica });
  if (summary.exitCode !== 0) throw new Error(`the default run failed: ${JSON.stringify(summary.datasets)}`);
  reference = await shotChartChecksum(db.pool);
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((db) => db.drop()));
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  databases.push(db);
  return db;
}

test('with MaxRowsReturned 5000 and batches of 50 the table is identical and splits are recorded', async (t) => {
  const db = await freshDatabase();
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { maxRowsReturned: 5_000, batchSize: 50 },
  });

  t.is(summary.exitCode, 0);
  t.deepEqual(await shotChartChecksum(db.pool), reference);
  t.is(reference.rows, skeletonTotals(testSkeleton()).fga);
  const splits = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' AND truncated AND action = 'split' AND max_rows = 5000`,
  );
  t.true((splits.rows[0]?.n ?? 0) > 0);
  t.is(summary.datasets[0]?.splits, splits.rows[0]?.n);
  // Every committed (accepted) response stayed below 99% of the cap sent.
  const reached = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' AND action = 'accepted' AND rows_returned >= 4950`,
  );
  t.is(reached.rows[0]?.n, 0);
});

test('a batch planned with 400 game ids is split after a 414 and completes', async (t) => {
  const db = await freshDatabase();
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { batchSize: 400 } });

  t.is(summary.exitCode, 0);
  t.deepEqual(await shotChartChecksum(db.pool), reference);
  const tooLong = await db.pool.query<{ game_count: number; action: string; error_kind: string }>(
    `SELECT game_count, action, error_kind FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' AND status = 414 ORDER BY request_id`,
  );
  t.true(tooLong.rows.length > 0);
  t.true(
    tooLong.rows.every((row) => row.game_count >= 320 && row.action === 'split' && row.error_kind === 'size'),
  );
  t.true(tooLong.rows.some((row) => row.game_count === 400));
});

test('a single game whose answer is still truncated fails visibly and is not covered', async (t) => {
  const db = await freshDatabase();
  const game = testSkeleton().games[0];
  if (!game) throw new Error('empty skeleton');
  // A cap of 100 rows truncates any one game's ~180 shots: it cannot be split by GameId.
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { maxRowsReturned: 100, gameIds: [game.id as never] },
  });

  t.is(summary.exitCode, 65);
  t.deepEqual(summary.datasets[0]?.failures, { truncated_unsplittable: 1 });
  const coverage = await db.pool.query(`SELECT status, reason FROM nba_ingest.coverage WHERE game_id = $1`, [
    game.id,
  ]);
  t.deepEqual(coverage.rows, [{ status: 'failed', reason: 'truncated_unsplittable' }]);
  const rows = await db.pool.query(`SELECT 1 FROM nba.shot_chart WHERE game_id = $1`, [game.id]);
  t.is(rows.rowCount, 0);
  const quarantine = await db.pool.query(`SELECT reason FROM nba_ingest.quarantine WHERE game_id = $1`, [
    game.id,
  ]);
  t.deepEqual(quarantine.rows, [{ reason: 'truncated_unsplittable' }]);
});

test('a dry run fetches and checks the games but writes no data, coverage or run', async (t) => {
  const db = await freshDatabase();
  const games = testSkeleton()
    .games.slice(0, 5)
    .map((game) => game.id as never);
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { dryRun: true, gameIds: games },
  });

  t.is(summary.exitCode, 0);
  t.is(summary.runId, null);
  t.is(summary.datasets[0]?.gamesLoaded, 5);
  t.true((summary.datasets[0]?.rows ?? 0) > 0);
  const counts = await db.pool.query<{
    shots: number;
    coverage: number;
    runs: number;
    requests: number;
    games: number;
  }>(
    `SELECT (SELECT count(*) FROM nba.shot_chart)::int AS shots, (SELECT count(*) FROM nba_ingest.coverage)::int AS coverage,
            (SELECT count(*) FROM nba_ingest.runs)::int AS runs, (SELECT count(*) FROM nba_ingest.requests)::int AS requests,
            (SELECT count(*) FROM nba.games)::int AS games`,
  );
  t.deepEqual(counts.rows[0], { shots: 0, coverage: 0, runs: 0, requests: 0, games: 0 });
});

test('--since and --until load only the final games of those league days', async (t) => {
  const db = await freshDatabase();
  const days = [...new Set(testSkeleton().games.map((game) => game.date))].sort().slice(1, 3);
  const expected = testSkeleton().games.filter((game) => days.includes(game.date));
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { since: days[0], until: days[1] },
  });

  t.is(summary.exitCode, 0);
  t.is(summary.finalGames, expected.length);
  const loaded = await db.pool.query<{ game_id: string }>(
    `SELECT DISTINCT game_id FROM nba.shot_chart ORDER BY game_id`,
  );
  t.deepEqual(
    loaded.rows.map((row) => row.game_id),
    expected.map((game) => game.id).sort(),
  );
});
