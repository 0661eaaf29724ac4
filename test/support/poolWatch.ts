// What a lost database connection must not leave behind: a pg pool handing out again a client that
// saw an error (PoolWatch), and backends of the database left in a COPY or idle in a transaction
// (backendsLeft).
import type pg from 'pg';

/**
 * Counts what the pool does with clients that saw an error: on their own 'error' event or released
 * with an error. Such a client must be removed, never acquired again. Attached after the product's
 * own listeners (openDatabase), its 'error' listener hides no missing one; with `errors: false` it
 * adds none, for a test of a client nobody listens to.
 */
export class PoolWatch {
  broken = 0;
  reused = 0;
  removed = 0;
  readonly #pool: pg.Pool;
  readonly #broken = new WeakSet<pg.PoolClient>();
  readonly #errors: boolean;

  constructor(pool: pg.Pool, { errors = true }: { readonly errors?: boolean } = {}) {
    this.#pool = pool;
    this.#errors = errors;
    pool
      .on('connect', this.#onConnect)
      .on('release', this.#onRelease)
      .on('acquire', this.#onAcquire)
      .on('remove', this.#onRemove);
  }

  get counts(): { broken: number; reused: number; removed: number } {
    return { broken: this.broken, reused: this.reused, removed: this.removed };
  }

  stop(): void {
    this.#pool
      .off('connect', this.#onConnect)
      .off('release', this.#onRelease)
      .off('acquire', this.#onAcquire)
      .off('remove', this.#onRemove);
  }

  readonly #onConnect = (client: pg.PoolClient): void => {
    if (this.#errors) client.on('error', () => this.#mark(client));
  };

  readonly #onRelease = (error: Error | undefined, client: pg.PoolClient): void => {
    if (error) this.#mark(client);
  };

  readonly #onAcquire = (client: pg.PoolClient): void => {
    if (this.#broken.has(client)) this.reused += 1;
  };

  readonly #onRemove = (): void => {
    this.removed += 1;
  };

  #mark(client: pg.PoolClient): void {
    if (this.#broken.has(client)) return;
    this.#broken.add(client);
    this.broken += 1;
  }
}

/** Backends of database `datname` (but the asking one) in a COPY, or idle inside a transaction. */
export async function backendsLeft(
  client: pg.Pool | pg.Client,
  datname: string,
): Promise<{ copy: number; inTransaction: number }> {
  const { rows } = await client.query<{ copy: number; in_transaction: number }>(
    `SELECT count(*) FILTER (WHERE query LIKE 'COPY %' AND state <> 'idle')::int AS copy,
            count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS in_transaction
       FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
    [datname],
  );
  return { copy: rows[0]?.copy ?? -1, inTransaction: rows[0]?.in_transaction ?? -1 };
}
