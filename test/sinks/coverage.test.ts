import test from 'ava';
import { writeRecords } from '../../src/sinks/batchWriter.ts';
import { coverageSummary, gameCoverage, UNAVAILABLE_RECHECK_MINUTES } from '../../src/sinks/coverage.ts';
import { withTestDatabase } from '../support/database.ts';
import { loadReference } from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const GAMES = ['0022500001', '0022500002', '0022500003', '0022500004', '0022500005'];

test.before(async () => {
  await loadReference(db.pool, GAMES);
  const at = new Date('2026-02-22T10:00:00.000Z');
  const row = (dataset: string, gameId: string, status: 'complete' | 'empty' | 'failed') => ({
    dataset,
    gameId,
    status,
    rowCount: status === 'complete' ? 180 : 0,
    contentHash: null,
    reason: status === 'failed' ? 'truncated' : null,
    fetchedAt: at,
    runId: null,
  });
  await writeRecords(db.pool, {
    coverage: [
      row('shot_chart', '0022500001', 'complete'),
      row('shot_chart', '0022500002', 'empty'),
      row('shot_chart', '0022500003', 'failed'),
      row('tracking', '0022500004', 'complete'),
    ],
  });
});

const coveredGames = async (dataset: string, games: readonly string[]) =>
  [...(await gameCoverage(db.pool, dataset, games)).covered].sort();

test('covered games are those with complete or empty coverage in that dataset', async (t) => {
  t.deepEqual(await coveredGames('shot_chart', GAMES), ['0022500001', '0022500002']);
  t.deepEqual(await coveredGames('tracking', GAMES), ['0022500004']);
  t.deepEqual(await coveredGames('shot_chart', ['0022500003', '0022500004']), []);
  t.deepEqual(await coveredGames('shot_chart', []), []);
});

test('a game not published upstream waits for the recheck interval, then is fetched again', async (t) => {
  const unavailable = (gameId: string, minutesAgo: number) => ({
    dataset: 'hustle_box',
    gameId,
    status: 'unavailable' as const,
    rowCount: 0,
    contentHash: null,
    reason: 'http_403',
    fetchedAt: new Date(Date.now() - minutesAgo * 60_000),
    runId: null,
  });
  await writeRecords(db.pool, {
    coverage: [unavailable('0022500001', 5), unavailable('0022500002', UNAVAILABLE_RECHECK_MINUTES + 1)],
  });
  const coverage = await gameCoverage(db.pool, 'hustle_box', GAMES);
  t.deepEqual([...coverage.waiting], ['0022500001']);
  t.deepEqual([...coverage.covered], []);
});

test('the summary counts coverage by status and the games with none', async (t) => {
  t.deepEqual(await coverageSummary(db.pool, 'shot_chart', GAMES), {
    complete: 1,
    empty: 1,
    failed: 1,
    missing: 2,
  });
  t.deepEqual(await coverageSummary(db.pool, 'shot_chart', ['0022500001', '0022500001']), {
    complete: 1,
    empty: 0,
    failed: 0,
    missing: 0,
  });
  t.deepEqual(await coverageSummary(db.pool, 'lineups', GAMES), {
    complete: 0,
    empty: 0,
    failed: 0,
    missing: 5,
  });
});
