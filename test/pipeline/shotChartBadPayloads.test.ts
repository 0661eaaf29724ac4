// Broken answers served through the replica's fixtures directory: a bare {} or an HTML page with
// status 200 is an upstream error, never "zero rows"; rows of another game are dropped. The games
// affected fail visibly, every other game of the run loads.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import type { GameId } from '../../src/gameId.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, testSkeleton } from '../support/pipeline.ts';

const FIELD_GOALS = 'querytool-event-player-FieldGoals';
let fixtures: string;
let replica: Replica;
const databases: TestDatabase[] = [];
const games = testSkeleton()
  .games.slice(0, 6)
  .map((game) => game.id as GameId);
const [emptyGame, htmlGame, foreignGame, ...cleanGames] = games;

test.before(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'nba-fixtures-'));
  await mkdir(join(fixtures, FIELD_GOALS));
  await writeFile(join(fixtures, FIELD_GOALS, `${emptyGame}.json`), '{}');
  await writeFile(
    join(fixtures, FIELD_GOALS, `${htmlGame}.json`),
    '<html><body>Service Unavailable</body></html>',
  );
  // The foreign game's rows are replaced by one row that claims to be another game.
  const stray = { gameId: '0022599999', eventNumber: '1', playerId: 1, period: 1, stats: { FGM: 0, FG3: 0 } };
  await writeFile(join(fixtures, FIELD_GOALS, `${foreignGame}.json`), JSON.stringify([stray]));
  replica = await startTestReplica({ fixturesDir: fixtures });
});
test.after.always(async () => {
  await replica?.close();
  await Promise.all(databases.map((db) => db.drop()));
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

test('a bare {} or an HTML page with 200 fails only its own game; rows of another game are dropped', async (t) => {
  const db = await createTestDatabase();
  databases.push(db);
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { gameIds: games, batchSize: 6 },
  });

  const shot = summary.datasets[0];
  t.is(shot?.gamesLoaded, cleanGames.length);
  t.is(shot?.droppedUnrequested, 1);
  t.deepEqual(shot?.failures, {
    no_rows_for_final_game: 1,
    persistent_empty_envelope_unsplittable: 1,
    persistent_html_body_unsplittable: 1,
  });
  // The foreign game came back with no rows of its own: suspect, so failed rather than covered.
  const coverage = await db.pool.query<{ game_id: string; status: string; reason: string | null }>(
    `SELECT game_id, status, reason FROM nba_ingest.coverage ORDER BY game_id`,
  );
  const byGame = new Map(coverage.rows.map((row) => [row.game_id, [row.status, row.reason]]));
  t.deepEqual(byGame.get(emptyGame as string), ['failed', 'persistent_empty_envelope_unsplittable']);
  t.deepEqual(byGame.get(htmlGame as string), ['failed', 'persistent_html_body_unsplittable']);
  t.deepEqual(byGame.get(foreignGame as string), ['failed', 'no_rows_for_final_game']);
  for (const game of cleanGames) t.deepEqual(byGame.get(game), ['complete', null]);

  const totals = skeletonTotals(testSkeleton());
  const expected = totals.byGameTeam
    .filter((entry) => cleanGames.includes(entry.gameId as GameId))
    .reduce((sum, entry) => sum + entry.fga, 0);
  const stored = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM nba.shot_chart');
  t.is(stored.rows[0]?.n, expected);
  // A game answered with another game's rows is a data error, not a temporary failure.
  t.is(summary.exitCode, 65);
  const quarantined = await db.pool.query<{ reason: string }>(
    'SELECT reason FROM nba_ingest.quarantine ORDER BY reason',
  );
  t.deepEqual(
    quarantined.rows.map((row) => row.reason),
    [
      'no_rows_for_final_game',
      'persistent_empty_envelope_unsplittable',
      'persistent_html_body_unsplittable',
      'unrequested_game',
    ],
  );
});
