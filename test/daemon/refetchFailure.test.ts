// A settle re-fetch that fails is not a re-fetch done: the game's count stays, and the daemon asks
// again 5 minutes later, not on every poll.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { easternInstant, firstGameDays, ingestedGames, startTestDaemon, waitFor } from '../support/daemon.ts';
import { withTestDatabase } from '../support/database.ts';
import { startTestReplica, testSkeleton } from '../support/pipeline.ts';

const db = withTestDatabase(test);

test('a failed settle re-fetch is not counted and not repeated on every poll', async (t) => {
  const skeleton = testSkeleton();
  const days = firstGameDays(skeleton, 3);
  const game = skeleton.games.find((candidate) => candidate.date === days[1] && candidate.status === 3);
  if (!game) throw new Error('no game on the second day');
  const fixtures = await mkdtemp(join(tmpdir(), 'nba-refetch-'));
  await mkdir(join(fixtures, 'stats-boxscore'));
  const replica = await startTestReplica({
    clock: { start: easternInstant(days[2] as string, '12:00:00'), speed: 1 },
    fixturesDir: fixtures,
  });
  const daemon = await startTestDaemon(db.pool, replica, {
    poll: '200ms',
    settle: '4s',
    datasets: 'boxscore_traditional',
  });
  const refetches = async () => {
    const { rows } = await db.pool.query<{ refetches: number }>(
      'SELECT refetches FROM nba_ingest.finals WHERE game_id = $1',
      [game.id],
    );
    return rows[0]?.refetches;
  };
  const refetchRuns = async () => {
    const { rows } = await db.pool.query<{ outcome: string }>(
      `SELECT outcome FROM nba_ingest.runs
       WHERE mode = 'daemon_refetch' AND args->'gameIds' ? $1 ORDER BY run_id`,
      [game.id],
    );
    return rows.map((row) => row.outcome);
  };
  try {
    await waitFor('the game ingested', async () => (await ingestedGames(db.pool)).has(game.id), 60_000, 50);
    t.is(await refetches(), 0);
    // Upstream breaks the game's box score before its re-fetch is due.
    await writeFile(join(fixtures, 'stats-boxscore', `${game.id}.json`), '{}');
    await waitFor(
      'the failed re-fetch',
      async () => (await refetchRuns()).some((outcome) => outcome !== 'running'),
      60_000,
      50,
    );
    t.deepEqual(await refetchRuns(), ['partial']);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    t.is(await refetches(), 0, 'a failed re-fetch is not counted');
    t.deepEqual(await refetchRuns(), ['partial'], 'not asked again on every poll');
  } finally {
    daemon.stop();
    await daemon.done;
    await replica.close();
    await rm(fixtures, { recursive: true, force: true });
  }
});
