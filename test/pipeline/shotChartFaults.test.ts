// A flaky API loses nothing: with 10% of shot-chart calls answered by 429, 500, 503, 504 or a
// connection reset, the final table is identical to a fault-free run, and every fault is in the ledger.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, shotChartChecksum, startTestReplica } from '../support/pipeline.ts';

const databases: TestDatabase[] = [];
const replicas: Replica[] = [];
test.after.always(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await Promise.all(databases.map((db) => db.drop()));
});

test('with 10% injected 429/500/503/504/reset faults the table checksum equals the fault-free run', async (t) => {
  const clean = await startTestReplica();
  const flaky = await startTestReplica({
    faults: {
      'querytool-event-player': {
        rates: { '429': 0.02, '500': 0.02, '503': 0.02, '504': 0.02, reset: 0.02 },
        seed: 7,
      },
    },
  });
  replicas.push(clean, flaky);
  const [cleanDb, flakyDb] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  databases.push(cleanDb, flakyDb);

  const [cleanRun, flakyRun] = await Promise.all([
    runTestBackfill({ pool: cleanDb.pool, replica: clean, options: { batchSize: 25 } }),
    runTestBackfill({ pool: flakyDb.pool, replica: flaky, options: { batchSize: 25 } }),
  ]);

  t.is(cleanRun.exitCode, 0);
  t.is(flakyRun.exitCode, 0);
  const injected = flaky.stats().faults;
  const injectedCount = Object.values(injected).reduce((sum, n) => sum + (n ?? 0), 0);
  t.true(injectedCount > 0, 'the replica injected faults');
  t.deepEqual(await shotChartChecksum(flakyDb.pool), await shotChartChecksum(cleanDb.pool));

  const ledger = await flakyDb.pool.query<{ kind: string; n: number }>(
    `SELECT coalesce(error_kind, 'ok') AS kind, count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset = 'shot_chart' GROUP BY 1 ORDER BY 1`,
  );
  const failedAttempts = ledger.rows.filter((row) => row.kind !== 'ok').reduce((sum, row) => sum + row.n, 0);
  t.is(failedAttempts, injectedCount);
  t.is(flakyRun.datasets[0]?.gamesFailed, 0);
});
