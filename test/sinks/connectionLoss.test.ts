// A lost database connection (a terminated backend) never crashes the process, a client that saw it
// never goes back to work, and a batch cut off before its COMMIT is written again on a new connection.
import { once } from 'node:events';
import test from 'ava';
import pg from 'pg';
import { writeBatch } from '../../src/sinks/batchWriter.ts';
import { isConnectionLost } from '../../src/sinks/connectionLoss.ts';
import { type Database, openDatabase } from '../../src/sinks/database.ts';
import { loadPlanFor } from '../../src/sinks/loadPlan.ts';
import { serverUrl, withTestDatabase } from '../support/database.ts';
import { backendsLeft, PoolWatch } from '../support/poolWatch.ts';
import { loadReference, shotRow, shotsSpec } from '../support/referenceRows.ts';

const db = withTestDatabase(test);
const GAMES = ['0022500001', '0022500002', '0022500003'];
let database: Database;
let admin: pg.Client;

test.before(async () => {
  await loadReference(db.pool, GAMES);
  database = await openDatabase({ databaseUrl: db.url });
  admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
});
test.after.always(async () => {
  await admin?.end();
  await database?.close();
});

/** Terminates backends of the test database only, as pg_terminate_backend must always be filtered. */
async function terminate(pid: number): Promise<boolean> {
  const { rows } = await admin.query<{ ended: boolean }>(
    'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid = $2',
    [db.name, pid],
  );
  return rows[0]?.ended === true;
}

/**
 * Polls until a backend of the test database runs a statement starting like `statement`, and ends
 * it; gives up (0) once `finished` says the statement's work is over without being caught.
 */
async function terminateWhenRunning(statement: string, finished: () => boolean): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !finished()) {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND left(query, 60) = left($2, 60)`,
      [db.name, statement],
    );
    const pid = rows[0]?.pid;
    if (pid !== undefined && (await terminate(pid))) return pid;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return 0;
}

const shots = (gameId: string, count: number) =>
  Array.from({ length: count }, (_, index) => shotRow({ gameId, eventNumber: index + 1 }));

test('connection losses are told from statement errors', (t) => {
  const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });
  t.true(isConnectionLost(coded('57P01', 'terminating connection due to administrator command')));
  t.true(isConnectionLost(coded('57P03', 'the database system is starting up')));
  t.true(isConnectionLost(coded('08006')));
  t.true(isConnectionLost(coded('ECONNRESET')));
  t.true(isConnectionLost(new Error('Connection terminated unexpectedly')));
  t.true(isConnectionLost(new Error('Client has encountered a connection error and is not queryable')));
  t.false(isConnectionLost(coded('23505', 'duplicate key value violates unique constraint')));
  t.false(isConnectionLost(coded('22P02', 'invalid input syntax for type integer')));
  t.false(isConnectionLost(coded('57014', 'canceling statement due to statement timeout')));
  t.false(isConnectionLost(new Error('timeout exceeded when trying to connect')));
  t.false(isConnectionLost('Connection terminated unexpectedly'));
});

test.serial(
  'a client whose connection drops before its holder listens neither crashes the process nor is reused',
  async (t) => {
    const { pool } = database;
    const watch = new PoolWatch(pool, { errors: false });
    try {
      // As pg-pool hands a client over: no listener of the caller's yet.
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // events.once would reject on the 'error': only the end is awaited, nobody listens to the error.
      const ended = new Promise((resolve) => client.once('end', resolve));
      t.true(await terminate(rows[0]?.pid ?? 0));
      // The termination is read from the socket and emitted as 'error' while nobody listens.
      await ended;
      const removed = once(pool, 'remove');
      client.release();
      await removed;
      const next = await pool.connect();
      t.not(next, client);
      t.is((await next.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one, 1);
      next.release();
      t.deepEqual(watch.counts, { broken: 0, reused: 0, removed: 1 });
    } finally {
      watch.stop();
    }
  },
);

for (const [statement, name] of [
  ['copy', 'in the middle of its COPY'],
  ['merge', 'in the middle of its merge'],
] as const) {
  test.serial(
    `a batch whose backend is terminated ${name} is written again on a new connection`,
    async (t) => {
      const gameId = statement === 'copy' ? GAMES[0] : GAMES[1];
      const { pool } = database;
      const watch = new PoolWatch(pool);
      try {
        // Enough rows that the COPY runs long enough to be caught; the merge is held by a lock on
        // its target until caught, since on the server it is over in a moment.
        // A COPY the poller misses on a busy machine is written again, up to 5 times, until caught.
        const rows = shots(gameId ?? '', 20_000);
        let killed = 0;
        let result: Awaited<ReturnType<typeof writeBatch>> | undefined;
        for (let attempt = 0; attempt < 5 && killed === 0; attempt++) {
          const lock = statement === 'merge' ? await db.pool.connect() : undefined;
          await lock?.query('BEGIN; LOCK TABLE nba.shot_chart IN SHARE ROW EXCLUSIVE MODE');
          let done = false;
          const written = writeBatch(pool, { spec: shotsSpec, rows, games: [gameId ?? ''] }).finally(() => {
            done = true;
          });
          try {
            killed = await terminateWhenRunning(loadPlanFor(shotsSpec)[statement], () => done);
          } finally {
            await lock?.query('COMMIT');
            lock?.release();
          }
          result = await written;
        }
        t.not(killed, 0, 'the statement was caught and its backend terminated');
        if (!result) return;
        t.is(result.inserted, 20_000);
        const stored = await db.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM nba.shot_chart WHERE game_id = $1',
          [gameId],
        );
        t.is(stored.rows[0]?.n, 20_000);
        t.is(watch.broken, 1);
        t.is(watch.reused, 0);
        const left = await backendsLeft(admin, db.name);
        t.is(left.copy + left.inTransaction, 0);
      } finally {
        watch.stop();
      }
    },
  );
}

test.serial(
  'a batch that cannot reconnect gives up with the lost connection, after three waits',
  async (t) => {
    const pool = new pg.Pool({ connectionString: db.url, application_name: 'nba-ingest-lost' });
    pool.on('error', () => undefined);
    const watch = new PoolWatch(pool);
    // Every connection of this pool is terminated as soon as it shows: the server never lets it write.
    let stop = false;
    const reaper = (async () => {
      while (!stop) {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = $1 AND application_name = 'nba-ingest-lost'`,
          [db.name],
        );
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    const started = Date.now();
    try {
      const error = await t.throwsAsync(
        writeBatch(pool, { spec: shotsSpec, rows: shots(GAMES[2] ?? '', 20_000), games: [GAMES[2] ?? ''] }),
      );
      t.true(isConnectionLost(error), String(error));
      t.true(Date.now() - started >= 4_100, 'waited 100 ms, 1 s and 3 s before the three new attempts');
      t.is(watch.reused, 0);
    } finally {
      stop = true;
      await reaper;
      watch.stop();
      await pool.end();
    }
    const stored = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM nba.shot_chart WHERE game_id = $1',
      [GAMES[2]],
    );
    t.is(stored.rows[0]?.n, 0);
  },
);
