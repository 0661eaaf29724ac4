// The daemon's record of finals: a game's final instant is the first one seen, settle re-fetches
// fall due by upstream's clock, several passed intervals cost one re-fetch, and ingestion is
// marked once.
import test from 'ava';
import { markIngested, markRefetched, recordFinals, refetchesDue } from '../../src/sinks/finals.ts';
import { withTestDatabase } from '../support/database.ts';
import { loadReference } from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const HOUR = 3_600_000;
const SETTLE = [3 * HOUR, 24 * HOUR];
const at = (iso: string) => new Date(iso);

test.before(async () => {
  await loadReference(db.pool, ['0022500101', '0022500102']);
});

test.serial(
  're-fetches fall due after each settle interval, once each, and a late look costs one',
  async (t) => {
    await recordFinals(db.pool, ['0022500101'], at('2026-02-20T03:00:00Z'));
    await recordFinals(db.pool, ['0022500101', '0022500102'], at('2026-02-20T04:00:00Z'));
    const { rows } = await db.pool.query<{ game_id: string; final_at: Date }>(
      'SELECT game_id, final_at FROM nba_ingest.finals ORDER BY game_id',
    );
    t.deepEqual(
      rows.map((row) => [row.game_id, row.final_at.toISOString()]),
      [
        ['0022500101', '2026-02-20T03:00:00.000Z'],
        ['0022500102', '2026-02-20T04:00:00.000Z'],
      ],
    );
    t.deepEqual(await refetchesDue(db.pool, SETTLE, at('2026-02-20T05:59:59Z'), 5), []);
    t.deepEqual(await refetchesDue(db.pool, SETTLE, at('2026-02-20T06:00:00Z'), 5), [
      { gameId: '0022500101', refetches: 0 },
    ]);
    await markRefetched(db.pool, ['0022500101'], SETTLE, at('2026-02-20T06:00:00Z'));
    t.deepEqual(await refetchesDue(db.pool, SETTLE, at('2026-02-20T07:00:00Z'), 5), [
      { gameId: '0022500102', refetches: 0 },
    ]);
    // Two days later both intervals have passed for the second game: one re-fetch settles both.
    const late = at('2026-02-22T12:00:00Z');
    t.deepEqual(await refetchesDue(db.pool, SETTLE, late, 5), [
      { gameId: '0022500101', refetches: 1 },
      { gameId: '0022500102', refetches: 0 },
    ]);
    await markRefetched(db.pool, ['0022500101', '0022500102'], SETTLE, late);
    t.deepEqual(await refetchesDue(db.pool, SETTLE, at('2026-03-01T00:00:00Z'), 5), []);
    t.deepEqual(await refetchesDue(db.pool, [], late, 5), []);
  },
);

test.serial('a game is marked ingested once', async (t) => {
  t.deepEqual(await markIngested(db.pool, ['0022500101', '0022500102']), ['0022500101', '0022500102']);
  t.deepEqual(await markIngested(db.pool, ['0022500101']), []);
});
