// The hybrid box score's rule in the database: nba.boxscores_advanced holds exactly the traditional
// roster, whichever of the two datasets writes a game first, in one run or two, or at the same time.
import test from 'ava';
import type pg from 'pg';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import type { TableSpec } from '../../src/sinks/tableSpec.ts';
import { rowCountFacts } from '../../src/sinks/verifyQueries.ts';
import { advancedBox } from '../../src/streams/advancedBox.ts';
import { boxScoreTraditional } from '../../src/streams/boxScoreTraditional.ts';
import { withTestDatabase } from '../support/database.ts';
import { gamesSpec, playersSpec, teamsSpec } from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const HOME = 1610612739;
const AWAY = 1610612751;
const SEASON = { seasonLabel: '2025-26', seasonType: 'Regular Season' };
/** Players 1-6 of the home team; 1-4 played, 5 and 6 did not. */
const ROSTER = [1, 2, 3, 4, 5, 6];
const PLAYED = [1, 2, 3, 4];

const rowOf = (spec: TableSpec, values: Record<string, unknown>) =>
  spec.columns.map((column) => values[column.name] ?? null);

const coverage = (dataset: string, gameId: string, rowCount: number) => ({
  dataset,
  gameId,
  status: 'complete' as const,
  rowCount,
  contentHash: null,
  reason: null,
  fetchedAt: new Date(),
  runId: null,
});

let nextGame = 1;
async function game(pool: pg.Pool): Promise<string> {
  const gameId = `00225${String(nextGame++).padStart(5, '0')}`;
  await writeBatch(pool, {
    spec: gamesSpec,
    rows: [[gameId, '00', 2025, SEASON.seasonLabel, SEASON.seasonType, '2025-11-01', 3, HOME, AWAY]],
  });
  return gameId;
}

function traditional(pool: pg.Pool, gameId: string, roster: readonly number[], played = PLAYED) {
  const [spec] = boxScoreTraditional.tables;
  const rows = roster.map((nbaId) => {
    const didPlay = played.includes(nbaId);
    return rowOf(spec, {
      game_id: gameId,
      nba_id: nbaId,
      team_id: HOME,
      season_year: 2025,
      season_label: SEASON.seasonLabel,
      season_type: SEASON.seasonType,
      played: didPlay,
      minutes: didPlay ? 12 + nbaId : null,
      traditional_stats_json: {},
    });
  });
  return writeBatch(pool, {
    spec,
    rows,
    games: [gameId],
    coverage: [coverage(boxScoreTraditional.name, gameId, rows.length)],
    hooks: boxScoreTraditional.hooks,
  });
}

function advanced(pool: pg.Pool, gameId: string, played = PLAYED) {
  const spec = advancedBox.table;
  const rows = played.map((nbaId) =>
    rowOf(spec, {
      game_id: gameId,
      nba_id: nbaId,
      team_id: HOME,
      season_year: 2025,
      season_label: SEASON.seasonLabel,
      season_type: SEASON.seasonType,
      minutes: 12 + nbaId,
      off_rating: 110,
      is_placeholder: false,
      advanced_stats_json: { OFF_RATING: 110 },
    }),
  );
  return writeBatch(pool, {
    spec,
    rows,
    games: [gameId],
    coverage: [coverage(advancedBox.name, gameId, rows.length)],
    hooks: advancedBox.hooks,
  });
}

async function advancedRows(pool: pg.Pool, gameId: string) {
  const { rows } = await pool.query<{
    nba_id: number;
    is_placeholder: boolean;
    minutes: string | null;
    off_rating: string | null;
  }>(
    `SELECT nba_id, is_placeholder, minutes, off_rating FROM nba.boxscores_advanced
      WHERE game_id = $1 ORDER BY nba_id`,
    [gameId],
  );
  return rows;
}

test.before(async () => {
  await writeBatch(db.pool, {
    spec: teamsSpec,
    rows: [
      [HOME, 'Cavaliers', 'CLE'],
      [AWAY, 'Nets', 'BKN'],
    ],
  });
  await writeBatch(db.pool, { spec: playersSpec, rows: ROSTER.map((id) => [id, `Player ${id}`, HOME]) });
});

const expectedRoster = (placeholders: readonly number[]) =>
  ROSTER.map((nbaId) => ({ nba_id: nbaId, is_placeholder: placeholders.includes(nbaId) }));

test('traditional first, then advanced: the players who did not play get placeholders', async (t) => {
  const gameId = await game(db.pool);
  await traditional(db.pool, gameId, ROSTER);
  t.is((await advancedRows(db.pool, gameId)).length, 0, 'no placeholders before the advanced rows are in');
  await advanced(db.pool, gameId);
  const rows = await advancedRows(db.pool, gameId);
  t.like(rows, expectedRoster([5, 6]));
  // A placeholder carries the traditional minutes (none: he did not play) and no stats.
  t.like(rows[4], { minutes: null, off_rating: null });
  t.like(rows[0], { minutes: '13.00', off_rating: '110' });
});

test('advanced first, traditional in a later run: the placeholders appear then', async (t) => {
  const gameId = await game(db.pool);
  await advanced(db.pool, gameId);
  t.is((await advancedRows(db.pool, gameId)).length, PLAYED.length);
  await traditional(db.pool, gameId, ROSTER);
  t.like(await advancedRows(db.pool, gameId), expectedRoster([5, 6]));
  // Coverage counts the Query Tool's rows only, so verify's row counts still agree.
  const client = await db.pool.connect();
  try {
    const scope = { season: SEASON.seasonLabel, seasonType: SEASON.seasonType };
    const facts = await rowCountFacts(client, advancedBox.name, [advancedBox.table], scope);
    // Every covered game of the file (the tests run at once) has placeholders by now.
    t.true(facts.games >= 1);
    t.is(facts.mismatched, 0);
  } finally {
    client.release();
  }
});

test('both written at the same moment: every game still ends with the whole roster', async (t) => {
  const games = await Promise.all(Array.from({ length: 12 }, () => game(db.pool)));
  await Promise.all(
    games.flatMap((gameId) => [traditional(db.pool, gameId, ROSTER), advanced(db.pool, gameId)]),
  );
  for (const gameId of games) t.like(await advancedRows(db.pool, gameId), expectedRoster([5, 6]), gameId);
});

test('a refetch changes the roster: placeholders follow it, a real row replaces a placeholder', async (t) => {
  const gameId = await game(db.pool);
  await traditional(db.pool, gameId, ROSTER);
  await advanced(db.pool, gameId);
  // Player 6 leaves the roster; player 5 turns out to have played.
  await traditional(db.pool, gameId, [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]);
  t.like(await advancedRows(db.pool, gameId), [...expectedRoster([5]).slice(0, 5)]);
  t.is((await advancedRows(db.pool, gameId)).length, 5);
  await advanced(db.pool, gameId, [1, 2, 3, 4, 5]);
  t.like(await advancedRows(db.pool, gameId), expectedRoster([]).slice(0, 5));
});

test('refetching both datasets of covered games at once neither deadlocks nor churns placeholders', async (t) => {
  const games = await Promise.all(Array.from({ length: 12 }, () => game(db.pool)));
  for (const gameId of games) {
    await traditional(db.pool, gameId, ROSTER);
    await advanced(db.pool, gameId);
  }
  for (let round = 0; round < 3; round += 1) {
    await Promise.all(
      games.flatMap((gameId) => [traditional(db.pool, gameId, ROSTER), advanced(db.pool, gameId)]),
    );
  }
  for (const gameId of games) t.like(await advancedRows(db.pool, gameId), expectedRoster([5, 6]), gameId);
  // An unchanged refetch rewrites no placeholder: the advanced replacement leaves derived rows alone.
  const { rows } = await db.pool.query<{ stale: number }>(
    `SELECT count(*)::int AS stale FROM nba.boxscores_advanced
      WHERE game_id = ANY($1::text[]) AND is_placeholder AND updated_at <> created_at`,
    [games],
  );
  t.is(rows[0]?.stale, 0);
});

test("a placeholder follows the roster's minutes when the traditional box score is corrected", async (t) => {
  const gameId = await game(db.pool);
  await traditional(db.pool, gameId, ROSTER);
  await advanced(db.pool, gameId);
  // Player 5 turns out to have played a few minutes the Query Tool does not show (yet).
  await traditional(db.pool, gameId, ROSTER, [...PLAYED, 5]);
  const rows = await advancedRows(db.pool, gameId);
  t.like(rows[4], { nba_id: 5, is_placeholder: true, minutes: '17.00', off_rating: null });
});
