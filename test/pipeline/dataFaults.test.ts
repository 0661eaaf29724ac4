// Wrong 200 answers leave their trace where transport faults leave theirs: in the ledger, with the
// action taken. Rows of an unrequested game are dropped and the call marked quarantined; a renamed
// stats key is schema drift, not a NULL; a bare `{}` is retried; another game's payload is rejected.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import type { GameId } from '../../src/gameId.ts';
import { playByPlay } from '../../src/streams/playByPlay.ts';
import { shotChart } from '../../src/streams/shotChart.ts';
import { tracking } from '../../src/streams/tracking.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const games = testSkeleton()
  .games.filter((game) => game.status === 3)
  .slice(1, 4)
  .map((game) => game.id as GameId);

const replicas: Replica[] = [];
const databases: TestDatabase[] = [];
test.after.always(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await Promise.all(databases.map((db) => db.drop()));
});

async function faultyRun(
  key: string,
  kind: string,
  datasets: Parameters<typeof runTestBackfill>[0]['options'],
) {
  const replica = await startTestReplica({ faults: { [key]: { rates: { [kind]: 1 } } } });
  const db = await createTestDatabase();
  replicas.push(replica);
  databases.push(db);
  const summary = await runTestBackfill({ pool: db.pool, replica, options: { gameIds: games, ...datasets } });
  const ledger = await db.pool.query<{ action: string; reason: string | null; n: number }>(
    `SELECT action, reason, count(*)::int AS n FROM nba_ingest.requests
      WHERE dataset <> 'reference' GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  const coverage = await db.pool.query<{ status: string; reason: string | null; n: number }>(
    `SELECT status, reason, count(*)::int AS n FROM nba_ingest.coverage GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return { summary, db, replica, ledger: ledger.rows, coverage: coverage.rows };
}

test('rows of an unrequested game are dropped and the call is in the ledger as quarantined', async (t) => {
  const run = await faultyRun('querytool-event-player-FieldGoals', 'foreignGame', { datasets: [shotChart] });
  t.is(run.summary.exitCode, 0);
  t.deepEqual(run.coverage, [{ status: 'complete', reason: null, n: games.length }]);
  t.deepEqual(run.ledger, [
    { action: 'accepted', reason: null, n: 1 },
    { action: 'quarantined', reason: 'unrequested_game', n: 1 },
  ]);
  const stored = await run.db.pool.query<{ game_id: string }>(
    'SELECT DISTINCT game_id FROM nba.shot_chart ORDER BY game_id',
  );
  t.deepEqual(
    stored.rows.map((row) => row.game_id),
    [...games].sort(),
  );
});

test('a renamed stats key fails its games as schema_mismatch instead of storing NULL', async (t) => {
  const run = await faultyRun('querytool-game-player-Tracking', 'renamedStatsKey', { datasets: [tracking] });
  t.is(run.summary.exitCode, 65);
  t.deepEqual(run.coverage, [{ status: 'failed', reason: 'schema_mismatch', n: games.length }]);
  t.deepEqual(run.ledger, [{ action: 'quarantined', reason: 'schema_mismatch', n: 1 }]);
  const quarantine = await run.db.pool.query<{ detail: string }>(
    `SELECT detail FROM nba_ingest.quarantine WHERE reason = 'schema_mismatch' ORDER BY game_id LIMIT 1`,
  );
  t.regex(
    quarantine.rows[0]?.detail ?? '',
    /stats\.MIN is absent from every row and stats\.MIN_V2 is not declared/,
  );
  const rows = await run.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM nba.tracking_stats');
  t.is(rows.rows[0]?.n, 0);
});

test('a bare {} from a legacy endpoint is retried as an empty envelope, never parsed', async (t) => {
  const run = await faultyRun('stats-pbp', 'emptyBody', { datasets: [playByPlay], legacyConcurrency: 1 });
  t.is(run.summary.exitCode, 65);
  t.deepEqual(run.coverage, [{ status: 'failed', reason: 'empty_envelope', n: games.length }]);
  // FAST_RETRY: 4 attempts per game, the last one failed.
  t.deepEqual(run.ledger, [
    { action: 'failed', reason: 'empty_envelope', n: games.length },
    { action: 'retry', reason: 'empty_envelope', n: 3 * games.length },
  ]);
});

test('another game’s payload on a one-game endpoint fails the game and is in the ledger as quarantined', async (t) => {
  const run = await faultyRun('stats-pbp', 'foreignGame', { datasets: [playByPlay] });
  t.is(run.summary.exitCode, 65);
  t.deepEqual(run.coverage, [{ status: 'failed', reason: 'identity_mismatch', n: games.length }]);
  t.deepEqual(run.ledger, [{ action: 'quarantined', reason: 'identity_mismatch', n: games.length }]);
});
