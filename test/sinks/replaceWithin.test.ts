// Scoped per-game replacement (`TableSpec.replaceWithin`): several declarations share one table, each
// replacing only its own scope of a game's rows — here the event-stream declarations of
// nba.querytool_events, one per event type — on a pool and on a single connection.
import test from 'ava';
import pg from 'pg';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import { loadPlanFor } from '../../src/sinks/loadPlan.ts';
import { checkTableSpec, type TableSpec } from '../../src/sinks/tableSpec.ts';
import { drives, passes } from '../../src/streams/queryToolEvents.ts';
import { withTestDatabase } from '../support/database.ts';
import { loadReference } from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const GAMES = ['0022500101', '0022500102', '0022500103', '0022500104', '0022500105'];
const [GAME_A = '', GAME_B = '', GAME_C = '', GAME_D = '', GAME_E = ''] = GAMES;

test.before(async () => {
  await loadReference(db.pool, GAMES);
});

/** A row of nba.querytool_events in declaration order; the event number doubles as the ordinal. */
function eventRow(spec: TableSpec, gameId: string, ordinal: number): unknown[] {
  const eventType = spec.replaceWithin?.event_type;
  return [
    gameId,
    eventType,
    ordinal,
    ordinal * 3,
    201939,
    1610612744,
    1,
    700 - ordinal,
    10 * ordinal,
    -5,
    { EVENT: eventType, N: ordinal },
    '2025-10-21',
    2025,
    '2025-26',
    'Regular Season',
  ];
}
const rows = (spec: TableSpec, gameId: string, ordinals: number[]) =>
  ordinals.map((ordinal) => eventRow(spec, gameId, ordinal));

/** `event_type:ordinal` of a game's rows, in key order. */
async function stored(gameId: string): Promise<string[]> {
  const result = await db.pool.query<{ row: string }>(
    `SELECT event_type || ':' || ordinal AS row FROM nba.querytool_events
      WHERE game_id = $1 ORDER BY event_type, ordinal`,
    [gameId],
  );
  return result.rows.map((row) => row.row);
}

const counts = ({ copyMs: _copy, mergeMs: _merge, ...rest }: Awaited<ReturnType<typeof writeBatch>>) => rest;
const none = { staged: 0, duplicates: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, placeholders: 0 };

test.serial("loading one event type for a game never deletes another type's rows of that game", async (t) => {
  await writeBatch(db.pool, {
    spec: passes.table,
    rows: rows(passes.table, GAME_A, [1, 2, 3]),
    games: [GAME_A],
  });
  const other = await writeBatch(db.pool, {
    spec: drives.table,
    rows: rows(drives.table, GAME_A, [1, 2]),
    games: [GAME_A],
  });
  t.deepEqual(counts(other), { ...none, staged: 2, inserted: 2 });
  // Without `games`, the games present in the batch are replaced: within the scope too.
  const implied = await writeBatch(db.pool, { spec: drives.table, rows: rows(drives.table, GAME_A, [1, 2]) });
  t.deepEqual(counts(implied), { ...none, staged: 2, unchanged: 2 });
  t.deepEqual(await stored(GAME_A), [
    'TrackingDrives:1',
    'TrackingDrives:2',
    'TrackingPasses:1',
    'TrackingPasses:2',
    'TrackingPasses:3',
  ]);
});

test.serial("a re-load of one type with fewer rows deletes that type's extra rows only", async (t) => {
  await writeBatch(db.pool, {
    spec: passes.table,
    rows: [...rows(passes.table, GAME_B, [1, 2, 3, 4]), ...rows(passes.table, GAME_C, [1, 2])],
  });
  await writeBatch(db.pool, { spec: drives.table, rows: rows(drives.table, GAME_B, [1, 2, 3]) });

  const listed = await writeBatch(db.pool, {
    spec: passes.table,
    rows: rows(passes.table, GAME_B, [1, 2]),
    games: [GAME_B],
  });
  t.deepEqual(counts(listed), { ...none, staged: 2, unchanged: 2, deleted: 2 });
  t.deepEqual(await stored(GAME_B), [
    'TrackingDrives:1',
    'TrackingDrives:2',
    'TrackingDrives:3',
    'TrackingPasses:1',
    'TrackingPasses:2',
  ]);
  t.deepEqual(await stored(GAME_C), ['TrackingPasses:1', 'TrackingPasses:2']);

  const implied = await writeBatch(db.pool, { spec: drives.table, rows: rows(drives.table, GAME_B, [2]) });
  t.deepEqual(counts(implied), { ...none, staged: 1, unchanged: 1, deleted: 2 });
  // A listed game with no rows of the type left loses that type only.
  const emptied = await writeBatch(db.pool, { spec: passes.table, rows: [], games: [GAME_B] });
  t.deepEqual(counts(emptied), { ...none, deleted: 2 });
  t.deepEqual(await stored(GAME_B), ['TrackingDrives:2']);
  t.deepEqual(await stored(GAME_C), ['TrackingPasses:1', 'TrackingPasses:2']);
});

test.serial(
  'the declarations of one table share a staging table on one connection, each with its own plan',
  async (t) => {
    const passesPlan = loadPlanFor(passes.table);
    const drivesPlan = loadPlanFor(drives.table);
    t.is(passesPlan.stagingTable, drivesPlan.stagingTable);
    t.not(passesPlan.replaceGames, drivesPlan.replaceGames);
    t.true(passesPlan.replaceGames?.includes(`"event_type" = 'TrackingPasses'::text`));

    const single = new pg.Pool({ connectionString: db.url, max: 1 });
    t.teardown(() => single.end());
    const loads: Array<[TableSpec, number[]]> = [
      [passes.table, [1, 2, 3]],
      [drives.table, [1, 2]],
      [passes.table, [1]],
      [drives.table, [1, 2, 3, 4]],
    ];
    const results = [];
    for (const [spec, ordinals] of loads) {
      results.push(
        counts(await writeBatch(single, { spec, rows: rows(spec, GAME_D, ordinals), games: [GAME_D] })),
      );
    }
    t.deepEqual(results, [
      { ...none, staged: 3, inserted: 3 },
      { ...none, staged: 2, inserted: 2 },
      { ...none, staged: 1, unchanged: 1, deleted: 2 },
      { ...none, staged: 4, unchanged: 2, inserted: 2 },
    ]);
    t.deepEqual(await stored(GAME_D), [
      'TrackingDrives:1',
      'TrackingDrives:2',
      'TrackingDrives:3',
      'TrackingDrives:4',
      'TrackingPasses:1',
    ]);
  },
);

test.serial('a scope value with quotes is a literal, never SQL', async (t) => {
  const value = "O'Neal'); DELETE FROM nba.querytool_events; --";
  const spec: TableSpec = { ...passes.table, replaceWithin: { event_type: value } };
  await writeBatch(db.pool, { spec: drives.table, rows: rows(drives.table, GAME_E, [1]) });
  const loaded = await writeBatch(db.pool, { spec, rows: rows(spec, GAME_E, [1, 2]), games: [GAME_E] });
  t.deepEqual(counts(loaded), { ...none, staged: 2, inserted: 2 });
  const replaced = await writeBatch(db.pool, { spec, rows: rows(spec, GAME_E, [2]), games: [GAME_E] });
  t.deepEqual(counts(replaced), { ...none, staged: 1, unchanged: 1, deleted: 1 });
  t.deepEqual(await stored(GAME_E), [`${value}:2`, 'TrackingDrives:1']);
  t.deepEqual(await stored(GAME_A), [
    'TrackingDrives:1',
    'TrackingDrives:2',
    'TrackingPasses:1',
    'TrackingPasses:2',
    'TrackingPasses:3',
  ]);
});

test('a scope must name text values of declared key columns, beside a game column', (t) => {
  const base = passes.table;
  const refused: Array<[TableSpec, string]> = [
    [{ ...base, gameColumn: undefined }, 'replaceWithin scopes the per-game replacement: declare gameColumn'],
    [{ ...base, replaceWithin: { kind: 'x' } }, 'replaceWithin column kind is not a declared column'],
    [{ ...base, replaceWithin: { period: '1' } }, 'replaceWithin column period is not a key column'],
    [
      { ...base, replaceWithin: { game_id: '0022500101' } },
      'replaceWithin column game_id is the game column',
    ],
    [
      { ...base, replaceWithin: { event_type: 7 as unknown as string } },
      'replaceWithin event_type needs a text value',
    ],
    [{ ...base, replaceWithin: { event_type: 'a\0b' } }, 'replaceWithin event_type needs a text value'],
  ];
  for (const [spec, problem] of refused) {
    t.throws(() => checkTableSpec(spec), { message: `table spec "nba.querytool_events": ${problem}` });
  }
  t.is(checkTableSpec(base), base);
});
