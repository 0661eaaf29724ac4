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
