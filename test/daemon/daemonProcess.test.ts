// The daemon as the user runs it, `nba-ingest daemon` in its own process: SIGTERM in the middle of a
// batch exits 0 promptly with the interrupted run recorded, and a restart ends in the same tables
// as an uninterrupted run; of two daemons on one database exactly one is active, and when it is
// killed the standby takes over and finishes the work.
import test from 'ava';
import type { Replica } from '../../replica/server.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import {
  allLoaded,
  PER_GAME,
  replicaAfterSecondDay,
  spawnDaemon,
  tableChecksums,
  waitFor,
} from '../support/daemon.ts';
import { createTestDatabase, type TestDatabase, withTestDatabase } from '../support/database.ts';

const db = withTestDatabase(test);
const datasets = PER_GAME.map((name) => DATASETS.get(name)).filter((dataset) => dataset !== undefined);
const ARGS = ['--poll', '300ms', '--settle', 'none', '--datasets', PER_GAME.join(',')];
let replica: Replica;
let finals: string[];
let uninterrupted: TestDatabase;

test.before(async () => {
  ({ replica, finals } = await replicaAfterSecondDay(40));
  uninterrupted = await createTestDatabase();
});
test.after.always(async () => {
  await uninterrupted?.drop();
  await replica?.close();
});

const allIngested = (pool: TestDatabase['pool']) => () => allLoaded(pool, finals);

test.serial(
  'SIGTERM mid-batch exits 0 promptly; a restart ends in the tables of an uninterrupted run',
  async (t) => {
    const reference = spawnDaemon(uninterrupted.url, replica, ARGS);
    await waitFor(
      'the uninterrupted daemon to ingest the day',
      allIngested(uninterrupted.pool),
      180_000,
      200,
    );
    reference.child.kill('SIGTERM');
    t.is(await reference.exit, 0, reference.log().slice(-2_000));

    const first = spawnDaemon(db.url, replica, ARGS);
    await waitFor(
      'some but not all coverage committed',
      async () => {
        const { rows } = await db.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM nba_ingest.coverage',
        );
        return (rows[0]?.n ?? 0) > 0;
      },
      120_000,
      10,
    );
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    t.is(await first.exit, 0, first.log().slice(-2_000));
    const stopMs = Date.now() - signalled;
    t.true(stopMs < 30_000, `stopped ${stopMs} ms after SIGTERM`);
    t.log(`stopped ${stopMs} ms after SIGTERM`);
    t.false(await allIngested(db.pool)(), 'the signal came before the day was loaded');
    const { rows: runs } = await db.pool.query<{ outcome: string }>(
      "SELECT outcome FROM nba_ingest.runs WHERE mode = 'daemon' ORDER BY run_id",
    );
    t.deepEqual(
      runs.map((run) => run.outcome),
      ['interrupted'],
    );

    const second = spawnDaemon(db.url, replica, ARGS);
    await waitFor('the restarted daemon to finish the day', allIngested(db.pool), 180_000, 200);
    second.child.kill('SIGTERM');
    t.is(await second.exit, 0, second.log().slice(-2_000));
    t.deepEqual(await tableChecksums(db.pool, datasets), await tableChecksums(uninterrupted.pool, datasets));
  },
);

test.serial(
  'two daemons on one database: exactly one is active; killed, the standby takes over',
  async (t) => {
    const other = await createTestDatabase();
    try {
      const daemons = [0, 1].map(() => spawnDaemon(other.url, replica, [...ARGS, '--http', '127.0.0.1:0']));
      const urls = await Promise.all(
        daemons.map((daemon) =>
          waitFor(
            'the status server address in the log',
            () => /"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"serving \/healthz/.exec(daemon.log())?.[1],
            60_000,
          ),
        ),
      );
      const roles = async () =>
        Promise.all(
          urls.map(async (url) => {
            const body = (await (await fetch(`${url}/healthz`)).json()) as { role: string };
            return body.role;
          }),
        );
      const settled = await waitFor(
        'one active daemon and one standby',
        async () => {
          const now = await roles();
          return now.includes('active') && now.includes('standby') ? now : undefined;
        },
        60_000,
        100,
      );
      t.deepEqual([...settled].sort(), ['active', 'standby']);
      const activeIndex = settled.indexOf('active');
      const active = daemons[activeIndex];
      const standby = daemons[1 - activeIndex];
      const standbyUrl = urls[1 - activeIndex];
      if (!active || !standby || !standbyUrl) throw new Error('two daemons expected');
      active.child.kill('SIGKILL');
      await active.exit;
      const tookOver = Date.now();
      await waitFor(
        'the standby to take over',
        async () =>
          ((await (await fetch(`${standbyUrl}/healthz`)).json()) as { role: string }).role === 'active',
        30_000,
        100,
      );
      t.log(`standby active ${Date.now() - tookOver} ms after the active daemon was killed`);
      await waitFor('the day ingested by the new active daemon', allIngested(other.pool), 180_000, 200);
      standby.child.kill('SIGTERM');
      t.is(await standby.exit, 0, standby.log().slice(-2_000));
      t.deepEqual(
        await tableChecksums(other.pool, datasets),
        await tableChecksums(uninterrupted.pool, datasets),
      );
    } finally {
      await other.drop();
    }
  },
);
