// Rows whose game id is corrupt, served in a batch of several games: an id that lost its leading
// zeros is its own game's (that game fails), and an id that names no game there can be
// (0092500001) sends the batch back in halves until the row's game is the only one asked for.
// Before, each such game was stored complete with a row missing.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { skeletonTotals } from '../../replica/skeleton.ts';
import type { GameId } from '../../src/gameId.ts';
import { eventPlayerUrl, getJson } from '../replica/replicaTestKit.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runTestBackfill, startTestReplica, TEST_API_KEY, testSkeleton } from '../support/pipeline.ts';

const FIELD_GOALS = 'querytool-event-player-FieldGoals';
const games = testSkeleton()
  .games.filter((game) => game.status === 3)
  .map((game) => game.id as GameId)
  .sort()
  .slice(0, 4);
const [numberGame, corruptGame, ...cleanGames] = games as [GameId, GameId, ...GameId[]];
let fixtures: string;
let replica: Replica;
let db: TestDatabase;

/** The replica's own FieldGoals rows of one game, with the first row's game id replaced. */
async function rowsWithGameId(gameId: GameId, claimed: unknown): Promise<unknown[]> {
  const url = eventPlayerUrl(replica, 'FieldGoals', [gameId]);
  const { body } = await getJson<{ players: Record<string, unknown>[] }>(url, {
    'x-nba-api-key': TEST_API_KEY,
  });
  const rows = body.players;
  rows[0] = { ...rows[0], gameId: claimed };
  return rows;
}

test.before(async () => {
  fixtures = await mkdtemp(join(tmpdir(), 'nba-corrupt-ids-'));
  replica = await startTestReplica({ fixturesDir: fixtures });
  db = await createTestDatabase();
  const numbered = await rowsWithGameId(numberGame, Number(numberGame));
  const corrupt = await rowsWithGameId(corruptGame, `${corruptGame.slice(0, 2)}9${corruptGame.slice(3)}`);
  await mkdir(join(fixtures, FIELD_GOALS));
  await writeFile(join(fixtures, FIELD_GOALS, `${numberGame}.json`), JSON.stringify(numbered));
  await writeFile(join(fixtures, FIELD_GOALS, `${corruptGame}.json`), JSON.stringify(corrupt));
});
test.after.always(async () => {
  await replica?.close();
  await db?.drop();
  if (fixtures) await rm(fixtures, { recursive: true, force: true });
});

test('a corrupt game id fails its own game only; the other games of its batch load whole', async (t) => {
  const summary = await runTestBackfill({
    pool: db.pool,
    replica,
    options: { gameIds: games, batchSize: 4 },
  });
  t.is(summary.exitCode, 65);

  const coverage = await db.pool.query<{
    game_id: string;
    status: string;
    reason: string | null;
    row_count: number;
  }>('SELECT game_id, status, reason, row_count FROM nba_ingest.coverage ORDER BY game_id');
  const fga = (gameId: string) =>
    skeletonTotals(testSkeleton())
      .byGameTeam.filter((entry) => entry.gameId === gameId)
      .reduce((sum, entry) => sum + entry.fga, 0);
  t.deepEqual(
    coverage.rows,
    games.map((gameId) =>
      cleanGames.includes(gameId)
        ? { game_id: gameId, status: 'complete', reason: null, row_count: fga(gameId) }
        : { game_id: gameId, status: 'failed', reason: 'schema_mismatch', row_count: 0 },
    ),
  );
  const stored = await db.pool.query<{ game_id: string; n: number }>(
    'SELECT game_id, count(*)::int AS n FROM nba.shot_chart GROUP BY game_id ORDER BY game_id',
  );
  t.deepEqual(
    stored.rows,
    cleanGames.map((gameId) => ({ game_id: gameId, n: fga(gameId) })),
  );
  const quarantine = await db.pool.query<{ game_id: string | null; reason: string }>(
    'SELECT game_id, reason FROM nba_ingest.quarantine ORDER BY game_id',
  );
  t.deepEqual(quarantine.rows, [
    { game_id: numberGame, reason: 'schema_mismatch' },
    { game_id: corruptGame, reason: 'schema_mismatch' },
  ]);
  // The batch of 4 (whose rows could not all be attributed) went back as 2 + 2, then the half with
  // the corrupt id as 1 + 1; every FieldGoals request is in the ledger.
  // The two answers thrown away for their halves are recorded as split; the bad games' own answers
  // as quarantined.
  const requests = await db.pool.query<{ game_count: number; first_game_id: string; action: string }>(
    `SELECT game_count, first_game_id, action FROM nba_ingest.requests
      WHERE measure = 'FieldGoals' ORDER BY request_id`,
  );
  t.deepEqual(
    requests.rows.map((row) => [row.game_count, row.first_game_id, row.action]),
    [
      [4, games[0], 'split'],
      [2, games[0], 'split'],
      [1, games[0], 'quarantined'],
      [1, games[1], 'quarantined'],
      [2, games[2], 'accepted'],
    ],
  );
});
