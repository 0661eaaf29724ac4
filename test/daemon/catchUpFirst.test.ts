// Beside the polls the daemon loads finals it missed before it re-fetches games it already holds: a
// game with no rows comes before a stat correction. Yesterday's games are loaded and due for their
// settle re-fetch when the daemon starts; the day before's, off the boards, were never loaded.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { markIngested, recordFinals } from '../../src/sinks/finals.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import { allLoaded, PER_GAME, replicaAfterSecondDay, startTestDaemon, waitFor } from '../support/daemon.ts';
import { withTestDatabase } from '../support/database.ts';
import { runTestBackfill } from '../support/pipeline.ts';

const db = withTestDatabase(test);
const datasets = PER_GAME.map((name) => DATASETS.get(name)).filter((dataset) => dataset !== undefined);
let replica: Replica;

test.after.always(async () => {
  await replica?.close();
});

test('missed finals are caught up on before the settle re-fetches of loaded games', async (t) => {
  const setup = await replicaAfterSecondDay(5);
  replica = setup.replica;
  const { yesterday, finals } = setup;
  const missed = finals.filter((id) => !yesterday.includes(id)).sort();
  const clock = replica.clock;
  if (!clock || missed.length === 0) throw new Error('a clock and a first day of finals expected');
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { datasets, gameIds: yesterday as never },
  });
  t.is(summary.exitCode, 0);
  for (const id of yesterday) await recordFinals(db.pool, [id], clock.finalAt(id) as Date);
  await markIngested(db.pool, yesterday);

  const daemon = await startTestDaemon(db.pool, replica, {
    poll: '300ms',
    settle: '3h,24h',
    datasets: PER_GAME.join(','),
  });
  const backgroundRuns = async () => {
    const { rows } = await db.pool.query<{ mode: string; outcome: string; game_ids: string[] }>(
      `SELECT mode, outcome, ARRAY(SELECT jsonb_array_elements_text(args->'gameIds') ORDER BY 1) AS game_ids
       FROM nba_ingest.runs WHERE mode IN ('daemon_catch_up', 'daemon_refetch') ORDER BY run_id`,
    );
    return rows;
  };
  try {
    await waitFor(
      'a catch-up and a re-fetch run ended',
      async () => {
        const runs = await backgroundRuns();
        return new Set(runs.filter((run) => run.outcome !== 'running').map((run) => run.mode)).size === 2;
      },
      120_000,
      100,
    );
  } finally {
    daemon.stop();
    await daemon.done;
  }
  const runs = await backgroundRuns();
  t.deepEqual(
    runs.map((run) => [run.mode, run.outcome, run.game_ids]),
    [
      ['daemon_catch_up', 'succeeded', missed],
      ['daemon_refetch', 'succeeded', [...yesterday].sort()],
    ],
  );
  t.true(await allLoaded(db.pool, finals));
});
