// One active daemon per database: the advisory lock goes to exactly one holder, passes to a
// standby when the holder releases it or its connection dies, and a holder notices the loss.
import test from 'ava';
import pg from 'pg';
import pino from 'pino';
import { Leadership } from '../../src/sinks/leadership.ts';
import { withTestDatabase } from '../support/database.ts';

const db = withTestDatabase(test);
const logger = pino({ level: 'silent' });

function twoDaemons() {
  const pools = [0, 1].map(() => new pg.Pool({ connectionString: db.url, max: 3 }));
  for (const pool of pools) pool.on('error', () => undefined);
  const [first, second] = pools.map((pool) => new Leadership(pool, logger)) as [Leadership, Leadership];
  return { first, second, end: () => Promise.all(pools.map((pool) => pool.end())) };
}

test.serial(
  'exactly one of two daemons holds the lock; the other takes over once it is released',
  async (t) => {
    const { first, second, end } = twoDaemons();
    try {
      t.true(await first.tryAcquire());
      t.false(await second.tryAcquire());
      t.true(await first.confirm());
      t.true(first.held);
      t.false(second.held);
      await first.release();
      t.false(first.held);
      t.true(await second.tryAcquire());
      t.false(await first.tryAcquire());
      await second.release();
    } finally {
      await end();
    }
  },
);

test.serial(
  'a holder whose connection is terminated learns it has lost the lock, and the standby gets it',
  async (t) => {
    const { first, second, end } = twoDaemons();
    try {
      t.true(await first.tryAcquire());
      const terminated = await db.pool.query<{ n: number }>(
        `SELECT count(pg_terminate_backend(l.pid))::int AS n FROM pg_locks l
       WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      t.is(terminated.rows[0]?.n, 1);
      t.false(await first.confirm());
      t.false(first.held);
      t.true(await second.tryAcquire());
      await second.release();
    } finally {
      await end();
    }
  },
);
