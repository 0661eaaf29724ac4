// The batch planner on the whole test season: it loads exactly what fixed batches of 50 load, never
// commits a response at the truncation threshold, and reaches the call floor ⌈FGA / 9,899⌉ (+1 at
// most): 16 FieldGoals calls on the real 2025-26 season, where fixed batches of 50 take 17.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import type { EstimateReport } from '../../src/streams/batchPlanner.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, shotChartChecksum, startTestReplica, testSkeleton } from '../support/pipeline.ts';

let replica: Replica;
const databases: TestDatabase[] = [];
test.before(async () => {
  replica = await startTestReplica();
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

const real = testSkeleton().source === 'real';

test('a planner backfill loads the fixed-50 checksum with at most ⌈FGA / 9899⌉ + 1 FieldGoals calls', async (t) => {
  const [plannerDb, fixedDb] = await Promise.all([freshDatabase(), freshDatabase()]);
  const planner = await runTestBackfill({ pool: plannerDb.pool, replica });
  const fixed = await runTestBackfill({
    pool: fixedDb.pool,
    replica,
    options: { batchPolicy: 'fixed' },
  });

  t.is(planner.exitCode, 0);
  t.is(fixed.exitCode, 0);
  const checksum = await shotChartChecksum(plannerDb.pool);
  t.deepEqual(checksum, await shotChartChecksum(fixedDb.pool));
  const totals = skeletonTotals(testSkeleton());
  t.is(checksum.rows, totals.fga);

  const floor = Math.ceil(totals.fga / 9_899);
  const calls = planner.datasets[0]?.callsByMeasure ?? {};
  t.true(
    (calls.FieldGoals ?? Number.POSITIVE_INFINITY) <= floor + 1,
    `FieldGoals ${calls.FieldGoals} > ${floor} + 1`,
  );
  t.is(calls.TrackingShots, calls.FieldGoals);
  t.is(planner.datasets[0]?.splits, 0);
  if (real) {
    t.is(floor, 16);
    t.deepEqual(calls, { FieldGoals: 16, TrackingShots: 16 });
    t.deepEqual(fixed.datasets[0]?.callsByMeasure, { FieldGoals: 17, TrackingShots: 17 });
  } else {
    t.deepEqual(fixed.datasets[0]?.callsByMeasure, {
      FieldGoals: Math.ceil(totals.games / 50),
      TrackingShots: Math.ceil(totals.games / 50),
    });
  }

  const reached = await plannerDb.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' AND action = 'accepted' AND rows_returned >= 9900`,
  );
  t.is(reached.rows[0]?.n, 0);
  const covered = await plannerDb.pool.query<{ games: number; rows: number }>(
    `SELECT count(*)::int AS games, coalesce(sum(row_count), 0)::int AS rows
       FROM nba_ingest.coverage WHERE status = 'complete'`,
  );
  t.deepEqual(covered.rows[0], { games: totals.games, rows: totals.fga });
});

test('the run telemetry records the policy and the final estimates per endpoint and measure', async (t) => {
  const db = await freshDatabase();
  const summary = await runTestBackfill({ pool: db.pool, replica });
  t.is(summary.exitCode, 0);
  const { rows } = await db.pool.query<{ policy: string; estimates: Record<string, EstimateReport> }>(
    `SELECT telemetry->>'batchPolicy' AS policy, telemetry->'estimates' AS estimates FROM nba_ingest.runs`,
  );
  t.is(rows.length, 1);
  t.is(rows[0]?.policy, 'planner');
  const estimates = rows[0]?.estimates ?? {};
  t.deepEqual(Object.keys(estimates).sort(), [
    '/api/querytool/event/player FieldGoals',
    '/api/querytool/event/player TrackingShots',
  ]);
  const calls = summary.datasets[0]?.callsByMeasure.FieldGoals;
  t.is(estimates['/api/querytool/event/player FieldGoals']?.responses, calls);
  const totals = skeletonTotals(testSkeleton());
  const fieldGoals = estimates['/api/querytool/event/player FieldGoals'];
  // An EWMA of batch means stays within a few rows of the season's mean.
  t.true(
    Math.abs((fieldGoals?.rowsPerGame ?? 0) - totals.fga / totals.games) < 3,
    `${fieldGoals?.rowsPerGame}`,
  );
  t.is(fieldGoals?.truncations, 0);
  t.is(fieldGoals?.costLimit, null);
});
