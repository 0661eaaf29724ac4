// The daemon under faults, in-process: the database goes away mid-run (every connection dropped,
// new ones refused) and comes back — /healthz says 503 meanwhile and 200 after, and the tables end
// equal to a backfill of the same games; upstream black-holed — the circuit breaker opens, /healthz
// says why, upstream is left alone but for probes, and the daemon recovers when it answers again.
// The day before yesterday is not on the scoreboards the daemon reads: it catches up on those finals.
import test from 'ava';
import pg from 'pg';
import type { Replica } from '../../replica/server.ts';
import { DATASETS } from '../../src/streams/datasets.ts';
import {
  allLoaded,
  DatabaseLink,
  health,
  healthSays,
  PER_GAME,
  replicaAfterSecondDay,
  startTestDaemon,
  tableChecksums,
  waitFor,
} from '../support/daemon.ts';
import { createTestDatabase, withTestDatabase } from '../support/database.ts';
import { runTestBackfill } from '../support/pipeline.ts';

const db = withTestDatabase(test);
const datasets = PER_GAME.map((name) => DATASETS.get(name)).filter((dataset) => dataset !== undefined);
let replica: Replica;
/** The games final at the clock: yesterday's on the scoreboard, the day before's caught up on. */
let finals: string[];

test.before(async () => {
  ({ replica, finals } = await replicaAfterSecondDay(30));
});
test.after.always(async () => {
  await replica?.close();
});

test.serial(
  'a database that goes away mid-run: 503 while it is gone, 200 once back, nothing lost or doubled',
  async (t) => {
    const link = await DatabaseLink.open(db.url);
    const pool = new pg.Pool({ connectionString: link.url, connectionTimeoutMillis: 2_000 });
    pool.on('error', () => undefined);
    const daemon = await startTestDaemon(
      pool,
      replica,
      { poll: '300ms', settle: 'none', datasets: PER_GAME.join(',') },
      { listen: { host: '127.0.0.1', port: 0 } },
    );
    try {
      await waitFor(
        'the first games committed',
        async () => {
          const { rows } = await db.pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM nba_ingest.coverage',
          );
          return (rows[0]?.n ?? 0) > 0;
        },
        60_000,
        20,
      );
      link.cut();
      const down = await healthSays(daemon.url, 503);
      t.regex(JSON.stringify(down.body.reasons), /database is unreachable/);
      t.false(down.body.healthy as boolean);
      // Stays down a few polls: the daemon keeps running and keeps saying so.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      t.is((await health(daemon.url)).status, 503);
      link.restore();
      await waitFor(
        'every game of the day ingested',
        async () => {
          return allLoaded(db.pool, finals);
        },
        120_000,
        200,
      );
      await healthSays(daemon.url, 200);
    } finally {
      daemon.stop();
      await daemon.done;
      await pool.end();
      await link.close();
    }
    const reference = await createTestDatabase();
    try {
      const summary = await runTestBackfill({
        pool: reference.pool,
        replica,
        options: { datasets, gameIds: finals as never },
      });
      t.is(summary.exitCode, 0);
      t.deepEqual(await tableChecksums(db.pool, datasets), await tableChecksums(reference.pool, datasets));
    } finally {
      await reference.drop();
    }
    // Nothing half-done marked complete: no coverage row of a game without its rows.
    const { rows: orphans } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM nba_ingest.coverage c
     WHERE c.dataset = 'shot_chart' AND c.status = 'complete'
       AND NOT EXISTS (SELECT 1 FROM nba.shot_chart s WHERE s.game_id = c.game_id)`,
    );
    t.is(orphans[0]?.n, 0);
  },
);

test.serial(
  'upstream black-holed: the breaker opens, /healthz says why, only probes reach upstream, then it recovers',
  async (t) => {
    const daemon = await startTestDaemon(
      db.pool,
      replica,
      { poll: '200ms', settle: 'none', datasets: 'shot_chart' },
      {
        listen: { host: '127.0.0.1', port: 0 },
        http: { headersTimeoutMs: 250, bodyTimeoutMs: 250 },
        breaker: { failureThreshold: 3, openMs: 1_000, maxOpenMs: 2_000 },
      },
    );
    try {
      await healthSays(daemon.url, 200);
      replica.setFaults({ '*': { rates: { hang: 1 } } });
      // Unhealthy from the second unanswered call, the breaker open from the third.
      const down = await healthSays(daemon.url, 503);
      t.regex(JSON.stringify(down.body.reasons), /upstream is not answering/);
      await waitFor(
        'the breaker open in /healthz',
        async () => /circuit breaker open/.test(JSON.stringify((await health(daemon.url)).body.reasons)),
        30_000,
        100,
      );
      replica.resetStats();
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      // Polled every 200 ms with two scoreboards each, a loop without a breaker would send ≈40 calls
      // (and retries) in 4 s; open, only one probe per cool-down (1 s, doubling to 2 s) goes out.
      const sent = replica.stats().requests;
      t.true(sent <= 5, `${sent} calls reached the black-holed upstream in 4 s`);
      replica.setFaults({});
      await healthSays(daemon.url, 200);
      t.is(daemon.status.circuitOpen, false);
    } finally {
      replica.setFaults({});
      daemon.stop();
      await daemon.done;
    }
  },
);
