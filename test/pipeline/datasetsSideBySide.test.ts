// Datasets of one run are fetched side by side — one pool of batch slots taking turns between them —
// under the one client-side rate limiter: their calls interleave, and no two calls to the host are
// closer than 1/rate however many batches are in flight.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import type { GameId } from '../../src/gameId.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { tracking } from '../../src/streams/tracking.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

/** Enough games for several shot-chart batches and one tracking batch. */
const games = testSkeleton()
  .games.filter((game) => game.status === 3)
  .slice(0, 160)
  .map((game) => game.id as GameId);

const db = withTestDatabase(test);
let replica: Replica;
test.before(async () => {
  replica = await startTestReplica();
});
test.after.always(async () => {
  await replica?.close();
});

test('two datasets run side by side under one shared limit of 4 calls/s, burst 1', async (t) => {
  const rate = 4;
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    rate,
    burst: 1,
    options: { datasets: [shotChart, tracking], concurrency: 4, gameIds: games },
  });
  t.is(summary.exitCode, 0);

  const { rows } = await db.pool.query<{ dataset: string; at: string }>(
    `SELECT dataset, (extract(epoch FROM requested_at) * 1000)::float8 AS at
       FROM nba_ingest.requests WHERE dataset <> 'reference' ORDER BY requested_at, request_id`,
  );
  const at = rows.map((row) => Number(row.at));
  const gaps = at.slice(1).map((time, index) => time - (at[index] as number));
  const closest = Math.min(...gaps);
  t.log(
    `${rows.length} Query Tool calls, closest two ${closest.toFixed(1)} ms apart (1/rate = ${1000 / rate} ms)`,
  );
  // Date has millisecond resolution: allow 2 ms of rounding.
  t.true(closest >= 1000 / rate - 2, `two calls ${closest} ms apart`);

  const span = (dataset: string) => {
    const times = rows.filter((row) => row.dataset === dataset).map((row) => Number(row.at));
    return [Math.min(...times), Math.max(...times)] as const;
  };
  const [shotsFirst, shotsLast] = span(shotChart.name);
  const [trackingFirst] = span(tracking.name);
  t.true(
    trackingFirst > shotsFirst && trackingFirst < shotsLast,
    'tracking started while the shot chart was still being fetched',
  );
  const complete = await db.pool.query<{ dataset: string; n: number }>(
    `SELECT dataset, count(*)::int AS n FROM nba_ingest.coverage WHERE status = 'complete'
      GROUP BY dataset ORDER BY dataset`,
  );
  t.deepEqual(complete.rows, [
    { dataset: shotChart.name, n: games.length },
    { dataset: tracking.name, n: games.length },
  ]);
});
